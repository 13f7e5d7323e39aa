"""Approval delegations over the API (M-3.3): list (scoped as the page), record, revoke."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.accounts.models import Role, User
from apps.core.api.permissions import role_permission

from .. import delegation, selectors
from ..models import ApprovalDelegation


class DelegationSerializer(serializers.ModelSerializer):
    principal_name = serializers.CharField(source="principal", read_only=True)
    delegate_name = serializers.CharField(source="delegate", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalDelegation
        fields = [
            "id",
            "principal",
            "principal_name",
            "role",
            "delegate",
            "delegate_name",
            "starts_at",
            "ends_at",
            "reason",
            "created_by",
            "created_at",
            "revoked_at",
            "revoked_by",
            "state",
        ]

    def get_state(self, obj: ApprovalDelegation) -> str:
        return delegation.delegation_state(obj)


class DelegationRecordSerializer(serializers.Serializer):
    # Omitted: the caller themselves. Someone else: the security chief only (403).
    principal = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    role = serializers.ChoiceField(choices=list(delegation.DELEGATE_RULES))
    delegate = serializers.PrimaryKeyRelatedField(queryset=delegation.delegate_choices())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=delegation.REASON_MAX)


class DelegationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Delegations the caller may see (the security chief and auditors: all). POST records
    one (an approver for themselves, the security chief for anyone); /revoke/ ends it now.
    A refusal of the rules (to oneself, a chain, outside the department…) is a 400."""

    queryset = ApprovalDelegation.objects.none()
    serializer_class = DelegationSerializer
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action in ("create", "revoke"):
            return [role_permission(*delegation.DELEGATING_ROLES)()]
        return super().get_permissions()

    def get_queryset(self):
        return delegation.delegation_list(user=self.request.user)

    @extend_schema(request=DelegationRecordSerializer, responses={201: DelegationSerializer})
    def create(self, request):
        serializer = DelegationRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        principal = values.pop("principal", None) or request.user
        if principal.pk != request.user.pk and not request.user.has_role(Role.SECURITY_CHIEF):
            raise PermissionDenied(
                _("Only the security chief records a delegation for someone else.")
            )
        recorded = delegation.delegation_record(by=request.user, principal=principal, **values)
        return Response(DelegationSerializer(recorded).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        obj = self.get_object()
        if not delegation.may_revoke(by=request.user, delegation=obj):
            raise PermissionDenied
        revoked = delegation.delegation_revoke(delegation=obj, by=request.user)
        return Response(DelegationSerializer(revoked).data)
