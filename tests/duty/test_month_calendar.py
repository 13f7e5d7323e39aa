"""M-1.2: the month calendar shows the roster and its gaps at a glance — a colour and a count
of uncovered hours per day, previous/next month; the office plans, operators only read."""

import re
from datetime import date

import pytest
from django.test import override_settings

from apps.duty.services import roster_assign
from tests.duty.helpers import in_zh_catalogue, operator, preset

pytestmark = pytest.mark.django_db


def _cell(html: str, day: str) -> str:
    match = re.search(rf'<td [^>]*data-day="{day}"[^>]*>.*?</td>', html, re.S)
    assert match, f"no cell for {day}"
    return match.group(0)


@pytest.fixture
def december(security_staff):
    """December 2026 with two operators on 12-hour shifts on the 1st and the 31st (and the
    nights before them), the night of the 31st short of one person (crossing into January)."""
    a, b = operator("op-a", full_name="Li Lei"), operator("op-b", full_name="Han Meimei")
    plan = [
        ("12h_night", date(2026, 11, 30)),
        ("12h_day", date(2026, 12, 1)),
        ("12h_night", date(2026, 12, 1)),
        ("12h_night", date(2026, 12, 30)),
        ("12h_day", date(2026, 12, 31)),
    ]
    for person in (a, b):
        for code, day in plan:
            roster_assign(operator=person, template=preset(code), day=day, by=security_staff)
    roster_assign(
        operator=a, template=preset("12h_night"), day=date(2026, 12, 31), by=security_staff
    )
    return a, b


def test_each_day_shows_its_colour_and_uncovered_hours(client, security_staff, december):
    client.force_login(security_staff)
    html = client.get("/duty/roster/?month=2026-12").content.decode()
    first = _cell(html, "2026-12-01")
    assert 'data-state="covered"' in first and "Li Lei" in first and "20:00–08:00" in first
    # The 2nd: the night of the 1st covers 00:00-08:00, nobody after.
    second = _cell(html, "2026-12-02")
    assert 'data-state="gap"' in second and "16 h uncovered" in second
    assert 'data-state="uncovered"' in _cell(html, "2026-12-15")
    last = _cell(html, "2026-12-31")
    assert 'data-state="gap"' in last and 'data-uncovered="4"' in last  # 20:00-24:00, one person
    assert "Dec. 1, 2026" not in html  # days are shown as numbers, the month in the title
    assert "December 2026" in html
    assert 'href="?month=2026-11"' in html and 'href="?month=2027-01"' in html
    assert 'data-testid="roster-assign-form"' in html and "Take off the roster" in html


def test_january_counts_the_night_that_started_in_december(client, security_staff, december):
    client.force_login(security_staff)
    html = client.get("/duty/roster/?month=2027-01").content.decode()
    # One operator on the night of 31 Dec: 00:00-08:00 of 1 Jan short; then nobody.
    assert 'data-uncovered="24"' in _cell(html, "2027-01-01")


@override_settings(DUTY_MIN_OPERATORS=1)
def test_the_minimum_is_a_setting(client, security_staff, december):
    client.force_login(security_staff)
    html = client.get("/duty/roster/?month=2026-12").content.decode()
    assert 'data-state="covered"' in _cell(html, "2026-12-31")
    assert "fewer than 1 duty operators" in html


def test_an_operator_reads_the_roster_without_the_forms(client, duty_operator, december):
    client.force_login(duty_operator)
    html = client.get("/duty/roster/?month=2026-12").content.decode()
    assert "Li Lei" in _cell(html, "2026-12-01")
    assert "roster-assign-form" not in html and "Take off the roster" not in html
    assert "you see it read-only" in html
    assert client.post("/duty/roster/assign/", {}).status_code == 403


@pytest.mark.parametrize("month", ["2026-13", "December", "2026-1", "0000-01", "2026-12-01"])
def test_a_bad_month_is_a_clear_400(client, duty_operator, month):
    client.force_login(duty_operator)
    response = client.get("/duty/roster/", {"month": month})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the month as YYYY-MM, for example 2026-12." in html
    assert f'value="{month}"' in html  # what was typed stays in the month box


def test_no_month_is_this_month(client, duty_operator):
    client.force_login(duty_operator)
    response = client.get("/duty/roster/")
    assert (
        response.status_code == 200 and 'data-testid="roster-calendar"' in response.content.decode()
    )


@pytest.mark.skipif(not in_zh_catalogue("Duty roster"), reason="zh-hans not merged yet")
def test_the_calendar_and_its_refusal_in_chinese(client, duty_operator, december):
    client.force_login(duty_operator)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    html = client.get("/duty/roster/", {"month": "2026-12"}, **zh).content.decode()
    assert "值守排班表" in html and "2026年12月" in html
    assert "本月有" in html and "小时人手不足" in html and "排班由保卫处安排，您只能查看。" in html
    bad = client.get("/duty/roster/", {"month": "2026-13"}, **zh).content.decode()
    assert "月份格式应为 YYYY-MM，例如 2026-12。" in bad
