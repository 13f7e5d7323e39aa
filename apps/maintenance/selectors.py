"""Reads of maintenance, scoped to who is asking: a vendor engineer sees their own company's
contracts and tickets only (M-1.3, M-2.4); out of scope is 404."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.selectors import VIEW_ROLES as CAMERA_VIEW_ROLES
from apps.cameras.selectors import camera_list
from apps.core.registers import local_day_start

from . import sla
from .models import FaultTicket, ServiceContract, TicketEvent, TicketPause, TicketPhoto

CONTRACT_WRITE_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
CONTRACT_VIEW_ROLES = (
    Role.DUTY_OPERATOR,
    Role.SECURITY_STAFF,
    Role.SECURITY_CHIEF,
    Role.AUDITOR,
    Role.VENDOR_ENGINEER,
)
TICKET_VIEW_ROLES = CAMERA_VIEW_ROLES
# Who opens a ticket by hand and confirms a vendor's clear (M-2.3: reported to the office).
OFFICE_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
# Who raises severity, pauses the clock and closes (the security office, M-2.4).
SUPERVISOR_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
EXPIRY_WARNING_DAYS = 30

# Ticket states where the fault is still the vendor's to clear.
OPEN_STATES = (
    FaultTicket.State.REPORTED,
    FaultTicket.State.ACKNOWLEDGED,
    FaultTicket.State.ON_SITE,
    FaultTicket.State.REOPENED,
)


def _vendor_scope(user: User) -> int | None:
    """The company a vendor engineer is limited to (0: none at all); None: no limit."""
    if user.is_superuser or not user.is_vendor_engineer:
        return None
    return user.department_id or 0


# --- contracts


def contract_list(*, user: User) -> QuerySet[ServiceContract]:
    qs = ServiceContract.objects.select_related("vendor")
    if not (user.is_superuser or user.has_any_role(*CONTRACT_VIEW_ROLES)):
        return qs.none()
    scope = _vendor_scope(user)
    return qs if scope is None else qs.filter(vendor_id=scope)


def contract_get(*, user: User, pk: int) -> ServiceContract:
    return get_object_or_404(contract_list(user=user).select_related("created_by"), pk=pk)


def contract_may_create(*, user: User) -> bool:
    return user.has_any_role(*CONTRACT_WRITE_ROLES)


def contracts_valid(*, on) -> QuerySet[ServiceContract]:
    """Contracts in force on a local day."""
    return ServiceContract.objects.filter(starts_on__lte=on, ends_on__gte=on)


def contract_in_force(*, vendor_id: int | None, on) -> ServiceContract | None:
    """The vendor's contract in force on ``on`` (the latest ending if several)."""
    if vendor_id is None:
        return None
    return contracts_valid(on=on).filter(vendor_id=vendor_id).order_by("-ends_on", "-id").first()


def contracts_expiring(*, user: User, today=None) -> QuerySet[ServiceContract]:
    """In force today and ending within EXPIRY_WARNING_DAYS (M-2.4: the vendor's contract
    must not lapse unnoticed)."""
    today = today or timezone.localdate()
    return contract_list(user=user).filter(
        starts_on__lte=today,
        ends_on__gte=today,
        ends_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
    )


def cameras_without_contract(*, user: User, today=None) -> QuerySet[Camera]:
    """Cameras in service whose vendor has no contract in force today, or that name no
    vendor at all (nobody is bound to clear their faults, M-2.4)."""
    today = today or timezone.localdate()
    in_force = contracts_valid(on=today).filter(vendor_id=OuterRef("vendor_id"))
    return (
        camera_list(user=user)
        .filter(status=Camera.Status.ACTIVE)
        .filter(Q(vendor=None) | ~Exists(in_force))
    )


# --- tickets


def ticket_list(*, user: User) -> QuerySet[FaultTicket]:
    """Tickets the user may open: a vendor engineer their company's only (M-1.3, M-2.4);
    the security office's queue (no vendor) is not theirs."""
    qs = FaultTicket.objects.select_related("camera", "location__site", "vendor")
    if not (user.is_superuser or user.has_any_role(*TICKET_VIEW_ROLES)):
        return qs.none()
    scope = _vendor_scope(user)
    return qs if scope is None else qs.filter(vendor_id=scope)


def ticket_get(*, user: User, pk: int) -> FaultTicket:
    return get_object_or_404(
        ticket_list(user=user).select_related(
            "contract", "reported_by", "fault_record", "patrol_check__run", "recheck_run"
        ),
        pk=pk,
    )


