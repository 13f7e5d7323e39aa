"""API of the shift handover (M-1.2) and of abnormal events (M-1.4): the pages' services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import Role, User
from apps.cameras.models import Camera
from apps.core.api.permissions import role_permission

from .. import abnormal, handover, holds, selectors
from ..filters import AbnormalEventFilterSet, HandoverFilterSet
from ..models import AbnormalEvent, Handover, HandoverItem, Incident, PreservationHold


class HandoverItemSerializer(serializers.ModelSerializer):
    carried_over = serializers.BooleanField(read_only=True)

    class Meta:
        model = HandoverItem
        fields = ["key", "label", "url", "source", "open_since", "carried_over"]


class HandoverSerializer(serializers.ModelSerializer):
    """One handover with its open items as they stood (carried-over ones marked)."""

    written_by_name = serializers.CharField(source="written_by.__str__", read_only=True)
    items = HandoverItemSerializer(many=True, read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "shift",
            "note",
            "written_by",
            "written_by_name",
            "written_at",
            "acknowledged_by",
            "acknowledged_at",
            "items",
        ]


class HandoverWriteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class HandoverViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The shift handovers (M-1.2); POST hands the caller's shift over (a duty operator),
    /acknowledge/ takes it over (a duty operator of the incoming shift)."""

    queryset = Handover.objects.none()
    serializer_class = HandoverSerializer
    filterset_class = HandoverFilterSet

    def get_queryset(self):
        return handover.handover_list(user=self.request.user).prefetch_related("items")

    def get_permissions(self):
        if self.action in ("create", "acknowledge"):  # refused (403) before anything is read
            return [role_permission(Role.DUTY_OPERATOR)()]
        return [role_permission(*selectors.ROSTER_VIEW_ROLES)()]

    @extend_schema(request=HandoverWriteSerializer, responses={201: HandoverSerializer})
    def create(self, request):
        serializer = HandoverWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        written = handover.handover_write(by=request.user, **serializer.validated_data)
        return Response(HandoverSerializer(written).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        done = handover.handover_acknowledge(handover=self.get_object(), by=request.user)
        return Response(HandoverSerializer(done).data)


class AbnormalEventSerializer(serializers.ModelSerializer):
    where = serializers.CharField(read_only=True)

    class Meta:
        model = AbnormalEvent
        fields = [
            "id",
            "category",
            "camera",
            "location",
            "where",
            "occurred_at",
            "description",
            "action_taken",
            "reported_to",
            "reported_by",
            "reported_at",
            "acknowledged_by",
            "acknowledged_at",
            "escalated_at",
        ]


class AbnormalReportSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=AbnormalEvent.Category.choices)
    camera = serializers.PrimaryKeyRelatedField(
        queryset=Camera.objects.filter(status=Camera.Status.ACTIVE), required=False, allow_null=True
    )
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=5000)
    action_taken = serializers.CharField(max_length=5000)
    reported_to = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class AbnormalEventViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Abnormal-event reports (M-1.4); POST records one (the staff on duty), /acknowledge/ is
    the superior's."""

    queryset = AbnormalEvent.objects.none()
    serializer_class = AbnormalEventSerializer
    filterset_class = AbnormalEventFilterSet

    def get_queryset(self):
        return abnormal.abnormal_list(user=self.request.user)

    def get_permissions(self):
        roles = {
            "create": abnormal.REPORT_ROLES,
            "acknowledge": abnormal.SUPERIOR_ROLES,
        }.get(self.action, abnormal.VIEW_ROLES)
        return [role_permission(*roles)()]

    @extend_schema(request=AbnormalReportSerializer, responses={201: AbnormalEventSerializer})
    def create(self, request):
        serializer = AbnormalReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = abnormal.abnormal_report(by=request.user, **serializer.validated_data)
        return Response(AbnormalEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AbnormalEventSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        event = abnormal.abnormal_acknowledge(event=self.get_object(), by=request.user)
        return Response(AbnormalEventSerializer(event).data)


# --- Emergencies (M-1.5)


class HoldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreservationHold
        fields = [
            "id",
            "incident",
            "cameras",
            "starts_at",
            "ends_at",
            "placed_by",
            "placed_at",
            "lifted_by",
            "lifted_at",
            "lift_reason",
        ]


class IncidentSerializer(serializers.ModelSerializer):
    holds = HoldSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "title", "occurred_at", "description", "opened_by", "opened_at", "holds"]


class IncidentOpenSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=5000)


class HoldPlaceSerializer(serializers.Serializer):
    cameras = serializers.PrimaryKeyRelatedField(queryset=Camera.objects.all(), many=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class HoldLiftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class IncidentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incident records with their preservation holds (M-1.5); POST records one, /holds/
    places a hold (the security office)."""

    queryset = Incident.objects.none()
    serializer_class = IncidentSerializer

    def get_queryset(self):
        return holds.incident_list(user=self.request.user).prefetch_related("holds__cameras")

    def get_permissions(self):
        if self.action in ("create", "holds"):  # refused (403) before anything is read
            return [role_permission(*holds.INCIDENT_ROLES)()]
        return [role_permission(*holds.INCIDENT_VIEW_ROLES)()]

    @extend_schema(request=IncidentOpenSerializer, responses={201: IncidentSerializer})
    def create(self, request):
        serializer = IncidentOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = holds.incident_open(by=request.user, **serializer.validated_data)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HoldPlaceSerializer, responses={201: HoldSerializer})
    @action(detail=True, methods=["post"])
    def holds(self, request, pk=None):
        incident = self.get_object()
        serializer = HoldPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = holds.hold_place(incident=incident, by=request.user, **serializer.validated_data)
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldViewSet(viewsets.ReadOnlyModelViewSet):
    """Preservation holds, live and lifted (M-1.5); /lift/ is the security chief's."""

    queryset = PreservationHold.objects.none()
    serializer_class = HoldSerializer

    def get_queryset(self):
        return holds.hold_list(user=self.request.user)

    def get_permissions(self):
        if self.action == "lift":
            return [role_permission(*holds.LIFT_ROLES)()]
        return [role_permission(*holds.INCIDENT_VIEW_ROLES)()]

    @extend_schema(request=HoldLiftSerializer, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        hold = self.get_object()
        serializer = HoldLiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifted = holds.hold_lift(hold=hold, by=request.user, **serializer.validated_data)
        return Response(HoldSerializer(lifted).data)
