from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import Role, User
from apps.core.api.permissions import role_permission

from .. import selectors, services
from ..filters import AssignmentFilterSet
from ..models import RosterAssignment, ShiftTemplate


class ShiftTemplateSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = ShiftTemplate
        fields = ["id", "name", "label", "preset", "start_time", "length_hours", "active"]


class AssignmentSerializer(serializers.ModelSerializer):
    """One duty operator on one shift, with the local times it works out to (M-1.2)."""

    operator_name = serializers.CharField(source="operator.__str__", read_only=True)
    template_label = serializers.CharField(source="template.__str__", read_only=True)

    class Meta:
        model = RosterAssignment
        fields = [
            "id",
            "operator",
            "operator_name",
            "template",
            "template_label",
            "date",
            "starts_at",
            "ends_at",
            "assigned_by",
            "assigned_at",
            "checked_in_at",
            "checked_out_at",
        ]


class AssignSerializer(serializers.Serializer):
    operator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    template = serializers.PrimaryKeyRelatedField(queryset=ShiftTemplate.objects.all())
    date = serializers.DateField()


class ShiftTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """The shift templates: the presets and the office's own (M-1.2)."""

    queryset = ShiftTemplate.objects.none()
    serializer_class = ShiftTemplateSerializer
    permission_classes = [role_permission(*selectors.ROSTER_VIEW_ROLES)]
    filterset_fields = ["active"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)


class AssignmentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The live duty roster (M-1.2); POST puts a duty operator on a shift (the security
    office; an overlapping shift of the same person is a 400)."""

    queryset = RosterAssignment.objects.none()
    serializer_class = AssignmentSerializer
    permission_classes = [role_permission(*selectors.ROSTER_VIEW_ROLES)]
    filterset_class = AssignmentFilterSet

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("starts_at", "pk")

    def get_permissions(self):
        # Refused (403) before anything is read: planning is the office's, checking in the
        # duty operators' (their own shift: the service says so otherwise, a 400).
        roles = {
            "create": selectors.ROSTER_PLAN_ROLES,
            "check_in": (Role.DUTY_OPERATOR,),
            "check_out": (Role.DUTY_OPERATOR,),
        }.get(self.action)
        if roles is not None:
            return [role_permission(*roles)()]
        return super().get_permissions()

    @extend_schema(request=AssignSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = services.roster_assign(
            operator=data["operator"], template=data["template"], day=data["date"], by=request.user
        )
        return Response(
            AssignmentSerializer(assignment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """The duty operator checks in to their own shift (M-1.2)."""
        assignment = services.shift_check_in(assignment=self.get_object(), by=request.user)
        return Response(
            AssignmentSerializer(assignment, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        """The duty operator checks out of their shift (M-1.2)."""
        assignment = services.shift_check_out(assignment=self.get_object(), by=request.user)
        return Response(
            AssignmentSerializer(assignment, context=self.get_serializer_context()).data
        )
