"""Maintenance over the API (M-2.3, M-2.4): contracts and fault tickets read through the same
selectors as the pages (a vendor engineer: their own company's, else 404), state changes
through the same services (a role that never makes one: 403 before any lookup)."""

from datetime import timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import Department
from apps.core.api.permissions import role_permission

from .. import selectors, services
from ..filters import FaultTicketFilterSet, ServiceContractFilterSet
from ..models import FaultTicket, ServiceContract, TicketEvent, TicketPause


class ServiceContractSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    # The signed document by the scoped view's address, never its storage path (M-3.1 kit).
    document = serializers.SerializerMethodField()

    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_name",
            "starts_on",
            "ends_on",
            "general_hours",
            "major_hours",
            "contacts",
            "document",
            "document_type",
            "created_at",
        ]

    def get_document(self, contract: ServiceContract) -> str:
        url = reverse("maintenance_contract_document", args=[contract.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class TicketEventSerializer(serializers.ModelSerializer):
    # A clear's photos by the scoped view's address, never by their storage path.
    photos = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ["kind", "at", "by", "from_state", "to_state", "note", "data", "photos"]

    def get_photos(self, event: TicketEvent) -> list[dict]:
        request = self.context.get("request")
        out = []
        for photo in event.photos.all():
            url = reverse("maintenance_ticket_photo", args=[photo.pk])
            out.append(
                {"kind": photo.kind, "url": request.build_absolute_uri(url) if request else url}
            )
        return out


class TicketPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketPause
        fields = ["reason", "note", "started_at", "started_by", "ended_at", "ended_by"]


class FaultTicketSerializer(serializers.ModelSerializer):
    """A ticket with its clock as it stands now (M-2.4) and the verbs the caller may use."""

    camera_code = serializers.CharField(source="camera.code", read_only=True, default=None)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True, default=None)
    remaining_minutes = serializers.SerializerMethodField()
    breached = serializers.SerializerMethodField()
    paused = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = FaultTicket
        fields = [
            "id",
            "number",
            "camera",
            "camera_code",
            "location",
            "vendor",
            "vendor_name",
            "contract",
            "fault_record",
            "patrol_check",
            "severity",
            "allowance_hours",
            "symptom",
            "state",
            "occurred_at",
            "reported_at",
            "acknowledged_at",
            "on_site_at",
            "cleared_at",
            "verified_at",
            "closed_at",
            "reopen_count",
            "deadline_at",
            "remaining_minutes",
            "breached",
            "paused",
            "sla_warned_at",
            "sla_breached_at",
            "actions",
        ]

    def _clock(self, ticket: FaultTicket):
        # The list's clock from the stored columns (no query per row); one ticket's from its
        # history (the detail view sets ``clock``).
        clock = self.context.get("clock")
        if clock is not None:
            return clock
        now = timezone.now()
        end = ticket.clock_stopped_at or ticket.paused_since or now
        remaining = ticket.deadline_at - end
        if ticket.paused_since is not None:
            remaining = ticket.deadline_at - ticket.paused_since
        return {"remaining": remaining, "breached": remaining < timedelta(0)}

    def get_remaining_minutes(self, ticket: FaultTicket) -> int:
        clock = self._clock(ticket)
        remaining = clock["remaining"] if isinstance(clock, dict) else clock.remaining
        return int(remaining.total_seconds() // 60)

    def get_breached(self, ticket: FaultTicket) -> bool:
        clock = self._clock(ticket)
        return clock["breached"] if isinstance(clock, dict) else clock.breached

    def get_paused(self, ticket: FaultTicket) -> bool:
        return ticket.paused_since is not None

    def get_actions(self, ticket: FaultTicket) -> list[str]:
        user = self.context["request"].user
        return sorted(selectors.ticket_actions(user=user, ticket=ticket))


class SettingsChangeSerializer(serializers.Serializer):
    """A change of the ticket's camera made under the ticket's number as its work order (M-1.3,
    the cameras' change control): which settings, never their values (M-1.1a)."""

    at = serializers.DateTimeField(source="occurred_at")
    action = serializers.CharField(help_text="the audit action, e.g. cameras.camera_update")
    label = serializers.SerializerMethodField()
    by = serializers.IntegerField(source="actor_id", allow_null=True)
    work_order = serializers.SerializerMethodField()
    settings = serializers.SerializerMethodField(help_text="the names of the settings changed")
    credentials_replaced = serializers.SerializerMethodField()

    def get_label(self, event) -> str:
        return str(selectors.SETTINGS_ACTIONS[event.action])

    def get_work_order(self, event) -> str:
        return str((event.data or {}).get("work_order", ""))

    def get_settings(self, event) -> list[str]:
        return sorted((event.data or {}).get("changes", {}))

    def get_credentials_replaced(self, event) -> bool:
        return event.action == "cameras.credentials_replace" or bool(
            (event.data or {}).get("credentials_replaced")
        )


class FaultTicketDetailSerializer(FaultTicketSerializer):
    events = TicketEventSerializer(many=True, read_only=True)
    pauses = TicketPauseSerializer(many=True, read_only=True)
    settings_changes = serializers.SerializerMethodField()

    class Meta(FaultTicketSerializer.Meta):
        fields = [*FaultTicketSerializer.Meta.fields, "events", "pauses", "settings_changes"]

    @extend_schema_field(SettingsChangeSerializer(many=True))
    def get_settings_changes(self, ticket: FaultTicket) -> list[dict]:
        changes = selectors.ticket_settings_changes(ticket=ticket)
        return SettingsChangeSerializer(changes, many=True).data


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_field(OpenApiTypes.BINARY)
class PhotoUploadField(serializers.FileField):
    """An uploaded picture: a file part in the schema (a plain FileField reads as a URI there,
    what it answers, not what it takes)."""


class ClearSerializer(NoteSerializer):
    """A clear's note and optional photos (multipart; JPEG or PNG, checked by the service)."""

    before_photo = PhotoUploadField(required=False)
    after_photo = PhotoUploadField(required=False)


class PauseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=TicketPause.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR)
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceContractViewSet(viewsets.ReadOnlyModelViewSet):
    """The vendors' contracts (M-2.4)."""

    queryset = ServiceContract.objects.none()
    serializer_class = ServiceContractSerializer
    permission_classes = [role_permission(*selectors.CONTRACT_VIEW_ROLES)]
    filterset_class = ServiceContractFilterSet

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user)


