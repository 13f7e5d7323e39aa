"""Writes of maintenance (M-2.3, M-2.4): contracts, fault tickets and their clock.

Every state change is one call with one audit event citing M-2.3 or M-2.4, one TicketEvent
row and the stored clock recomputed from the ticket's history (sla.py)."""

import logging
from datetime import datetime
from functools import partial

from celery import current_app
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Department, User
from apps.audit.services import event_append
from apps.cameras.models import Camera, Location
from apps.core.exceptions import RuleViolation
from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun
from apps.patrol.services import patrol_run_start

from . import escalation, selectors, sla
from .documents import document_check, photo_check
from .models import (
    FaultTicket,
    ServiceContract,
    Severity,
    TicketEvent,
    TicketPause,
    TicketPhoto,
)

State = FaultTicket.State
logger = logging.getLogger(__name__)

RECHECK_TASK = "apps.maintenance.tasks.maintenance_ticket_recheck"
"""The Celery task that starts a cleared ticket's re-check (queued by name: tasks import
this module)."""


# --- contracts


@transaction.atomic
def contract_create(
    *,
    by: User,
    vendor: Department,
    number: str,
    starts_on,
    ends_on,
    document: UploadedFile,
    general_hours: int = sla.DEFAULT_HOURS["general"],
    major_hours: int = sla.DEFAULT_HOURS["major"],
    contacts: str = "",
) -> ServiceContract:
    """Register a vendor's written contract with its signed responsibility and
    confidentiality document (M-2.4)."""
    if not selectors.contract_may_create(user=by):
        raise RuleViolation(_("Only the security office registers contracts."), clause="M-2.4")
    if vendor.kind != Department.Kind.MAINTENANCE_VENDOR:
        raise RuleViolation(_("Choose a maintenance vendor."), clause="M-2.4")
    if ends_on < starts_on:
        raise RuleViolation(_("The contract cannot end before it starts."), clause="M-2.4")
    limits = sla.DEFAULT_HOURS
    if not 1 <= general_hours <= limits["general"] or not 1 <= major_hours <= limits["major"]:
        raise RuleViolation(
            _(
                "The measures require a general fault cleared within %(general)d h and a "
                "major fault within %(major)d h; a contract may be stricter, not laxer."
            )
            % limits,
            clause="M-2.4",
        )
    number = number.strip()
    if not number:
        raise RuleViolation(_("Give the contract number."), clause="M-2.4")
    if ServiceContract.objects.filter(number=number).exists():
        raise RuleViolation(_("A contract with this number is registered already."))
    content_type, ext = document_check(document)
    document.name = f"contract{ext}"  # the random path keeps only the checked extension
    try:
        with transaction.atomic():  # two clerks registering one number at once: one wins
            contract = _contract_insert(
                vendor=vendor,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
                general_hours=general_hours,
                major_hours=major_hours,
                contacts=contacts,
                document=document,
                content_type=content_type,
                by=by,
            )
    except IntegrityError:
        raise RuleViolation(_("A contract with this number is registered already.")) from None
    event_append(
        actor=by,
        action="maintenance.contract_create",
        target=contract,
        clause="M-2.4",
        data={
            "vendor": vendor.name,
            "number": number,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "general_hours": general_hours,
            "major_hours": major_hours,
            "document_type": content_type,
            "document_bytes": document.size,
        },
    )
    return contract


def _contract_insert(*, content_type: str, by: User, **fields) -> ServiceContract:
    return ServiceContract.objects.create(document_type=content_type, created_by=by, **fields)


# --- the clock


