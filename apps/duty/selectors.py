"""Reads of the duty roster (M-1.2): who may see and plan it, a period's shifts, the month."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import Role, User

from .coverage import Gap, coverage_gaps, local_midnight, uncovered_hours_by_day
from .models import CenterAccess, CenterEntry, RosterAssignment, ShiftTemplate

# The security office plans the roster; the duty operators and the auditor read it (M-1.2).
ROSTER_PLAN_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
ROSTER_VIEW_ROLES = (Role.DUTY_OPERATOR, *ROSTER_PLAN_ROLES, Role.AUDITOR)


def site_zone() -> ZoneInfo:
    """The site's time zone: shifts start and days begin in it (settings.TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def roster_may_view(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*ROSTER_VIEW_ROLES)


def roster_actions(*, user: User) -> set[str]:
    """What the user may do to the roster now: the services enforce it, the page loops on it."""
    if user.is_superuser or user.has_any_role(*ROSTER_PLAN_ROLES):
        return {"assign", "unassign", "copy", "template_create"}
    return set()


def template_list(*, user: User) -> QuerySet[ShiftTemplate]:
    if not roster_may_view(user=user):
        return ShiftTemplate.objects.none()
    return ShiftTemplate.objects.all()


def operator_choices() -> QuerySet[User]:
    """The people who can be put on the roster: active duty operators."""
    return User.objects.filter(is_active=True, groups__name=Role.DUTY_OPERATOR).order_by(
        "full_name", "username"
    )


def assignment_list(*, user: User) -> QuerySet[RosterAssignment]:
    """The live roster (unassigned shifts stay on record but off the roster). Everyone who
    may see the roster sees all of it: the office plans, the operators see their colleagues."""
    if not roster_may_view(user=user):
        return RosterAssignment.objects.none()
    return RosterAssignment.objects.filter(cancelled_at=None).select_related("operator", "template")


def assignment_get(*, user: User, pk: int) -> RosterAssignment:
    return get_object_or_404(assignment_list(user=user), pk=pk)


def assignments_overlapping(
    *, user: User, first_day: date, last_day: date
) -> QuerySet[RosterAssignment]:
    """Shifts that overlap the local days (a night shift of the day before included)."""
    zone = site_zone()
    start = local_midnight(first_day, zone)
    end = local_midnight(last_day + timedelta(days=1), zone)
    return assignment_list(user=user).filter(starts_at__lt=end, ends_at__gt=start)


def period_gaps(*, user: User, first_day: date, last_day: date) -> list[Gap]:
    """Every local hour of the period with fewer operators on duty than the minimum (M-1.2)."""
    shifts = assignments_overlapping(user=user, first_day=first_day, last_day=last_day)
    return coverage_gaps(
        shifts.values_list("operator_id", "starts_at", "ends_at"),
        first_day=first_day,
        last_day=last_day,
        minimum=settings.DUTY_MIN_OPERATORS,
        tz=site_zone(),
    )


@dataclass
class RosterDay:
    day: date
    in_month: bool
    assignments: list[RosterAssignment] = field(default_factory=list)
    uncovered_hours: int = 0

    @property
    def state(self) -> str:
        """The calendar's colour: covered, a gap of some hours, or not staffed all day."""
        if self.uncovered_hours == 0:
            return "covered"
        return "uncovered" if self.uncovered_hours >= 24 else "gap"


@dataclass
class RosterMonth:
    month: date  # the first of the month
    weeks: list[list[RosterDay]]
    gaps: list[Gap]
    minimum: int

    @property
    def previous(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.month + timedelta(days=32)).replace(day=1)

    @property
    def uncovered_hours(self) -> int:
        return len(self.gaps)


def roster_month(*, user: User, month: date) -> RosterMonth:
    """The month calendar (M-1.2): whole weeks Monday to Sunday, each day with the shifts that
    start on it and its uncovered hours. Two queries whatever the number of shifts."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_first = first - timedelta(days=first.weekday())
    grid_last = last + timedelta(days=6 - last.weekday())
    shifts = list(
        assignments_overlapping(user=user, first_day=grid_first, last_day=grid_last).order_by(
            "starts_at", "operator__full_name", "operator__username"
        )
    )
    gaps = coverage_gaps(
        [(s.operator_id, s.starts_at, s.ends_at) for s in shifts],
        first_day=first,
        last_day=last,
        minimum=settings.DUTY_MIN_OPERATORS,
        tz=site_zone(),
    )
    per_day = uncovered_hours_by_day(gaps)
    days = {}
    day = grid_first
    while day <= grid_last:
        days[day] = RosterDay(
            day=day, in_month=day.month == first.month, uncovered_hours=per_day.get(day, 0)
        )
        day += timedelta(days=1)
    for shift in shifts:
        if shift.date in days:
            days[shift.date].assignments.append(shift)
    ordered = list(days.values())
    weeks = [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
    return RosterMonth(month=first, weeks=weeks, gaps=gaps, minimum=settings.DUTY_MIN_OPERATORS)


# --- Shift check-in and check-out (M-1.2: lateness and missed check-ins for the office)

ATTENDANCE_ROLES = (*ROSTER_PLAN_ROLES, Role.AUDITOR)


class Attendance:
    """Where a shift's check-in stands now."""

    UPCOMING = "upcoming"  # not started yet (or within the grace minutes)
    OVERDUE = "overdue"  # started past the grace minutes, nobody checked in, still running
    MISSED = "missed"  # over, nobody checked in
    LATE = "late"  # checked in after the grace minutes
    ON_TIME = "on_time"


