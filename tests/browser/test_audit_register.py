"""M-4.2 in a real browser: the auditor searches the audit register with the form (htmx), the
address holds each filter once however often they search, the CSV export holds exactly what
the screen shows, and an event opens with its before/after values. The export keeps the search
on the camera register too (the same base)."""

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.audit.services import event_append
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD, CameraFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _search(page, **fields) -> None:
    """Fill the register's form and submit it; wait for htmx to swap the rows in."""
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.click("[data-testid=register-filters] button[type=submit]")
    # htmx pushes the address after the swap settles: wait until it names this search.
    page.wait_for_function(
        "fields => Object.entries(fields).every("
        "([k, v]) => new URLSearchParams(location.search).get(k) === v)",
        arg=fields,
    )


def _export(page) -> list[list[str]]:
    with page.expect_download() as download:
        page.click("[data-testid=register-export]")
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_auditor_searches_exports_and_opens_an_event(page, auditor, security_chief, duty_operator):
    security_chief.full_name = "Wang Fang"
    security_chief.save(update_fields=["full_name"])
    for _ in range(3):
        event_append(actor=duty_operator, action="accounts.login", target=duty_operator)
    event_append(
        actor=security_chief,
        action="accounts.user_update",
        target=duty_operator,
        clause="M-1.1",
        data={"changes": {"phone": ["", "010-1234"]}},
    )
    event_append(actor=security_chief, action="accounts.login", target=security_chief)

    login(page, auditor.username, TEST_PASSWORD)
    page.goto("/audit/?page=1")
    _search(page, actor="Wang Fang")
    assert page.locator("[data-testid=actor]").all_inner_texts() == [
        "Wang Fang chief1",
        "Wang Fang chief1",
    ]
    assert _query(page) == {"actor": ["Wang Fang"]}

    _search(page, action="user changed")  # the label, not the code
    _search(page, action="User changed")  # and again: nothing piles up
    assert _query(page) == {"actor": ["Wang Fang"], "action": ["User changed"]}
    action = page.locator("[data-testid=action]").all_inner_texts()
    assert [" ".join(a.split()) for a in action] == ["User changed accounts.user_update"]

    rows = _export(page)
    assert [(row[2], row[5]) for row in rows] == [("Wang Fang", "accounts.user_update")]

    page.click("[data-testid=audit-events] tbody a")
    page.wait_for_selector("[data-testid=audit-changes]")
    change = page.locator("[data-testid=audit-changes] tbody tr").all_inner_texts()
    assert [c.split("\t") for c in change] == [["phone", "", "010-1234"]]

    page.go_back()  # the pushed address brings the search back
    page.wait_for_selector("[data-testid=audit-events]")
    assert _query(page) == {"actor": ["Wang Fang"], "action": ["User changed"]}
    assert page.locator("[data-testid=action]").count() == 1


def test_camera_export_keeps_the_form_search(page, duty_operator):
    CameraFactory(code="BRW-GATE", name="Gate")
    CameraFactory(code="BRW-LIB", name="Library")
    login(page, duty_operator.username, TEST_PASSWORD)
    page.goto("/cameras/")
    _search(page, q="BRW-GATE")
    assert page.locator("[data-testid=camera-grid] [data-camera]").count() == 1
    _search(page, q="BRW-LIB")
    assert _query(page) == {"q": ["BRW-LIB"]}
    rows = _export(page)
    assert [row[0] for row in rows] == ["BRW-LIB"]