def _hours(ticket: FaultTicket) -> int:
    table = ticket.contract.hours() if ticket.contract_id else None
    return int(sla.allowance_for(ticket.severity, table).total_seconds() // 3600)


def _clock_store(ticket: FaultTicket, *, at: datetime) -> sla.Clock:
    """Recompute the clock from history and pauses and store what the lists filter by."""
    clock = selectors.ticket_clock(ticket=ticket, at=at)
    FaultTicket.objects.filter(pk=ticket.pk).update(
        deadline_at=clock.deadline_at,
        paused_since=ticket.paused_since,
        clock_stopped_at=clock.stopped_at,
    )
    ticket.deadline_at, ticket.clock_stopped_at = clock.deadline_at, clock.stopped_at
    return clock


def _clock_data(clock: sla.Clock) -> dict:
    return {
        "deadline_at": clock.deadline_at,
        "elapsed_minutes": int(clock.elapsed.total_seconds() // 60),
        "breached": clock.breached,
    }


# --- opening


def _ticket_create(
    *,
    by: User | None,
    camera: Camera | None,
    location: Location | None,
    symptom: str,
    severity: str,
    occurred_at: datetime,
    reported_at: datetime,
    fault_record: FaultRecord | None = None,
) -> FaultTicket:
    vendor_id = camera.vendor_id if camera else None
    contract = selectors.contract_in_force(vendor_id=vendor_id, on=timezone.localdate(reported_at))
    ticket = FaultTicket(
        camera=camera,
        location=location or (camera.location if camera else None),
        vendor_id=vendor_id,
        contract=contract,
        fault_record=fault_record,
        patrol_check=fault_record.first_check if fault_record else None,
        severity=severity,
        symptom=symptom[:300],
        occurred_at=occurred_at,
        reported_at=reported_at,
        reported_by=by if by is not None else (fault_record.confirmed_by if fault_record else None),
        allowance_hours=0,
        deadline_at=reported_at,
    )
    ticket.allowance_hours = _hours(ticket)
    ticket.deadline_at = reported_at + sla.allowance_for(
        severity, {severity: ticket.allowance_hours}
    )
    ticket.save()
    ticket.number = f"WX{timezone.localtime(reported_at):%Y%m%d}-{ticket.pk:05d}"
    FaultTicket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.REPORTED,
        at=reported_at,
        by=ticket.reported_by,
        to_state=State.REPORTED,
        data={
            "occurred_at": occurred_at.isoformat(),
            "fault_record": getattr(fault_record, "pk", None),
        },
    )
    event_append(
        actor=by,
        action="maintenance.ticket_open",
        target=ticket,
        clause="M-2.3",
        data={
            "camera": camera.code if camera else None,
            "location": str(ticket.location) if ticket.location_id else None,
            "vendor": ticket.vendor.name if ticket.vendor_id else None,
            "contract": contract.number if contract else None,
            "severity": severity,
            "allowance_hours": ticket.allowance_hours,
            "symptom": ticket.symptom,
            "occurred_at": occurred_at,
            "reported_at": reported_at,
            "deadline_at": ticket.deadline_at,
            "fault_record": fault_record.pk if fault_record else None,
        },
    )
    return ticket


@transaction.atomic
def ticket_open(
    *,
    by: User,
    symptom: str,
    severity: str,
    occurred_at: datetime,
    camera: Camera | None = None,
    location: Location | None = None,
) -> FaultTicket:
    """A duty operator reports a fault at once (M-2.3): time it happened, camera or
    location, symptom, severity. The vendor's clock starts now (M-2.4)."""
    if not by.has_any_role(*selectors.OFFICE_ROLES) or by.is_vendor_engineer:
        raise RuleViolation(_("Only the monitoring center opens fault tickets."), clause="M-2.3")
    if camera is None and location is None:
        raise RuleViolation(_("Name the camera or the location of the fault."), clause="M-2.3")
    if severity not in Severity.values:
        raise RuleViolation(_("Choose general fault or major fault."), clause="M-2.4")
    if not symptom.strip():
        raise RuleViolation(_("Describe the symptom."), clause="M-2.3")
    now = timezone.now()
    if occurred_at > now:
        raise RuleViolation(_("The time it happened cannot be in the future."), clause="M-2.3")
    return _ticket_create(
        by=by,
        camera=camera,
        location=location,
        symptom=symptom.strip(),
        severity=severity,
        occurred_at=occurred_at,
        reported_at=now,
    )


def ticket_from_fault_record(*, record: FaultRecord) -> tuple[FaultTicket, bool]:
    """The one ticket of a patrol fault record (M-2.3), with the check's snapshot and
    diagnosis linked; (ticket, created). Safe to call any number of times, concurrently too:
    the database holds one ticket per record. A camera without a vendor goes to the
    security office's queue (a ticket with no vendor)."""
    existing = FaultTicket.objects.filter(fault_record=record).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            ticket = _ticket_create(
                by=None,
                camera=record.camera,
                location=None,
                symptom=record.symptom,
                severity=Severity.GENERAL,
                occurred_at=record.occurred_at,
                reported_at=record.confirmed_at,
                fault_record=record,
            )
    except IntegrityError:
        # Another worker opened it between our look and our insert.
        return FaultTicket.objects.get(fault_record=record), False
    return ticket, True


def tickets_sync(*, limit: int = 500) -> list[int]:
    """Open the ticket of every fault record that has none yet; ids of the new tickets."""
    without = (
        FaultRecord.objects.filter(~Exists(FaultTicket.objects.filter(fault_record=OuterRef("pk"))))
        .select_related("camera__location", "first_check")
        .order_by("pk")[:limit]
    )
    created = []
    for record in without:
        ticket, new = ticket_from_fault_record(record=record)
        if new:
            created.append(ticket.pk)
    return created


# --- state changes


_VERBS = {
    # verb: (new state, timestamp field, event kind, audit clause, needs a note)
    "acknowledge": (
        State.ACKNOWLEDGED,
        "acknowledged_at",
        TicketEvent.Kind.ACKNOWLEDGED,
        "M-2.4",
        False,
    ),
    "on_site": (State.ON_SITE, "on_site_at", TicketEvent.Kind.ON_SITE, "M-2.4", False),
    "clear": (State.CLEARED, "cleared_at", TicketEvent.Kind.CLEARED, "M-2.3", True),
    "verify": (State.VERIFIED, "verified_at", TicketEvent.Kind.VERIFIED, "M-2.3", False),
    "reopen": (State.REOPENED, None, TicketEvent.Kind.REOPENED, "M-2.3", True),
    "close": (State.CLOSED, "closed_at", TicketEvent.Kind.CLOSED, "M-2.3", False),
}

_REFUSALS = {
    "acknowledge": gettext_lazy("Only the ticket's vendor acknowledges a newly reported fault."),
    "on_site": gettext_lazy("Only the ticket's vendor records arrival, after acknowledging."),
    "clear": gettext_lazy("Only the ticket's vendor clears the fault, once acknowledged."),
    "verify": gettext_lazy("Only the monitoring center verifies a cleared fault."),
    "reopen": gettext_lazy("Only the monitoring center reopens a cleared or verified fault."),
    "close": gettext_lazy("Only security-office staff close a verified ticket."),
}


def _refusal(verb: str, ticket: FaultTicket) -> RuleViolation:
    if ticket.paused_since is not None and verb in ("acknowledge", "on_site", "clear"):
        return RuleViolation(_("The clock is paused; end the pause first."), clause="M-2.4")
    return RuleViolation(
        str(_REFUSALS[verb])
        + " "
        + _("The ticket is now: %(state)s.") % {"state": ticket.get_state_display()},
        clause=_VERBS[verb][3],
    )


@transaction.atomic
def ticket_transition(
    *, ticket: FaultTicket, by: User | None, verb: str, note: str = "", data: dict | None = None
) -> FaultTicket:
    """One state change of ``ticket`` (the verbs of ``_VERBS``), checked against
    ``selectors.ticket_actions``; ``by=None`` is the system (the automatic re-check)."""
    if verb not in _VERBS:
        raise RuleViolation(_("Unknown action."))
    to_state, stamp, kind, clause, needs_note = _VERBS[verb]
    if by is not None and verb not in selectors.ticket_actions(user=by, ticket=ticket):
        raise _refusal(verb, ticket)
    note = note.strip()
    if needs_note and not note:
        raise RuleViolation(_("Add a note saying what was done or found."), clause=clause)
    now = timezone.now()
    changes = {"state": to_state}
    if stamp:
        changes[stamp] = now
    if verb == "reopen":
        changes["reopen_count"] = ticket.reopen_count + 1
    # Conditional UPDATE, not select_for_update: SQLite (embedded) ignores row locks.
    won = FaultTicket.objects.filter(pk=ticket.pk, state=ticket.state, paused_since=None).update(
        **changes
    )
    if not won:
        raise RuleViolation(_("The ticket changed meanwhile; reload it."))
    from_state = ticket.state
    ticket.refresh_from_db()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=now,
        by=by,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
    clock = _clock_store(ticket, at=now)
    if verb == "clear" and ticket.camera_id and by is not None:
        # The patrol's probe checks the camera again once the clear is committed.
        transaction.on_commit(partial(_queue_recheck, ticket.pk))
    event_append(
        actor=by,
        action=f"maintenance.ticket_{verb}",
        target=ticket,
        clause=clause,
        data={
            "from": from_state,
            "to": to_state,
            "note": note,
            **(data or {}),
            **_clock_data(clock),
        },
    )
    return ticket


def ticket_acknowledge(*, ticket: FaultTicket, by: User, note: str = "") -> FaultTicket:
    """The vendor takes the fault on (M-2.4: time acknowledged)."""
    return ticket_transition(ticket=ticket, by=by, verb="acknowledge", note=note)


def ticket_on_site(*, ticket: FaultTicket, by: User, note: str = "") -> FaultTicket:
    """The vendor's engineer arrives on site (M-2.4)."""
    return ticket_transition(ticket=ticket, by=by, verb="on_site", note=note)


def ticket_clear(
    *,
    ticket: FaultTicket,
    by: User,
    note: str,
    before_photo: UploadedFile | None = None,
    after_photo: UploadedFile | None = None,
) -> FaultTicket:
    """The vendor reports the fault cleared (M-2.3: time cleared), with optional before and
    after photos; the clock stops until a reopen, and the re-check or the office verifies."""
    photos = {kind: f for kind, f in (("before", before_photo), ("after", after_photo)) if f}
    extensions = {kind: photo_check(upload) for kind, upload in photos.items()}  # before writing
    with transaction.atomic():
        ticket = ticket_transition(
            ticket=ticket, by=by, verb="clear", note=note, data={"photos": sorted(photos)}
        )
        event = ticket.events.filter(kind=TicketEvent.Kind.CLEARED).latest("at", "id")
        for kind, upload in photos.items():
            upload.name = f"{kind}{extensions[kind]}"  # the random path keeps the checked one
            TicketPhoto.objects.create(
                ticket=ticket, event=event, kind=kind, image=upload, uploaded_by=by
            )
    return ticket


def ticket_verify(*, ticket: FaultTicket, by: User | None, note: str = "") -> FaultTicket:
    return ticket_transition(ticket=ticket, by=by, verb="verify", note=note)


def ticket_reopen(*, ticket: FaultTicket, by: User | None, note: str) -> FaultTicket:
    """The clear did not hold: the same clock runs on (M-2.4)."""
    return ticket_transition(ticket=ticket, by=by, verb="reopen", note=note)


def ticket_close(*, ticket: FaultTicket, by: User, note: str = "") -> FaultTicket:
    return ticket_transition(ticket=ticket, by=by, verb="close", note=note)


@transaction.atomic
def ticket_pause_start(
    *, ticket: FaultTicket, by: User, reason: str, note: str = ""
) -> TicketPause:
    """Stop the clock for a reason from the fixed list (M-2.4). A part on order needs the
    security chief's consent: only the chief starts that pause."""
    if "pause_start" not in selectors.ticket_actions(user=by, ticket=ticket):
        raise RuleViolation(
            _("Only security-office staff pause the clock of an open ticket."), clause="M-2.4"
        )
    if reason not in TicketPause.Reason.values:
        raise RuleViolation(_("Choose a reason from the list."), clause="M-2.4")
    if reason == TicketPause.Reason.PART_ON_ORDER and not by.is_security_chief:
        raise RuleViolation(
            _("Waiting for a part needs the security chief's consent."), clause="M-2.4"
        )
    now = timezone.now()
    won = FaultTicket.objects.filter(pk=ticket.pk, state=ticket.state, paused_since=None).update(
        paused_since=now
    )
    if not won:
        raise RuleViolation(_("The ticket changed meanwhile; reload it."))
    pause = TicketPause.objects.create(
        ticket=ticket, reason=reason, note=note.strip(), started_at=now, started_by=by
    )
    ticket.refresh_from_db()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.PAUSED,
        at=now,
        by=by,
        note=note.strip(),
        data={"reason": reason},
    )
    clock = _clock_store(ticket, at=now)
    event_append(
        actor=by,
        action="maintenance.ticket_pause_start",
        target=ticket,
        clause="M-2.4",
        data={"reason": reason, "note": note.strip(), **_clock_data(clock)},
    )
    return pause


