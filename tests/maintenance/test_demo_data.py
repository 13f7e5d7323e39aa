"""Issue 16: demo_data adds the demo vendor's contract, fault tickets in various states, a month
of O&M log days (countersigned but the last two ended days, one of them flagged) and this
week's function test, so the pages are not empty; a second run adds nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.maintenance import daylog, weekly_test
from apps.maintenance.demo import DEMO_DAYS
from apps.maintenance.models import DayLog, FaultTicket, FunctionTest, ServiceContract

pytestmark = pytest.mark.django_db


def test_the_pages_are_not_empty(settings, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    assert ServiceContract.objects.count() == 1
    states = set(FaultTicket.objects.values_list("state", flat=True))
    assert {"reported", "acknowledged", "on_site", "cleared", "closed"} <= states
    assert FaultTicket.objects.filter(paused_since__isnull=False).count() == 1
    today = timezone.localdate()
    assert DayLog.objects.count() == DEMO_DAYS + 1
    unsigned = set(DayLog.objects.filter(signed_at=None).values_list("day", flat=True))
    assert unsigned == {today, today - timedelta(days=1), today - timedelta(days=2)}
    assert daylog.days_overdue().count() == 1
    assert FunctionTest.objects.get().week == weekly_test.week_of(today)
    assert "Demo maintenance: 1 contract, 5 fault tickets" in capsys.readouterr().out
    call_command("demo_data")
    assert FaultTicket.objects.count() == 5 and DayLog.objects.count() == DEMO_DAYS + 1
