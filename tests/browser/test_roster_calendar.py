"""M-1.2 in a real browser: the security office puts an operator on a shift from the month
calendar, sees the day's colour and count change; an operator sees the roster read-only."""

from datetime import date

import pytest

from apps.duty.services import roster_assign
from tests.browser.conftest import login
from tests.duty.helpers import operator, preset
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_plan_a_shift_on_the_calendar(page, security_staff, tmp_path):
    a = operator("op-a", full_name="Li Lei")
    b = operator("op-b", full_name="Han Meimei")
    for person in (a, b):
        roster_assign(
            operator=person, template=preset("12h_day"), day=date(2026, 12, 15), by=security_staff
        )
    roster_assign(
        operator=a, template=preset("12h_night"), day=date(2026, 12, 15), by=security_staff
    )

    login(page, security_staff.username, TEST_PASSWORD)
    page.goto("/duty/roster/?month=2026-12")
    cell = page.locator('td[data-day="2026-12-15"]')
    # Nobody 00:00-08:00, one person short 20:00-24:00.
    assert cell.get_attribute("data-uncovered") == "12"

    page.select_option("#id_operator", label="Han Meimei")
    page.select_option("#id_template", label="Night shift 20:00–08:00 (12 hours)")
    page.fill("#id_day", "2026-12-15")
    page.click("[data-testid=roster-assign-form] button[type=submit]")
    page.wait_for_selector("text=is on the roster")
    # The night is covered now; 00:00-08:00 (the night of the 14th) still is not.
    assert page.locator('td[data-day="2026-12-15"]').get_attribute("data-uncovered") == "8"
    page.screenshot(path=str(tmp_path / "roster.png"), full_page=True)

    page.click("[data-testid=roster-next]")
    page.wait_for_selector("text=January 2027")
    # The night of 31 December is not planned: 1 January is short all day.
    assert page.locator('td[data-day="2027-01-01"]').get_attribute("data-state") == "uncovered"


def test_an_operator_reads_it(page, security_staff):
    a = operator("op-a", full_name="Li Lei")
    roster_assign(operator=a, template=preset("8h_day"), day=date(2026, 12, 15), by=security_staff)
    login(page, a.username, TEST_PASSWORD)
    page.click("[data-nav=duty_roster]")
    page.goto("/duty/roster/?month=2026-12")
    assert "Li Lei" in page.inner_text('td[data-day="2026-12-15"]')
    assert page.locator("[data-testid=roster-assign-form]").count() == 0
