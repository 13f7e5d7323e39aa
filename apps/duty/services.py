"""Writes of the duty roster (M-1.2): templates, assignments, copying a week or a month.

Each write is one transaction with its audit event. One person is never in two overlapping
shifts: the service locks the operator's row and looks (a clear message), and on PostgreSQL an
exclusion constraint refuses what a path around the service would write.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify

from . import selectors
from .models import CenterAccess, CenterEntry, RosterAssignment, ShiftTemplate


def shift_times(*, template: ShiftTemplate, day: date) -> tuple[datetime, datetime]:
    """The shift's start and end on a local day: its start time in the site's zone, then its
    length in real hours (a night shift ends the next day)."""
    starts_at = datetime.combine(day, template.start_time, tzinfo=selectors.site_zone())
    ends_at = (starts_at.astimezone(UTC) + timedelta(hours=template.length_hours)).astimezone(
        selectors.site_zone()
    )
    return starts_at, ends_at


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _require_planner(by: User) -> None:
    if "assign" not in selectors.roster_actions(user=by):
        raise RuleViolation(_("Only the security office plans the duty roster."), clause="M-1.2")


@transaction.atomic
def shift_template_create(
    *, name: str, start_time: time, length_hours: int, by: User
) -> ShiftTemplate:
    """The office's own shift pattern beside the presets (M-1.2)."""
    if "template_create" not in selectors.roster_actions(user=by):
        raise RuleViolation(_("Only the security office plans the duty roster."), clause="M-1.2")
    name = name.strip()
    if not name:
        raise RuleViolation(_("Give the shift a name."))
    if not 1 <= length_hours <= 24:
        raise RuleViolation(_("A shift lasts from 1 to 24 hours."))
    if ShiftTemplate.objects.filter(name__iexact=name).exists():
        raise RuleViolation(_("A shift template named “%(name)s” exists already.") % {"name": name})
    template = ShiftTemplate.objects.create(
        name=name, start_time=start_time, length_hours=length_hours
    )
    event_append(
        actor=by,
        action="duty.template_create",
        target=template,
        clause="M-1.2",
        data={"name": name, "start_time": start_time.strftime("%H:%M"), "hours": length_hours},
    )
    return template


OVERLAP_MESSAGE = gettext_noop(
    "%(operator)s is already on duty %(start)s – %(end)s (%(shift)s): one person cannot "
    "be in two overlapping shifts."
)


def _overlap_message(operator: User, other: RosterAssignment) -> str:
    return _(OVERLAP_MESSAGE) % {
        "operator": operator,
        "start": _local(other.starts_at),
        "end": _local(other.ends_at),
        "shift": other.template,
    }