def ticket_overdue_q(*, now=None) -> Q:
    """Breached tickets, from the stored clock: running and past the deadline, paused after
    the deadline had passed (the stored deadline leaves the open pause out), or stopped by a
    clear that came after it."""
    now = now or timezone.now()
    running = Q(clock_stopped_at=None, paused_since=None, deadline_at__lt=now)
    paused_late = Q(
        clock_stopped_at=None, paused_since__isnull=False, paused_since__gt=F("deadline_at")
    )
    cleared_late = Q(clock_stopped_at__isnull=False, clock_stopped_at__gt=F("deadline_at"))
    return running | paused_late | cleared_late


def ticket_history(*, ticket: FaultTicket) -> list[tuple]:
    """The state changes as (time, state) for the clock."""
    return list(
        ticket.events.exclude(to_state="").order_by("at", "id").values_list("at", "to_state")
    )


def ticket_pauses(*, ticket: FaultTicket) -> list[sla.Interval]:
    return [
        sla.Interval(start, end)
        for start, end in ticket.pauses.order_by("started_at").values_list("started_at", "ended_at")
    ]


def ticket_clock(*, ticket: FaultTicket, at=None) -> sla.Clock:
    """The ticket's SLA clock now (M-2.4), from its history and pauses (sla.py)."""
    return sla.sla_clock(
        reported_at=ticket.reported_at,
        allowance=timedelta(hours=ticket.allowance_hours),
        pauses=ticket_pauses(ticket=ticket),
        history=ticket_history(ticket=ticket),
        at=at or timezone.now(),
    )


def ticket_timeline(*, ticket: FaultTicket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("by").prefetch_related("photos").order_by("at", "id")


# The cameras' change control (apps/cameras/services.py, M-1.3): the actions that take a work
# order, named on the ticket's timeline as the audit register names them.
SETTINGS_ACTIONS = {
    "cameras.camera_update": _("Camera settings changed"),
    "cameras.credentials_replace": _("Device credentials replaced"),
    "cameras.reference_set": _("Reference picture set"),
}


def ticket_settings_changes(*, ticket: FaultTicket) -> QuerySet[AuditEvent]:
    """The changes of the ticket's camera made under the ticket's number as their work order
    (issue 16, M-1.3): the cameras' change control records each in the audit chain with its
    work order, and the ticket reads them there (nothing written twice; cameras know nothing
    of tickets). The number is matched without regard to case, as the change control does."""
    if ticket.camera_id is None:
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(
            target_type=Camera._meta.label_lower,
            target_id=str(ticket.camera_id),
            action__in=list(SETTINGS_ACTIONS),
            data__work_order__iexact=ticket.number,
        )
        .select_related("actor")
        .order_by("occurred_at", "sequence")
    )


@dataclass(frozen=True)
class TimelineRow:
    """A row of a ticket's timeline: one of its events, or a settings change of its camera
    under its work order."""

    at: datetime
    kind: str  # a TicketEvent kind, or "settings"
    label: str
    by: User | None
    note: str
    photos: tuple = ()