@transaction.atomic
def ticket_pause_end(*, ticket: FaultTicket, by: User, note: str = "") -> TicketPause:
    """End the open pause: the deadline has moved by exactly its length (M-2.4)."""
    if "pause_end" not in selectors.ticket_actions(user=by, ticket=ticket):
        raise RuleViolation(_("There is no pause of yours to end here."), clause="M-2.4")
    now = timezone.now()
    pause = selectors.ticket_open_pause(ticket=ticket)
    if pause is None or not TicketPause.objects.filter(pk=pause.pk, ended_at=None).update(
        ended_at=now, ended_by=by
    ):
        raise RuleViolation(_("The ticket changed meanwhile; reload it."))
    FaultTicket.objects.filter(pk=ticket.pk).update(paused_since=None)
    ticket.refresh_from_db()
    pause.refresh_from_db()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.RESUMED,
        at=now,
        by=by,
        note=note.strip(),
        data={
            "reason": pause.reason,
            "paused_minutes": int((now - pause.started_at).total_seconds() // 60),
        },
    )
    clock = _clock_store(ticket, at=now)
    event_append(
        actor=by,
        action="maintenance.ticket_pause_end",
        target=ticket,
        clause="M-2.4",
        data={
            "reason": pause.reason,
            "paused_from": pause.started_at,
            "paused_until": now,
            "note": note.strip(),
            **_clock_data(clock),
        },
    )
    return pause