_SERVICES = {
    "acknowledge": services.ticket_acknowledge,
    "on_site": services.ticket_on_site,
    "clear": services.ticket_clear,
    "verify": services.ticket_verify,
    "reopen": services.ticket_reopen,
    "close": services.ticket_close,
    "pause_end": services.ticket_pause_end,
    "severity_raise": services.ticket_severity_raise,
    "note": services.ticket_note,
}


def _state_change(verb: str):
    body_class = ClearSerializer if verb == "clear" else NoteSerializer

    def change(self, request, pk=None):
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self.get_object()
        _SERVICES[verb](ticket=ticket, by=request.user, **body.validated_data)
        return self._answer(ticket)  # reloaded: pause_end answers its pause, not the ticket

    # Named before decorating: the router maps POST to the action by its name.
    change.__name__ = verb
    change.__doc__ = f"{verb.replace('_', ' ').capitalize()} the ticket (one audited change)."
    change = action(detail=True, methods=["post"], url_path=verb, url_name=verb)(change)
    return extend_schema(request=body_class, responses=FaultTicketDetailSerializer)(change)


class FaultTicketViewSet(viewsets.ReadOnlyModelViewSet):
    """Fault tickets on the vendor's clock (M-2.3, M-2.4); POST .../<verb>/ changes state."""

    queryset = FaultTicket.objects.none()
    serializer_class = FaultTicketSerializer
    permission_classes = [role_permission(*selectors.TICKET_VIEW_ROLES)]
    filterset_class = FaultTicketFilterSet

    def get_queryset(self):
        return selectors.ticket_list(user=self.request.user)

    def get_permissions(self):
        roles = selectors.VERB_ROLES.get(self.action)
        if roles is not None:
            return [role_permission(*roles)()]  # 403 before any lookup
        return super().get_permissions()

    def get_serializer_class(self):
        return FaultTicketDetailSerializer if self.action == "retrieve" else FaultTicketSerializer

    def retrieve(self, request, pk=None):
        return self._answer(self.get_object())

    def _answer(self, ticket: FaultTicket) -> Response:
        ticket = selectors.ticket_get(user=self.request.user, pk=ticket.pk)
        prefetch_related_objects([ticket], "events__photos", "pauses")
        context = {
            **self.get_serializer_context(),
            "clock": selectors.ticket_clock(ticket=ticket),
        }
        return Response(FaultTicketDetailSerializer(ticket, context=context).data)

    acknowledge = _state_change("acknowledge")
    on_site = _state_change("on_site")
    clear = _state_change("clear")
    verify = _state_change("verify")
    reopen = _state_change("reopen")
    close = _state_change("close")
    pause_end = _state_change("pause_end")
    severity_raise = _state_change("severity_raise")
    note = _state_change("note")

    @extend_schema(request=AssignSerializer, responses=FaultTicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="assign", url_name="assign")
    def assign(self, request, pk=None):
        """Give a ticket no vendor has taken on yet to a maintenance vendor (M-2.4)."""
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self.get_object()
        services.ticket_assign(ticket=ticket, by=request.user, **body.validated_data)
        return self._answer(ticket)

    @extend_schema(request=PauseSerializer, responses=FaultTicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="pause_start", url_name="pause_start")
    def pause_start(self, request, pk=None):
        """Pause the clock for a reason from the fixed list (M-2.4)."""
        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = self.get_object()
        services.ticket_pause_start(ticket=ticket, by=request.user, **body.validated_data)
        return self._answer(ticket)
