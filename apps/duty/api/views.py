from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import Role, User
from apps.core.api.fields import LocalTimeField
from apps.core.api.permissions import role_permission

from .. import selectors, services
from ..filters import AssignmentFilterSet, EntryFilterSet
from ..models import CenterAccess, CenterEntry, RosterAssignment, ShiftTemplate


class ShiftTemplateSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)
    start_time = LocalTimeField(read_only=True)

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


class RosterAssignSerializer(serializers.Serializer):
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

    @extend_schema(request=RosterAssignSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        serializer = RosterAssignSerializer(data=request.data)
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


class EntrySerializer(serializers.ModelSerializer):
    """One stay in the monitoring center; a visitor's ID number only masked (PIPL)."""

    who = serializers.CharField(read_only=True)
    visitor_id_masked = serializers.CharField(read_only=True)

    class Meta:
        model = CenterEntry
        fields = [
            "id",
            "person",
            "who",
            "visitor_name",
            "visitor_id_type",
            "visitor_id_masked",
            "organisation",
            "purpose",
            "escort",
            "authorised",
            "entered_at",
            "left_at",
            "recorded_by",
        ]


class EntryInSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    visitor_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    visitor_id_type = serializers.ChoiceField(
        choices=CenterEntry.IdType.choices, required=False, allow_blank=True
    )
    visitor_id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, write_only=True
    )
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=120)
    purpose = serializers.CharField(max_length=200)
    escort = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class CenterAccessSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = CenterAccess
        fields = ["id", "person", "person_name", "note", "granted_by", "granted_at"]


class CenterAccessViewSet(viewsets.ReadOnlyModelViewSet):
    """The people authorised to enter the monitoring center now (M-1.2, M-4.1a)."""

    queryset = CenterAccess.objects.none()
    serializer_class = CenterAccessSerializer
    permission_classes = [role_permission(*selectors.ENTRY_VIEW_ROLES)]

    def get_queryset(self):
        return selectors.access_list(user=self.request.user)


class EntryViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The monitoring-center entry register (M-1.2, M-4.1a); POST records someone coming in,
    /out/ their leaving (the staff on duty)."""

    queryset = CenterEntry.objects.none()
    serializer_class = EntrySerializer
    permission_classes = [role_permission(*selectors.ENTRY_VIEW_ROLES)]
    filterset_class = EntryFilterSet

    def get_queryset(self):
        return selectors.entry_list(user=self.request.user)

    def get_permissions(self):
        if self.action in ("create", "out"):  # refused (403) before anything is read
            return [role_permission(*selectors.ENTRY_ROLES)()]
        return super().get_permissions()

    @extend_schema(request=EntryInSerializer, responses={201: EntrySerializer})
    def create(self, request):
        serializer = EntryInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_record_in(by=request.user, **serializer.validated_data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def out(self, request, pk=None):
        entry = services.entry_record_out(entry=self.get_object(), by=request.user)
        return Response(EntrySerializer(entry).data)