@transaction.atomic
def ticket_severity_raise(*, ticket: FaultTicket, by: User, note: str) -> FaultTicket:
    """The security office raises a general fault to a major one (M-2.4): the deadline is
    recomputed from the report time with the major allowance; nothing already spent is lost."""
    if "severity_raise" not in selectors.ticket_actions(user=by, ticket=ticket):
        raise RuleViolation(
            _("Only security-office staff raise the severity of an unresolved general fault."),
            clause="M-2.4",
        )
    if not note.strip():
        raise RuleViolation(_("Say why the fault is more serious."), clause="M-2.4")
    now = timezone.now()
    before = {
        "severity": ticket.severity,
        "allowance_hours": ticket.allowance_hours,
        "deadline_at": ticket.deadline_at,
    }
    ticket.severity = Severity.MAJOR
    hours = _hours(ticket)
    won = FaultTicket.objects.filter(pk=ticket.pk, severity=Severity.GENERAL).update(
        severity=Severity.MAJOR, allowance_hours=hours
    )
    if not won:
        raise RuleViolation(_("The ticket changed meanwhile; reload it."))
    ticket.refresh_from_db()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.SEVERITY,
        at=now,
        by=by,
        note=note.strip(),
        data={"from": before["severity"], "to": Severity.MAJOR, "allowance_hours": hours},
    )
    clock = _clock_store(ticket, at=now)
    escalation.thresholds_rearm(ticket=ticket, clock=clock)  # the longer allowance's 80 %
    event_append(
        actor=by,
        action="maintenance.ticket_severity_raise",
        target=ticket,
        clause="M-2.4",
        data={
            "before": before,
            "after": {
                "severity": Severity.MAJOR,
                "allowance_hours": hours,
                "deadline_at": clock.deadline_at,
            },
            "note": note.strip(),
        },
    )
    return ticket


