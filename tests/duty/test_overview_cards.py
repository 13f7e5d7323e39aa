"""M-1.2: the overview shows the security office the roster's coming gaps and the missed
check-ins; duty operators and other roles do not get these cards."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.duty.helpers import operator, shift_from

pytestmark = pytest.mark.django_db


def _card(page: str, key: str) -> str | None:
    match = re.search(rf'data-card="{key}".*?data-testid="card-count">([^<]*)<', page, re.S)
    return match and match.group(1).strip()


def test_the_office_sees_the_week_gaps_and_missed_check_ins(
    client, monkeypatch, security_staff, duty_operator
):
    today = datetime(2026, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: today + timedelta(minutes=30))
    # Two people around the clock for the coming week, but for one 8-hour shift.
    a, b = operator("op-a"), operator("op-b")
    for day in range(8):
        for hour in (0, 8, 16):
            for person in (a, b):
                if (day, hour, person) != (2, 8, b):
                    shift_from(
                        person, today + timedelta(days=day, hours=hour), 8, by=security_staff
                    )
    # A shift of yesterday nobody checked in to.
    shift_from(operator("op-c"), today - timedelta(days=1), 8, by=security_staff)

    client.force_login(security_staff)
    page = client.get("/").content.decode()
    assert _card(page, "duty_gaps_week") == "8"
    assert _card(page, "duty_missed_check_ins") == "1"
    # The shifts running now and those to come are not missed.

    client.force_login(duty_operator)
    page = client.get("/").content.decode()
    assert _card(page, "duty_gaps_week") is None and _card(page, "duty_missed_check_ins") is None
