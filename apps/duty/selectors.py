"""Reads of the duty roster (M-1.2): who may see and plan it, a period's shifts, the month."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import Role, User

from .coverage import Gap, coverage_gaps, local_midnight, uncovered_hours_by_day
from .models import RosterAssignment, ShiftTemplate

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