# --- the automatic re-check after a clear


def _queue_recheck(ticket_id: int) -> None:
    """Queue the re-check of a committed clear. A broker that is down must not fail the
    vendor's clear (it is committed): the settle schedule starts the re-check later."""
    try:
        current_app.send_task(RECHECK_TASK, args=(ticket_id,))
    except Exception:  # kombu's connection errors and the like
        logger.warning("ticket %s: re-check not queued; the settle schedule starts it", ticket_id)


def _recheck_due(ticket: FaultTicket) -> bool:
    """A cleared ticket whose clear has no re-check run yet."""
    run = ticket.recheck_run
    return run is None or run.started_at < ticket.cleared_at


def ticket_recheck_start(*, ticket: FaultTicket) -> PatrolRun | None:
    """Re-check a cleared ticket's camera through the patrol (a run of kind re-check, the same
    probe as the daily patrol), started in the name of the engineer who cleared it. Once per
    clear: a second delivery of the task finds the run and returns it. None when there is
    nothing to re-check (no camera, not in service, not cleared any more) or a re-check of the
    camera is already running (its result, checked after the clear, settles the ticket too)."""
    ticket.refresh_from_db()
    if ticket.state != State.CLEARED or ticket.camera_id is None:
        return None
    if not _recheck_due(ticket):
        return ticket.recheck_run
    clear = ticket.events.filter(kind=TicketEvent.Kind.CLEARED).order_by("-at", "-id").first()
    try:
        with transaction.atomic():
            run = patrol_run_start(
                by=clear.by if clear else None,
                trigger=PatrolRun.Trigger.MANUAL,
                camera=ticket.camera,
            )
            won = FaultTicket.objects.filter(
                pk=ticket.pk, state=State.CLEARED, cleared_at=ticket.cleared_at
            ).update(recheck_run=run)
            if not won:
                raise RuleViolation("the ticket changed meanwhile")
    except RuleViolation:
        return None
    ticket.recheck_run = run
    return run