def _first_overlap(
    operator: User, starts_at: datetime, ends_at: datetime
) -> RosterAssignment | None:
    return (
        RosterAssignment.objects.filter(
            operator=operator, cancelled_at=None, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .select_related("template")
        .order_by("starts_at")
        .first()
    )


def _check_assignable(operator: User, template: ShiftTemplate) -> None:
    if not (operator.is_active and operator.has_role(Role.DUTY_OPERATOR)):
        raise RuleViolation(
            _("%(person)s is not a duty operator.") % {"person": operator}, clause="M-1.2"
        )
    if not template.active:
        raise RuleViolation(_("The shift “%(shift)s” is no longer in use.") % {"shift": template})


def _lock_operators(operator_ids) -> None:
    """Serialises every roster write for these people (ids in order: no deadlock between two
    copies). SQLite ignores row locks but runs one writer at a time."""
    list(User.objects.select_for_update().filter(pk__in=operator_ids).order_by("pk").values("pk"))


def _create(operator: User, template: ShiftTemplate, day: date, by: User) -> RosterAssignment:
    starts_at, ends_at = shift_times(template=template, day=day)
    other = _first_overlap(operator, starts_at, ends_at)
    if other is not None:
        raise RuleViolation(_overlap_message(operator, other), clause="M-1.2")
    try:
        with transaction.atomic():  # the database's own refusal stays a clear message
            return RosterAssignment.objects.create(
                operator=operator,
                template=template,
                date=day,
                starts_at=starts_at,
                ends_at=ends_at,
                assigned_by=by,
            )
    except IntegrityError:
        raise RuleViolation(
            _(
                "%(operator)s is already on duty then: one person cannot be in two "
                "overlapping shifts."
            )
            % {"operator": operator},
            clause="M-1.2",
        ) from None


@transaction.atomic
def roster_assign(
    *, operator: User, template: ShiftTemplate, day: date, by: User
) -> RosterAssignment:
    """Put a duty operator on a shift of a local day (M-1.2); refused when it overlaps one of
    their shifts."""
    _require_planner(by)
    _check_assignable(operator, template)
    _lock_operators([operator.pk])
    assignment = _create(operator, template, day, by)
    event_append(
        actor=by,
        action="duty.roster_assign",
        target=assignment,
        clause="M-1.2",
        data={
            "operator": operator.get_username(),
            "shift": str(template.pk),
            "date": day.isoformat(),
            "starts_at": assignment.starts_at.isoformat(),
            "ends_at": assignment.ends_at.isoformat(),
        },
    )
    return assignment


@transaction.atomic
def roster_unassign(*, assignment: RosterAssignment, by: User) -> RosterAssignment:
    """Take an operator off a shift (M-1.2). The assignment stays on record, marked."""
    _require_planner(by)
    now = timezone.now()
    won = RosterAssignment.objects.filter(pk=assignment.pk, cancelled_at=None).update(
        cancelled_at=now, cancelled_by=by
    )
    if not won:
        raise RuleViolation(_("This shift was already taken off the roster; reload the page."))
    assignment.refresh_from_db()
    event_append(
        actor=by,
        action="duty.roster_unassign",
        target=assignment,
        clause="M-1.2",
        data={
            "operator": assignment.operator.get_username(),
            "date": assignment.date.isoformat(),
            "starts_at": assignment.starts_at.isoformat(),
        },
    )
    return assignment


def roster_pdf_exported(*, by: User, month: date, uncovered: int) -> None:
    """The month roster printed as PDF (M-1.2): a read of the plan, on record."""
    event_append(
        actor=by,
        action="duty.roster_pdf",
        target_type="duty.roster",
        target_id=f"{month:%Y-%m}",
        target_label=f"{month:%Y-%m}",
        clause="M-1.2",
        data={"month": f"{month:%Y-%m}", "uncovered_hours": uncovered},
    )


class CopySpan:
    WEEK = "week"
    MONTH = "month"


@dataclass
class CopyReport:
    """What a copy forward did: the shifts it made and each one it skipped, with why."""

    created: list[RosterAssignment] = field(default_factory=list)
    skipped: list[tuple[RosterAssignment, str]] = field(default_factory=list)


def copy_source_days(*, span: str, start: date) -> tuple[date, date]:
    """The days copied: the week from ``start`` (7 days), or ``start``'s calendar month."""
    if span == CopySpan.WEEK:
        return start, start + timedelta(days=6)
    if span == CopySpan.MONTH:
        first = start.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise RuleViolation(_("Copy a week or a month."))


def _target_day(day: date, span: str) -> date | None:
    """Where a day's shifts go: a week later, or the same day of the next month (none if the
    next month is shorter)."""
    if span == CopySpan.WEEK:
        return day + timedelta(days=7)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


@transaction.atomic
def roster_copy_forward(*, span: str, start: date, by: User) -> CopyReport:
    """Copy a week's or a month's shifts forward (a week later / the next month, M-1.2).

    Copies what it can and reports each shift it skipped: one that would overlap a shift the
    person already has, a day the next month lacks, someone no longer a duty operator, a
    template no longer in use."""
    _require_planner(by)
    first, last = copy_source_days(span=span, start=start)
    source = list(
        RosterAssignment.objects.filter(cancelled_at=None, date__gte=first, date__lte=last)
        .select_related("operator", "template")
        .order_by("date", "starts_at", "pk")
    )
    _lock_operators({a.operator_id for a in source})
    report = CopyReport()
    for assignment in source:
        day = _target_day(assignment.date, span)
        if day is None:
            report.skipped.append(
                (assignment, _("the next month has no %(day)d.") % {"day": assignment.date.day})
            )
            continue
        try:
            _check_assignable(assignment.operator, assignment.template)
            report.created.append(_create(assignment.operator, assignment.template, day, by))
        except RuleViolation as exc:
            report.skipped.append((assignment, exc.message))
    event_append(
        actor=by,
        action="duty.roster_copy",
        target_type="duty.roster",
        target_id=f"{first.isoformat()}..{last.isoformat()}",
        target_label=f"{first:%Y-%m-%d} – {last:%Y-%m-%d}",
        clause="M-1.2",
        data={
            "span": span,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "created": [a.pk for a in report.created],
            "skipped": [{"assignment": a.pk, "reason": reason} for a, reason in report.skipped],
        },
    )
    return report


@transaction.atomic
def shift_check_in(*, assignment: RosterAssignment, by: User) -> RosterAssignment:
    """The operator checks in to their own shift (M-1.2); the time is the server's, so
    lateness is what the office sees, not what a client claims."""
    now = timezone.now()
    if "check_in" not in selectors.shift_actions(user=by, assignment=assignment, now=now):
        if assignment.operator_id != by.pk:
            raise RuleViolation(
                _("Only the operator on this shift checks in to it."), clause="M-1.2"
            )
        raise RuleViolation(
            _("Check-in opens %(minutes)d minutes before the shift starts and closes when it ends.")
            % {"minutes": settings.DUTY_CHECK_IN_EARLY_MINUTES},
            clause="M-1.2",
        )
    won = RosterAssignment.objects.filter(
        pk=assignment.pk, cancelled_at=None, checked_in_at=None
    ).update(checked_in_at=now)
    if not won:
        raise RuleViolation(_("This shift is already checked in (or was taken off); reload."))
    assignment.refresh_from_db()
    event_append(
        actor=by,
        action="duty.shift_check_in",
        target=assignment,
        clause="M-1.2",
        data={
            "starts_at": assignment.starts_at.isoformat(),
            "checked_in_at": now.isoformat(),
            "late": selectors.attendance_of(assignment, now=now) == selectors.Attendance.LATE,
        },
    )
    return assignment


@transaction.atomic
def shift_check_out(*, assignment: RosterAssignment, by: User) -> RosterAssignment:
    """The operator checks out of their shift (M-1.2); leaving before its end is on record."""
    now = timezone.now()
    if "check_out" not in selectors.shift_actions(user=by, assignment=assignment, now=now):
        if assignment.operator_id != by.pk:
            raise RuleViolation(
                _("Only the operator on this shift checks out of it."), clause="M-1.2"
            )
        raise RuleViolation(_("Check in to the shift before checking out."), clause="M-1.2")
    won = RosterAssignment.objects.filter(
        pk=assignment.pk, checked_in_at__isnull=False, checked_out_at=None
    ).update(checked_out_at=now)
    if not won:
        raise RuleViolation(_("This shift is already checked out; reload the page."))
    assignment.refresh_from_db()
    event_append(
        actor=by,
        action="duty.shift_check_out",
        target=assignment,
        clause="M-1.2",
        data={
            "ends_at": assignment.ends_at.isoformat(),
            "checked_out_at": now.isoformat(),
            "early": now < assignment.ends_at,
        },
    )
    return assignment


# --- The monitoring-center entry register (M-1.2, M-4.1a)


@transaction.atomic
def access_grant(*, person: User, by: User, note: str = "") -> CenterAccess:
    """Put a person on the list of people authorised to enter the monitoring center."""
    if "access_grant" not in selectors.entry_actions(user=by):
        raise RuleViolation(_("Only the security office authorises entry."), clause="M-1.2")
    if not person.is_active:
        raise RuleViolation(_("%(person)s has no active account.") % {"person": person})
    _lock_operators([person.pk])
    if selectors.is_authorised(person):
        raise RuleViolation(_("%(person)s is already authorised.") % {"person": person})
    access = CenterAccess.objects.create(person=person, note=note.strip(), granted_by=by)
    event_append(
        actor=by,
        action="duty.access_grant",
        target=access,
        clause="M-1.2",
        data={"person": person.get_username(), "note": access.note},
    )
    return access


@transaction.atomic
def access_revoke(*, access: CenterAccess, by: User) -> CenterAccess:
    if "access_revoke" not in selectors.entry_actions(user=by):
        raise RuleViolation(_("Only the security office authorises entry."), clause="M-1.2")
    won = CenterAccess.objects.filter(pk=access.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if not won:
        raise RuleViolation(_("This authorisation was already revoked; reload the page."))
    access.refresh_from_db()
    event_append(
        actor=by,
        action="duty.access_revoke",
        target=access,
        clause="M-1.2",
        data={"person": access.person.get_username()},
    )
    return access


def _flag_to_chief(entry: CenterEntry) -> None:
    """An entry by someone not authorised is flagged to the security chief (in the site's
    language: the chiefs read it later, not in this request)."""
    chiefs = User.objects.filter(is_active=True, groups__name=Role.SECURITY_CHIEF)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            chiefs,
            kind="duty.entry_unauthorised",
            title=_("Entry without authorisation: %(who)s, escorted by %(escort)s")
            % {"who": entry.who, "escort": entry.escort},
            body=entry.purpose,
            url=reverse("duty_entries") + "?authorised=false",
        )


@transaction.atomic
def entry_record_in(
    *,
    by: User,
    purpose: str,
    person: User | None = None,
    visitor_name: str = "",
    visitor_id_type: str = "",
    visitor_id_number: str = "",
    organisation: str = "",
    escort: User | None = None,
) -> CenterEntry:
    """Someone comes into the monitoring center (M-1.2, M-4.1a): a registered person or a
    visitor with an ID document. Whoever is not on the authorised list needs an authorised
    escort, and the entry is flagged to the security chief."""
    if "record_in" not in selectors.entry_actions(user=by):
        raise RuleViolation(_("Only the staff on duty record entries."), clause="M-1.2")
    visitor_name = visitor_name.strip()
    visitor_id_number = re.sub(r"\s+", "", visitor_id_number).upper()
    if (person is None) == (not visitor_name):
        raise RuleViolation(_("Choose a registered person or give a visitor's name, not both."))
    if person is None and not (visitor_id_type and visitor_id_number):
        raise RuleViolation(_("A visitor's ID document type and number are required."))
    if not purpose.strip():
        raise RuleViolation(_("Say why they come in."))
    authorised = selectors.is_authorised(person)
    escorted = escort is not None and escort != person and selectors.is_authorised(escort)
    if not (authorised or escorted):
        raise RuleViolation(
            _("Someone not authorised to enter comes in escorted by an authorised person."),
            clause="M-4.1a",
        )
    if person is not None:
        _lock_operators([person.pk])
        inside = CenterEntry.objects.filter(person=person, left_at=None).first()
        if inside is not None:
            raise RuleViolation(
                _("%(person)s is inside since %(since)s; record their time out first.")
                % {"person": person, "since": _local(inside.entered_at)}
            )
    entry = CenterEntry.objects.create(
        person=person,
        visitor_name=visitor_name,
        visitor_id_type=visitor_id_type if person is None else "",
        visitor_id_number=visitor_id_number if person is None else "",
        organisation=organisation.strip(),
        purpose=purpose.strip(),
        escort=escort,
        authorised=authorised,
        entered_at=timezone.now(),
        recorded_by=by,
    )
    event_append(
        actor=by,
        action="duty.entry_in",
        target=entry,
        clause="M-1.2" if authorised else "M-4.1a",
        data={
            "who": entry.who,
            "visitor_id": entry.visitor_id_masked,  # never the number (PIPL)
            "organisation": entry.organisation,
            "purpose": entry.purpose,
            "authorised": authorised,
            "escort": escort.get_username() if escort else None,
        },
    )
    if not authorised:
        _flag_to_chief(entry)
    return entry


@transaction.atomic
def entry_record_out(*, entry: CenterEntry, by: User) -> CenterEntry:
    if "record_out" not in selectors.entry_actions(user=by):
        raise RuleViolation(_("Only the staff on duty record entries."), clause="M-1.2")
    won = CenterEntry.objects.filter(pk=entry.pk, left_at=None).update(
        left_at=timezone.now(), left_recorded_by=by
    )
    if not won:
        raise RuleViolation(_("This person's time out is already recorded; reload the page."))
    entry.refresh_from_db()
    event_append(
        actor=by,
        action="duty.entry_out",
        target=entry,
        clause="M-1.2",
        data={"who": entry.who, "left_at": entry.left_at.isoformat()},
    )
    return entry