def _changed_fields(event: AuditEvent) -> str:
    """The names of the settings a change touched (not their values: an address may have
    held credentials before, M-1.1a)."""
    names = []
    for name in (event.data or {}).get("changes", {}):
        try:
            names.append(str(Camera._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            names.append(name)
    if (event.data or {}).get("credentials_replaced"):
        names.append(str(_("credentials replaced")))
    return ", ".join(names)


def ticket_timeline_rows(*, ticket: FaultTicket) -> list[TimelineRow]:
    """The ticket page's timeline: its events and the settings changes made under its number,
    in time order (two queries and the photos')."""
    rows = [
        TimelineRow(
            at=event.at,
            kind=event.kind,
            label=event.get_kind_display(),
            by=event.by,
            note=event.note,
            photos=tuple(event.photos.all()),
        )
        for event in ticket_timeline(ticket=ticket)
    ]
    for change in ticket_settings_changes(ticket=ticket):
        fields = _changed_fields(change)
        note = _("work order %(number)s") % {"number": change.data.get("work_order", "")}
        rows.append(
            TimelineRow(
                at=change.occurred_at,
                kind="settings",
                label=str(SETTINGS_ACTIONS[change.action]),
                by=change.actor,
                note=f"{note}: {fields}" if fields else note,
            )
        )
    return sorted(rows, key=lambda row: row.at)  # stable: equal times keep their order


def ticket_photo_get(*, user: User, pk: int) -> TicketPhoto:
    """A clear's photo, if its ticket is in the user's scope (else 404, M-1.3, M-3.1)."""
    return get_object_or_404(
        TicketPhoto.objects.filter(ticket__in=ticket_list(user=user).values("pk")), pk=pk
    )


def ticket_open_pause(*, ticket: FaultTicket) -> TicketPause | None:
    return ticket.pauses.filter(ended_at=None).first()


# Which roles ever perform each verb: anyone else is refused (403) before any lookup.
VERB_ROLES = {
    "acknowledge": (Role.VENDOR_ENGINEER,),
    "on_site": (Role.VENDOR_ENGINEER,),
    "clear": (Role.VENDOR_ENGINEER,),
    "verify": OFFICE_ROLES,
    "reopen": OFFICE_ROLES,
    "close": SUPERVISOR_ROLES,
    "pause_start": SUPERVISOR_ROLES,
    "severity_raise": SUPERVISOR_ROLES,
    "pause_end": (*SUPERVISOR_ROLES, Role.VENDOR_ENGINEER),
    "assign": SUPERVISOR_ROLES,
    "note": (*OFFICE_ROLES, Role.VENDOR_ENGINEER),
}


def ticket_may_ever(*, user: User, verb: str) -> bool:
    """Whether the user's role performs ``verb`` on any ticket (not whether now)."""
    return user.has_any_role(*VERB_ROLES.get(verb, ()))


def _is_tickets_vendor(user: User, ticket: FaultTicket) -> bool:
    return bool(
        user.is_vendor_engineer
        and ticket.vendor_id is not None
        and ticket.vendor_id == user.department_id
    )


def ticket_actions(*, user: User, ticket: FaultTicket) -> set[str]:
    """The verbs ``user`` may perform on ``ticket`` now; the services enforce this set and
    the page shows a button for each."""
    State = FaultTicket.State
    actions: set[str] = set()
    vendor = _is_tickets_vendor(user, ticket)
    office = user.has_any_role(*OFFICE_ROLES) and not user.is_vendor_engineer
    supervisor = user.has_any_role(*SUPERVISOR_ROLES) and not user.is_vendor_engineer
    paused = ticket.paused_since is not None
    if vendor and not paused:
        if ticket.state == State.REPORTED:
            actions.add("acknowledge")
        if ticket.state in (State.ACKNOWLEDGED, State.REOPENED):
            actions.add("on_site")
        if ticket.state in (State.ACKNOWLEDGED, State.ON_SITE, State.REOPENED):
            actions.add("clear")
    if office and ticket.state == State.CLEARED:
        actions |= {"verify", "reopen"}
    if office and ticket.state == State.VERIFIED:
        actions.add("reopen")
    if supervisor:
        if ticket.state == State.VERIFIED:
            actions.add("close")
        if ticket.state in OPEN_STATES:
            actions.add("pause_end" if paused else "pause_start")
        if ticket.state in (*OPEN_STATES, State.CLEARED) and ticket.severity == "general":
            actions.add("severity_raise")
        # A ticket of the office's queue (no vendor known), or one no vendor has taken on yet,
        # is given to a vendor by the security office (M-2.4).
        if ticket.state == State.REPORTED and not paused:
            actions.add("assign")
    elif vendor and paused and ticket.state in OPEN_STATES:
        actions.add("pause_end")  # the vendor may say the wait is over (on site again)
    if (vendor or office) and ticket.state != State.CLOSED:
        actions.add("note")
    return actions


def dashboard_cards(user: User) -> list[dict]:
    """Contracts about to lapse and cameras no contract covers (M-2.4), open and breached
    tickets (M-2.3); a fixed number of queries."""
    cards: list[dict] = []
    group = _("Maintenance")
    if user.has_any_role(*TICKET_VIEW_ROLES) or user.is_superuser:
        # Over the tickets not closed, by the state index: closed ones are most of a year's
        # tens of thousands and count for neither figure (issue 15).
        not_closed = [state for state in FaultTicket.State.values if state != "closed"]
        counts = (
            ticket_list(user=user)
            .filter(state__in=not_closed)
            .aggregate(
                open=Count("pk", filter=Q(state__in=OPEN_STATES)),
                overdue=Count("pk", filter=ticket_overdue_q()),
            )
        )
        cards += [
            {
                "key": "tickets_open",
                "label": _("Open fault tickets"),
                "count": counts["open"],
                "url": reverse("maintenance_tickets") + "?open=true",
                "css": "text-warning" if counts["open"] else "",
                "group": group,
            },
            {
                "key": "tickets_overdue",
                "label": _("Fault tickets past their deadline"),
                "count": counts["overdue"],
                "url": reverse("maintenance_tickets") + "?overdue=true",
                "css": "text-danger" if counts["overdue"] else "",
                "group": group,
            },
        ]
    # The contracts are the security office's to keep in force (M-2.4): its staff see them.
    if user.has_any_role(*SUPERVISOR_ROLES) and not user.is_vendor_engineer:
        expiring = contracts_expiring(user=user).count()
        uncovered = cameras_without_contract(user=user).count()
        cards += [
            {
                "key": "contracts_expiring",
                "label": _("Service contracts ending within 30 days"),
                "count": expiring,
                "url": reverse("maintenance_contracts") + "?expiring=true",
                "css": "text-warning" if expiring else "",
                "group": group,
            },
            {
                "key": "cameras_without_contract",
                "label": _("Cameras whose vendor has no valid contract"),
                "count": uncovered,
                "url": reverse("maintenance_contracts"),
                "css": "text-danger" if uncovered else "",
                "group": group,
            },
        ]
    return cards


# --- what other apps read through apps.core.providers (duty's handover, the day log)

# The clause each ticket event evidences (the audit events of the same changes cite the same).
EVENT_CLAUSES = {
    TicketEvent.Kind.ACKNOWLEDGED: "M-2.4",
    TicketEvent.Kind.ON_SITE: "M-2.4",
    TicketEvent.Kind.PAUSED: "M-2.4",
    TicketEvent.Kind.RESUMED: "M-2.4",
    TicketEvent.Kind.SEVERITY: "M-2.4",
    TicketEvent.Kind.ASSIGNED: "M-2.4",
    TicketEvent.Kind.SLA_WARNING: "M-2.4",
    TicketEvent.Kind.SLA_BREACH: "M-2.4",
}
HANDOVER_STATES = (*OPEN_STATES, FaultTicket.State.CLEARED)


def _where(ticket: FaultTicket) -> str:
    if ticket.camera_id:
        return ticket.camera.code
    return str(ticket.location) if ticket.location_id else ""


def ticket_handover_items(*, user: User, at) -> list[dict]:
    """The shift handover's open fault tickets (M-1.2, M-2.3): every ticket in the user's scope
    not yet verified, soonest deadline first, each with its state and deadline."""
    tickets = ticket_list(user=user).filter(state__in=HANDOVER_STATES).order_by("deadline_at", "pk")
    items = []
    for ticket in tickets:
        late = (
            ticket.clock_stopped_at is None
            and ticket.paused_since is None
            and (ticket.deadline_at < at)
        )
        label = _("%(number)s %(where)s: %(state)s, deadline %(deadline)s") % {
            "number": ticket.number,
            "where": _where(ticket),
            "state": ticket.get_state_display(),
            "deadline": timezone.localtime(ticket.deadline_at).strftime("%Y-%m-%d %H:%M"),
        }
        if late:
            label = f"{label} ({_('past the deadline')})"
        items.append(
            {
                "key": f"ticket:{ticket.pk}",
                "label": label,
                "url": ticket.get_absolute_url(),
                "source": "maintenance",
            }
        )
    return items


def ticket_day_log_entries(*, user: User, day) -> list[dict]:
    """The O&M day log's ticket changes of a local day (M-2.2, M-2.3): every state change,
    pause, severity change, assignment and note of the tickets in the user's scope."""
    events = (
        TicketEvent.objects.filter(
            ticket__in=ticket_list(user=user).values("pk"),
            at__gte=local_day_start(day),
            at__lt=local_day_start(day + timedelta(days=1)),
        )
        .select_related("ticket__camera", "ticket__location", "by")
        .order_by("at", "id")
    )
    entries = []
    for event in events:
        ticket = event.ticket
        label = f"{ticket.number} {_where(ticket)}: {event.get_kind_display()}"
        if event.note:
            label = f"{label} — {event.note}"
        entries.append(
            {
                "at": event.at,
                "label": label,
                "url": ticket.get_absolute_url(),
                "source": "maintenance",
                "clause": EVENT_CLAUSES.get(event.kind, "M-2.3"),
            }
        )
    return entries