def ticket_recheck_settle(*, ticket: FaultTicket) -> str | None:
    """A cleared ticket's camera was checked again after the clear: a normal result verifies
    the ticket, a fault reopens it with the failing result attached and the same clock running
    on (M-2.3, M-2.4). The latest check after the clear decides, whether the re-check or a
    daily patrol made it; a degraded or undetermined result is left to the monitoring center.
    Returns the verb applied, or None."""
    if ticket.state != State.CLEARED or ticket.camera_id is None or ticket.cleared_at is None:
        return None
    check = (
        PatrolCheck.objects.filter(
            camera_id=ticket.camera_id,
            state=PatrolCheck.State.DONE,
            checked_at__gte=ticket.cleared_at,
        )
        .order_by("-checked_at", "-id")
        .first()
    )
    if check is None or check.verdict not in (PatrolCheck.Verdict.OK, PatrolCheck.Verdict.FAULT):
        return None
    data = {
        "check": check.pk,
        "run": check.run_id,
        "verdict": check.verdict,
        "reason": check.reason,
        "checked_at": check.checked_at.isoformat(),
    }
    if check.verdict == PatrolCheck.Verdict.OK:
        ticket_transition(
            ticket=ticket,
            by=None,
            verb="verify",
            note=_("The camera passed its check after the clear."),
            data=data,
        )
        return "verify"
    ticket_transition(
        ticket=ticket,
        by=None,
        verb="reopen",
        note=_("The check after the clear failed: %(reason)s")
        % {"reason": check.reason or check.get_verdict_display()},
        data=data,
    )
    return "reopen"


def ticket_recovery_settle(*, ticket: FaultTicket) -> str | None:
    """An open ticket from a patrol fault whose camera came back up by itself — a daily patrol
    (or any check) found it normal after the ticket's latest change: the system records the
    fault cleared (now; the check's time is in the event's data) and verifies it (M-2.3),
    stopping the vendor's clock (M-2.4). A ticket opened by hand may name a fault the probe
    cannot see (a stuck PTZ), so people judge it; a paused ticket waits for its pause to end.
    Returns "verify", or None."""
    if (
        ticket.state not in selectors.OPEN_STATES
        or ticket.fault_record_id is None  # a fault the probe found; by hand: people judge
        or ticket.paused_since is not None
    ):
        return None
    last_change = ticket.events.order_by("-at", "-id").values_list("at", flat=True).first()
    check = (
        PatrolCheck.objects.filter(
            camera_id=ticket.camera_id,
            state=PatrolCheck.State.DONE,
            checked_at__gt=last_change or ticket.reported_at,
        )
        .order_by("-checked_at", "-id")
        .first()
    )
    if check is None or check.verdict != PatrolCheck.Verdict.OK:
        return None
    data = {
        "check": check.pk,
        "run": check.run_id,
        "verdict": check.verdict,
        "checked_at": check.checked_at.isoformat(),
    }
    with transaction.atomic():
        ticket_transition(
            ticket=ticket,
            by=None,
            verb="clear",
            note=_("The camera passed a patrol check by itself."),
            data=data,
        )
        ticket_transition(
            ticket=ticket,
            by=None,
            verb="verify",
            note=_("The camera passed its check after the clear."),
            data=data,
        )
    return "verify"


