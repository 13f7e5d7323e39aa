"""Issue 18: demo_data adds this month's roster with one deliberate gap (the night of the 15th
short of one operator: 12 uncovered hours, nothing else), a few entries, abnormal events and an
incident's preservation hold; a second run adds nothing."""

import calendar
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.duty.demo import GAP_DAY
from apps.duty.models import AbnormalEvent, CenterEntry, PreservationHold, RosterAssignment
from apps.duty.selectors import period_gaps

pytestmark = pytest.mark.django_db


def test_a_month_with_one_deliberate_gap(settings, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    today = timezone.localdate()
    first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    gaps = period_gaps(user=User.objects.get(username="auditor"), first_day=first, last_day=last)
    gap_night = first.replace(day=GAP_DAY)
    assert {gap.hour.date() for gap in gaps} == {gap_night, gap_night + timedelta(days=1)}
    assert len(gaps) == 12
    assert CenterEntry.objects.filter(left_at=None, authorised=False).count() == 1
    assert AbnormalEvent.objects.filter(acknowledged_at=None).count() == 1
    assert PreservationHold.objects.filter(lifted_at=None, cameras__code="C003").exists()
    assert "night of the 15th" in capsys.readouterr().out
    shifts = RosterAssignment.objects.count()
    call_command("demo_data")
    assert RosterAssignment.objects.count() == shifts
