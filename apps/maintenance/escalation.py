"""Escalation on the vendor's clock (M-2.4, issue 16 "Notifications and escalation").

At 80 % of a ticket's allowance the vendor's engineers of the ticket's company and the security
office are notified; once the deadline is missed, the security chief. Time is the clock's
(sla.py): paused time is not elapsed time, a reopen continues the same clock, a stopped clock
(a clear standing) notifies nothing. Each threshold is recorded on the ticket the moment it is
notified (``sla_warned_at``, ``sla_breached_at``, set by a conditional UPDATE), so the beat task
may run any number of times, concurrently too, and sends nothing twice. Raising the severity
re-arms a threshold the new, longer allowance has not reached yet.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.notifications import notify

from . import selectors, sla
from .models import FaultTicket, TicketEvent

WARNING_SHARE = 0.8
"""Share of the allowance counted when the vendor and the security office are warned."""

SECURITY_OFFICE_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)


def warning_due(clock: sla.Clock, allowance: timedelta) -> bool:
    return clock.elapsed >= allowance * WARNING_SHARE


def _active(roles, **filters):
    return User.objects.filter(is_active=True, groups__name__in=roles, **filters).distinct()


def warning_recipients(ticket: FaultTicket) -> list[User]:
    """The vendor's engineers of the ticket's company (none for the office's queue) and the
    security office."""
    people = list(_active(SECURITY_OFFICE_ROLES))
    if ticket.vendor_id is not None:
        people += list(_active((Role.VENDOR_ENGINEER,), department_id=ticket.vendor_id))
    return people


def breach_recipients(ticket: FaultTicket) -> list[User]:
    return list(_active((Role.SECURITY_CHIEF,)))


def _where(ticket: FaultTicket) -> str:
    if ticket.camera_id:
        return f"{ticket.camera.code} {ticket.camera.name}".strip()
    return str(ticket.location) if ticket.location_id else ""


def _texts(ticket: FaultTicket, clock: sla.Clock, threshold: str) -> tuple[str, str]:
    facts = {
        "number": ticket.number,
        "where": _where(ticket),
        "severity": ticket.get_severity_display(),
        "deadline": timezone.localtime(clock.deadline_at).strftime("%Y-%m-%d %H:%M"),
        "vendor": ticket.vendor.name if ticket.vendor_id else _("no vendor (security office)"),
    }
    if threshold == "warning":
        title = _("Fault ticket %(number)s: 80%% of the allowance used") % facts
        body = _("%(where)s, %(severity)s, %(vendor)s: to be cleared by %(deadline)s.") % facts
    else:
        title = _("Fault ticket %(number)s missed its deadline") % facts
        body = _("%(where)s, %(severity)s, %(vendor)s: was due by %(deadline)s.") % facts
    return title, body


_THRESHOLDS = {
    # threshold: (ticket field, event kind, audit action, recipients)
    "warning": (
        "sla_warned_at",
        TicketEvent.Kind.SLA_WARNING,
        "maintenance.ticket_sla_warning",
        warning_recipients,
    ),
    "breach": (
        "sla_breached_at",
        TicketEvent.Kind.SLA_BREACH,
        "maintenance.ticket_sla_breach",
        breach_recipients,
    ),
}


def _notify_threshold(ticket: FaultTicket, clock: sla.Clock, threshold: str, now: datetime) -> bool:
    field, kind, action, recipients = _THRESHOLDS[threshold]
    # Conditional UPDATE: of two runs at once, one records and notifies, the other nothing.
    if not FaultTicket.objects.filter(pk=ticket.pk, **{field: None}).update(**{field: now}):
        return False
    setattr(ticket, field, now)
    people = recipients(ticket)
    data = {
        "threshold": threshold,
        "elapsed_minutes": int(clock.elapsed.total_seconds() // 60),
        "allowance_hours": ticket.allowance_hours,
        "deadline_at": clock.deadline_at.isoformat(),
        "recipients": sorted(user.get_username() for user in people),
    }
    TicketEvent.objects.create(ticket=ticket, kind=kind, at=now, by=None, data=data)
    event_append(actor=None, action=action, target=ticket, clause="M-2.4", data=data)
    with translation.override(settings.LANGUAGE_CODE):  # read later, in the site's language
        title, body = _texts(ticket, clock, threshold)
        notify(
            people,
            kind=action,
            title=title,
            body=body,
            url=ticket.get_absolute_url(),
        )
    return True


@transaction.atomic
def ticket_sla_escalate(*, ticket: FaultTicket, at: datetime | None = None) -> list[str]:
    """Notify the thresholds ``ticket``'s running clock has reached and not yet notified
    (M-2.4); the thresholds notified now. A ticket first looked at after its deadline gets
    both: the vendor has not been warned either."""
    now = at or timezone.now()
    if ticket.state not in selectors.OPEN_STATES:
        return []
    clock = selectors.ticket_clock(ticket=ticket, at=now)
    if clock.stopped_at is not None:
        return []
    allowance = timedelta(hours=ticket.allowance_hours)
    due = {
        "warning": ticket.sla_warned_at is None
        and (warning_due(clock, allowance) or clock.breached),
        "breach": ticket.sla_breached_at is None and clock.breached,
    }
    return [
        name
        for name, wanted in due.items()
        if wanted and _notify_threshold(ticket, clock, name, now)
    ]


def tickets_sla_escalate(*, limit: int = 2000) -> dict[int, list[str]]:
    """Beat (every minute): every open ticket whose breach is not notified yet is looked at;
    {ticket id: thresholds notified now}. Safe to run twice: the ticket records each one."""
    due = (
        FaultTicket.objects.filter(state__in=selectors.OPEN_STATES, sla_breached_at=None)
        .select_related("camera", "location__site", "vendor")
        .order_by("deadline_at", "pk")[:limit]
    )
    sent = {}
    for ticket in due:
        notified = ticket_sla_escalate(ticket=ticket)
        if notified:
            sent[ticket.pk] = notified
    return sent


def thresholds_rearm(*, ticket: FaultTicket, clock: sla.Clock) -> None:
    """After the severity is raised (a longer allowance): a threshold the new allowance has
    not reached is notified again when it is (M-2.4). Called by the severity service inside
    its transaction."""
    allowance = timedelta(hours=ticket.allowance_hours)
    changes = {}
    if ticket.sla_warned_at is not None and not warning_due(clock, allowance):
        changes["sla_warned_at"] = None
    if ticket.sla_breached_at is not None and not clock.breached:
        changes["sla_breached_at"] = None
    if changes:
        FaultTicket.objects.filter(pk=ticket.pk).update(**changes)
        for field, value in changes.items():
            setattr(ticket, field, value)