def tickets_recheck_settle(*, limit: int = 500) -> dict[int, str]:
    """Settle every cleared ticket whose camera has been checked since the clear (and start
    the re-check a lost message did not), and verify every open ticket whose camera has come
    back up by itself."""
    settled = {}
    waiting = FaultTicket.objects.filter(
        state__in=[State.CLEARED, *selectors.OPEN_STATES], camera__isnull=False
    )
    for ticket in waiting.select_related("recheck_run").order_by("pk")[:limit]:
        settle = ticket_recheck_settle if ticket.state == State.CLEARED else ticket_recovery_settle
        try:
            verb = settle(ticket=ticket)
            if verb is None and ticket.state == State.CLEARED and _recheck_due(ticket):
                ticket_recheck_start(ticket=ticket)  # its queued start was lost
        except RuleViolation:
            continue  # changed by a person meanwhile: theirs stands
        if verb:
            settled[ticket.pk] = verb
    return settled


# --- assigning a vendor, notes


@transaction.atomic
def ticket_assign(
    *, ticket: FaultTicket, by: User, vendor: Department, note: str = ""
) -> FaultTicket:
    """The security office gives a ticket no vendor has taken on yet — one of its own queue
    (camera without a vendor, a location) or a wrongly routed one — to a maintenance vendor
    (M-2.4). The vendor's contract in force on the report day sets the hours; the deadline is
    still counted from the report time (the measures' clock starts with the fault's report)."""
    if "assign" not in selectors.ticket_actions(user=by, ticket=ticket):
        raise RuleViolation(
            _("Only security-office staff assign a vendor, before the vendor acknowledges."),
            clause="M-2.4",
        )
    if vendor.kind != Department.Kind.MAINTENANCE_VENDOR:
        raise RuleViolation(_("Choose a maintenance vendor."), clause="M-2.4")
    now = timezone.now()
    before = {
        "vendor": ticket.vendor.name if ticket.vendor_id else None,
        "allowance_hours": ticket.allowance_hours,
        "deadline_at": ticket.deadline_at,
    }
    ticket.vendor = vendor
    ticket.contract = selectors.contract_in_force(
        vendor_id=vendor.pk, on=timezone.localdate(ticket.reported_at)
    )
    hours = _hours(ticket)
    won = FaultTicket.objects.filter(pk=ticket.pk, state=State.REPORTED, paused_since=None).update(
        vendor=vendor, contract=ticket.contract, allowance_hours=hours
    )
    if not won:
        raise RuleViolation(_("The ticket changed meanwhile; reload it."))
    ticket.refresh_from_db()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNED,
        at=now,
        by=by,
        note=note.strip(),
        data={"vendor": vendor.name, "contract": getattr(ticket.contract, "number", None)},
    )
    clock = _clock_store(ticket, at=now)
    event_append(
        actor=by,
        action="maintenance.ticket_assign",
        target=ticket,
        clause="M-2.4",
        data={
            "before": before,
            "after": {
                "vendor": vendor.name,
                "contract": getattr(ticket.contract, "number", None),
                "allowance_hours": hours,
                "deadline_at": clock.deadline_at,
            },
            "note": note.strip(),
        },
    )
    return ticket


@transaction.atomic
def ticket_note(*, ticket: FaultTicket, by: User, note: str) -> TicketEvent:
    """A note on the ticket's timeline without a change of state (the vendor's progress, what
    the monitoring center sees), audited as part of the fault's record (M-2.3)."""
    if "note" not in selectors.ticket_actions(user=by, ticket=ticket):
        raise RuleViolation(_("You cannot add notes to this ticket."), clause="M-2.3")
    note = note.strip()
    if not note:
        raise RuleViolation(_("Write the note."), clause="M-2.3")
    event = TicketEvent.objects.create(
        ticket=ticket, kind=TicketEvent.Kind.NOTE, at=timezone.now(), by=by, note=note
    )
    event_append(
        actor=by,
        action="maintenance.ticket_note",
        target=ticket,
        clause="M-2.3",
        data={"note": note, "state": ticket.state},
    )
    return event
