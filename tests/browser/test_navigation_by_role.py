"""M-1.2: each role sees its own navigation; the UI switches between zh-hans and en."""

import pytest

from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _nav(page) -> set[str]:
    return set(
        page.locator("[data-testid=main-nav] a").evaluate_all(
            "links => links.map(a => a.dataset.nav)"
        )
    )


def test_two_roles_see_different_navigation(page, duty_operator, auditor):
    login(page, auditor.username, TEST_PASSWORD)
    auditor_nav = _nav(page)
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/**")
    login(page, duty_operator.username, TEST_PASSWORD)
    operator_nav = _nav(page)
    assert "audit_events" in auditor_nav
    assert "audit_events" not in operator_nav
    page.goto("/audit/")
    assert page.locator("[data-testid=error-403]").is_visible()


def test_language_switch_to_chinese_and_back(page, auditor):
    login(page, auditor.username, TEST_PASSWORD)
    assert page.locator("[data-nav=audit_events]").inner_text().strip() == "Audit events"
    page.select_option("[data-testid=language-select]", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator("[data-nav=audit_events]").inner_text().strip() == "审计事件"
    assert page.locator("button:has-text('退出')").is_visible()
    page.select_option("[data-testid=language-select]", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("button:has-text('Log out')").is_visible()
