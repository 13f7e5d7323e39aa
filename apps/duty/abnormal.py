"""Abnormal events (M-1.4): what a duty operator found while monitoring, handled, reported to a
superior at once and recorded; the superior acknowledges.

A report nobody acknowledged within DUTY_ABNORMAL_ESCALATE_MINUTES is escalated to every
security chief, once: the beat task ``duty_abnormal_escalate`` calls
``abnormal_escalate_due``, whose conditional update lets only one run (or worker) escalate a
report, so it can run twice without harm.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify

from .holds import EARLIEST_YEAR, too_early
from .models import AbnormalEvent

# Who reports: the staff on duty. Superiors: the security office. The auditor reads.
REPORT_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
SUPERIOR_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
VIEW_ROLES = (*REPORT_ROLES, Role.AUDITOR)
# A time seen this far ahead of the server's clock is a typing mistake.
FUTURE_SLACK = timedelta(minutes=5)

# --- Reads


def abnormal_may_view(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*VIEW_ROLES)


def abnormal_list(*, user: User) -> QuerySet[AbnormalEvent]:
    """Every report, newest first (M-1.4)."""
    if not abnormal_may_view(user=user):
        return AbnormalEvent.objects.none()
    return AbnormalEvent.objects.select_related(
        "camera", "reported_to", "reported_by", "acknowledged_by"
    ).order_by("-reported_at", "-id")


def abnormal_get(*, user: User, pk: int) -> AbnormalEvent:
    return get_object_or_404(abnormal_list(user=user), pk=pk)


def abnormal_may_report(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*REPORT_ROLES)


def abnormal_actions(*, user: User, event: AbnormalEvent) -> set[str]:
    """The superior it was reported to, or any security chief, acknowledges it once."""
    if event.acknowledged_at is not None:
        return set()
    if event.reported_to_id == user.pk or user.has_role(Role.SECURITY_CHIEF):
        return {"acknowledge"}
    return set()


def superior_choices() -> QuerySet[User]:
    """Whom a report goes to: active security staff and security chiefs."""
    return (
        User.objects.filter(is_active=True, groups__name__in=SUPERIOR_ROLES)
        .distinct()
        .order_by("full_name", "username")
    )


def escalate_after() -> timedelta:
    return timedelta(minutes=settings.DUTY_ABNORMAL_ESCALATE_MINUTES)


def abnormal_due_q(*, now: datetime) -> Q:
    """Unacknowledged, not yet escalated, reported more than the minutes ago."""
    return Q(acknowledged_at=None, escalated_at=None, reported_at__lte=now - escalate_after())


# --- Writes


def _chiefs() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.SECURITY_CHIEF)


@transaction.atomic
def abnormal_report(
    *,
    by: User,
    category: str,
    occurred_at: datetime,
    description: str,
    action_taken: str,
    reported_to: User,
    camera=None,
    location: str = "",
) -> AbnormalEvent:
    """A duty operator records an abnormal situation (M-1.4): what, where (a camera or a
    place), when, what was done and to whom it was reported; that superior is told at once."""
    if not abnormal_may_report(user=by):
        raise RuleViolation(_("Only the staff on duty report abnormal events."), clause="M-1.4")
    if category not in AbnormalEvent.Category.values:
        raise RuleViolation(_("Choose the category of the abnormal event."))
    location = location.strip()
    if camera is None and not location:
        raise RuleViolation(_("Name the camera or the location where it was seen."))
    if not description.strip():
        raise RuleViolation(_("Describe what was seen."))
    if not action_taken.strip():
        raise RuleViolation(_("Say what action was taken."))
    now = timezone.now()
    if timezone.is_naive(occurred_at) or occurred_at > now + FUTURE_SLACK:
        raise RuleViolation(_("The time seen cannot be in the future."))
    if too_early(occurred_at):
        raise RuleViolation(
            _("The time seen must be in %(year)d or later.") % {"year": EARLIEST_YEAR}
        )
    if not superior_choices().filter(pk=reported_to.pk).exists() or reported_to == by:
        raise RuleViolation(
            _("Report it to a superior: security staff or the security chief, not yourself."),
            clause="M-1.4",
        )
    event = AbnormalEvent.objects.create(
        category=category,
        camera=camera,
        location=location,
        occurred_at=occurred_at,
        description=description.strip(),
        action_taken=action_taken.strip(),
        reported_to=reported_to,
        reported_by=by,
        reported_at=now,
    )
    event_append(
        actor=by,
        action="duty.abnormal_report",
        target=event,
        clause="M-1.4",
        data={
            "category": category,
            "camera": camera.code if camera else None,
            "location": location,
            "occurred_at": occurred_at.isoformat(),
            "reported_to": reported_to.get_username(),
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [reported_to],
            kind="duty.abnormal_report",
            title=_("Abnormal event reported to you: %(event)s, %(where)s")
            % {"event": event.get_category_display(), "where": event.where},
            body=event.description[:500],
            url=event.get_absolute_url(),
        )
    return event


@transaction.atomic
def abnormal_acknowledge(*, event: AbnormalEvent, by: User) -> AbnormalEvent:
    """The superior acknowledges the report (M-1.4); escalation stops."""
    if "acknowledge" not in abnormal_actions(user=by, event=event):
        if event.acknowledged_at is not None:
            raise RuleViolation(_("This report is already acknowledged; reload the page."))
        raise RuleViolation(
            _("Only the superior it was reported to, or the security chief, acknowledges it."),
            clause="M-1.4",
        )
    now = timezone.now()
    won = AbnormalEvent.objects.filter(pk=event.pk, acknowledged_at=None).update(
        acknowledged_at=now, acknowledged_by=by
    )
    if not won:
        raise RuleViolation(_("This report is already acknowledged; reload the page."))
    event.refresh_from_db()
    event_append(
        actor=by,
        action="duty.abnormal_acknowledge",
        target=event,
        clause="M-1.4",
        data={
            "minutes_after_report": int((now - event.reported_at).total_seconds() // 60),
            "escalated": event.escalated_at is not None,
        },
    )
    return event


def abnormal_escalate_due(*, now: datetime | None = None) -> list[int]:
    """Escalate every report unacknowledged after DUTY_ABNORMAL_ESCALATE_MINUTES to the
    security chiefs (M-1.4): each once, whatever runs at the same time. Returns the ids
    escalated by this call."""
    now = now or timezone.now()
    escalated = []
    due = AbnormalEvent.objects.filter(abnormal_due_q(now=now)).order_by("reported_at", "pk")
    for pk in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            won = AbnormalEvent.objects.filter(abnormal_due_q(now=now), pk=pk).update(
                escalated_at=now
            )
            if not won:
                continue  # acknowledged meanwhile, or another run escalated it
            event = AbnormalEvent.objects.select_related("reported_to", "camera").get(pk=pk)
            event_append(
                actor=None,
                action="duty.abnormal_escalate",
                target=event,
                clause="M-1.4",
                data={
                    "reported_at": event.reported_at.isoformat(),
                    "reported_to": event.reported_to.get_username(),
                    "minutes": settings.DUTY_ABNORMAL_ESCALATE_MINUTES,
                },
            )
            with translation.override(settings.LANGUAGE_CODE):
                notify(
                    _chiefs(),
                    kind="duty.abnormal_escalate",
                    title=_(
                        "Abnormal event not acknowledged for %(minutes)d minutes: "
                        "%(event)s, %(where)s"
                    )
                    % {
                        "minutes": settings.DUTY_ABNORMAL_ESCALATE_MINUTES,
                        "event": event.get_category_display(),
                        "where": event.where,
                    },
                    body=event.description[:500],
                    url=event.get_absolute_url(),
                )
            escalated.append(pk)
    return escalated