def late_after() -> timedelta:
    return timedelta(minutes=settings.DUTY_LATE_AFTER_MINUTES)


def attendance_q(state: str, *, now) -> Q:
    """The rows in ``state`` at ``now``, as a filter the database evaluates."""
    grace = late_after()
    return {
        Attendance.UPCOMING: Q(checked_in_at=None, starts_at__gt=now - grace),
        Attendance.OVERDUE: Q(checked_in_at=None, starts_at__lte=now - grace, ends_at__gt=now),
        Attendance.MISSED: Q(checked_in_at=None, ends_at__lte=now),
        Attendance.LATE: Q(checked_in_at__gt=F("starts_at") + grace),
        Attendance.ON_TIME: Q(checked_in_at__lte=F("starts_at") + grace),
    }[state]


def attendance_of(assignment: RosterAssignment, *, now) -> str:
    """The same states as ``attendance_q``, for one shift on a page."""
    grace = late_after()
    if assignment.checked_in_at is not None:
        late = assignment.checked_in_at > assignment.starts_at + grace
        return Attendance.LATE if late else Attendance.ON_TIME
    if assignment.ends_at <= now:
        return Attendance.MISSED
    return Attendance.OVERDUE if assignment.starts_at <= now - grace else Attendance.UPCOMING


def attendance_may_view(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*ATTENDANCE_ROLES)


def attendance_list(*, user: User) -> QuerySet[RosterAssignment]:
    """Every live shift with its check-in and check-out, for the security office and the
    auditor (M-1.2); newest start first."""
    if not attendance_may_view(user=user):
        return RosterAssignment.objects.none()
    return assignment_list(user=user).order_by("-starts_at", "-pk")


def shift_actions(*, user: User, assignment: RosterAssignment, now) -> set[str]:
    """The operator's own shift: check in from DUTY_CHECK_IN_EARLY_MINUTES before its start
    until its end; check out once checked in."""
    if assignment.operator_id != user.pk or assignment.cancelled_at is not None:
        return set()
    if assignment.checked_in_at is None:
        opens = assignment.starts_at - timedelta(minutes=settings.DUTY_CHECK_IN_EARLY_MINUTES)
        return {"check_in"} if opens <= now < assignment.ends_at else set()
    return {"check_out"} if assignment.checked_out_at is None else set()


def my_shifts(*, user: User, now) -> list[RosterAssignment]:
    """The operator's shifts around now: the one running or just ended (12 hours back) and
    those of the next day, each with what they may do now."""
    if not user.has_role(Role.DUTY_OPERATOR):
        return []
    shifts = list(
        assignment_list(user=user)
        .filter(
            operator=user,
            ends_at__gt=now - timedelta(hours=12),
            starts_at__lt=now + timedelta(hours=24),
        )
        .order_by("starts_at")
    )
    for shift in shifts:
        shift.actions = shift_actions(user=user, assignment=shift, now=now)
        shift.attendance = attendance_of(shift, now=now)
    return shifts


# --- The monitoring-center entry register (M-1.2, M-4.1a)

# Whoever is in the center records comings and goings; the office grants access.
ENTRY_ROLES = (Role.DUTY_OPERATOR, *ROSTER_PLAN_ROLES)
ENTRY_VIEW_ROLES = (*ENTRY_ROLES, Role.AUDITOR)


def entries_may_view(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*ENTRY_VIEW_ROLES)


def entry_actions(*, user: User) -> set[str]:
    actions = set()
    if user.is_superuser or user.has_any_role(*ENTRY_ROLES):
        actions |= {"record_in", "record_out"}
    if user.is_superuser or user.has_any_role(*ROSTER_PLAN_ROLES):
        actions |= {"access_grant", "access_revoke"}
    return actions


def access_list(*, user: User) -> QuerySet[CenterAccess]:
    """The people authorised to enter now (live grants)."""
    if not entries_may_view(user=user):
        return CenterAccess.objects.none()
    return (
        CenterAccess.objects.filter(revoked_at=None)
        .select_related("person", "granted_by")
        .order_by("person__full_name", "person__username")
    )


def access_get(*, user: User, pk: int) -> CenterAccess:
    return get_object_or_404(access_list(user=user), pk=pk)


def is_authorised(person: User | None) -> bool:
    return (
        person is not None and CenterAccess.objects.filter(person=person, revoked_at=None).exists()
    )


def authorised_people() -> QuerySet[User]:
    """Active people on the authorised list: who may escort a visitor."""
    return User.objects.filter(
        is_active=True, pk__in=CenterAccess.objects.filter(revoked_at=None).values("person_id")
    ).order_by("full_name", "username")


def entry_list(*, user: User) -> QuerySet[CenterEntry]:
    """Every entry, newest first (M-1.2, M-4.1a)."""
    if not entries_may_view(user=user):
        return CenterEntry.objects.none()
    return CenterEntry.objects.select_related("person", "escort").order_by("-entered_at", "-id")


def entry_get(*, user: User, pk: int) -> CenterEntry:
    return get_object_or_404(entry_list(user=user), pk=pk)


def people_inside(*, user: User) -> QuerySet[CenterEntry]:
    """Who is still in the monitoring center (listed at handover)."""
    return entry_list(user=user).filter(left_at=None)
