"""Cameras over the API. Change control as on the pages (M-1.3): writes go through the same
services, credentials are write-only and never returned (M-1.1a)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import Role
from apps.core.api.permissions import role_permission
from apps.core.exceptions import RuleViolation

from .. import selectors, services
from ..filters import CameraFilterSet
from ..models import CAMERA_SETTING_FIELDS, Camera


class CameraSerializer(serializers.ModelSerializer):
    work_order = serializers.CharField(
        write_only=True, max_length=64, required=False, allow_blank=True
    )
    filing_overdue = serializers.BooleanField(read_only=True)
    has_credentials = serializers.BooleanField(read_only=True)

    class Meta:
        model = Camera
        fields = [
            "id",
            *CAMERA_SETTING_FIELDS,
            "vendor",
            "health",
            "down_since",
            "up_since",
            "last_checked_at",
            "filing_overdue",
            "has_credentials",
            "work_order",
        ]
        read_only_fields = ["vendor", "health", "down_since", "up_since", "last_checked_at"]


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=120)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    work_order = serializers.CharField(max_length=64)


class CameraViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    queryset = Camera.objects.none()  # for the schema; requests use the selector
    serializer_class = CameraSerializer
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = CameraFilterSet

    def get_queryset(self):
        return selectors.camera_list(user=self.request.user)

    def get_permissions(self):
        # M-1.3: only vendor engineers write; anyone else is refused (403) before any lookup.
        # An engineer outside a vendor company gets the service's 400 naming why.
        if self.action in ("create", "update", "partial_update", "credentials"):
            return [role_permission(Role.VENDOR_ENGINEER)()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.camera_create(
            by=self.request.user, work_order=data.pop("work_order", ""), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        work_order = data.pop("work_order", "")  # the service names a missing one
        serializer.instance = services.camera_update(
            camera=serializer.instance, by=self.request.user, work_order=work_order, **data
        )

    def update(self, request, *args, **kwargs):
        camera = self.get_object()
        if "change" not in selectors.camera_actions(user=request.user, camera=camera):
            raise RuleViolation(
                "Only the maintenance vendor's engineers may change camera settings.",
                clause="M-1.3",
            )
        return super().update(request, *args, **kwargs)

    @extend_schema(request=CredentialsSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def credentials(self, request, pk=None):
        """Replace the device credentials (write-only; M-1.1a)."""
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.camera_credentials_replace(
            camera=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
