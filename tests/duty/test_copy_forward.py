"""M-1.2: copy a week or a month of the roster forward; what cannot be copied is skipped and
reported, never half-written."""

from datetime import date

import pytest

from apps.audit.models import AuditEvent
from apps.duty.models import RosterAssignment
from apps.duty.services import roster_assign, roster_copy_forward
from tests.duty.helpers import operator, preset

pytestmark = pytest.mark.django_db


def _live(**filters):
    return RosterAssignment.objects.filter(cancelled_at=None, **filters)


def test_a_week_goes_seven_days_on_and_a_conflict_is_reported(security_staff):
    a, b = operator("op-a", full_name="Wang Fang"), operator("op-b")
    for offset in range(7):
        day = date(2026, 12, 7 + offset)
        roster_assign(operator=a, template=preset("12h_day"), day=day, by=security_staff)
        roster_assign(operator=b, template=preset("12h_night"), day=day, by=security_staff)
    # Already planned in the target week: Wang Fang has an 8-hour day shift on the 16th.
    roster_assign(operator=a, template=preset("8h_day"), day=date(2026, 12, 16), by=security_staff)

    report = roster_copy_forward(span="week", start=date(2026, 12, 7), by=security_staff)

    assert len(report.created) == 13
    [(skipped, reason)] = report.skipped
    assert skipped.operator == a and skipped.date == date(2026, 12, 9)
    assert "Wang Fang is already on duty 2026-12-16 08:00 – 2026-12-16 16:00" in reason
    assert _live(date__range=(date(2026, 12, 14), date(2026, 12, 20)), operator=b).count() == 7
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause) == ("duty.roster_copy", "M-1.2")
    assert len(event.data["created"]) == 13 and event.data["skipped"][0]["reason"] == reason


def test_a_month_goes_to_the_same_days_of_the_next_and_its_31st_is_reported(security_staff):
    a = operator("op-a")
    for day in (1, 15, 31):
        roster_assign(
            operator=a, template=preset("8h_day"), day=date(2027, 1, day), by=security_staff
        )

    report = roster_copy_forward(span="month", start=date(2027, 1, 20), by=security_staff)

    assert sorted(x.date for x in report.created) == [date(2027, 2, 1), date(2027, 2, 15)]
    [(skipped, reason)] = report.skipped
    assert skipped.date == date(2027, 1, 31) and reason == "the next month has no 31."


def test_december_goes_to_january_and_copying_twice_adds_nothing(security_staff):
    a = operator("op-a")
    roster_assign(
        operator=a, template=preset("12h_night"), day=date(2026, 12, 31), by=security_staff
    )
    first = roster_copy_forward(span="month", start=date(2026, 12, 1), by=security_staff)
    again = roster_copy_forward(span="month", start=date(2026, 12, 1), by=security_staff)
    assert [x.date for x in first.created] == [date(2027, 1, 31)]
    assert again.created == [] and len(again.skipped) == 1
    assert _live().count() == 2


def test_someone_no_longer_a_duty_operator_is_skipped(security_staff):
    a = operator("op-a", full_name="Zhao Min")
    roster_assign(operator=a, template=preset("8h_day"), day=date(2026, 12, 1), by=security_staff)
    a.groups.clear()
    report = roster_copy_forward(span="week", start=date(2026, 12, 1), by=security_staff)
    assert report.created == []
    assert report.skipped[0][1] == "Zhao Min is not a duty operator."
