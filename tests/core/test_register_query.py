"""M-4.2, M-3.4: every register's search is one canonical query that its pages, its CSV export
and the address htmx pushes all carry — the export is what the screen shows, and repeated
searches do not pile parameters up. Run on each register built on the base."""

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from apps.audit.services import event_append
from apps.patrol.models import PatrolRun
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _audit(users):
    for _ in range(3):
        event_append(actor=users["duty_operator"], action="test.view", clause="M-3.4")
    event_append(actor=users["security_chief"], action="accounts.user_create", clause="M-1.1")
    return "/audit/", {"action": "user_create"}, "auditor", 1


def _cameras(users):
    CameraFactory(code="QRY-ONE", name="Gate")
    CameraFactory(code="QRY-TWO", name="Library")
    return "/cameras/", {"q": "QRY-ONE"}, "duty_operator", 1


def _patrol(users):
    now = timezone.now()
    for days, state in ((0, PatrolRun.State.SIGNED), (1, PatrolRun.State.FINISHED)):
        PatrolRun.objects.create(
            started_at=now - timedelta(days=days), trigger=PatrolRun.Trigger.COMMAND, state=state
        )
    return "/patrol/", {"state": PatrolRun.State.SIGNED}, "duty_operator", 1


REGISTERS = {"audit": _audit, "cameras": _cameras, "patrol": _patrol}


@pytest.fixture
def users(duty_operator, security_chief, auditor):
    return {"duty_operator": duty_operator, "security_chief": security_chief, "auditor": auditor}


@pytest.fixture(params=sorted(REGISTERS))
def register(request, client, users):
    path, search, role, matching = REGISTERS[request.param](users)
    client.force_login(users[role])
    return path, search, matching


def _export_href(content: bytes) -> str:
    match = re.search(rb'<a id="register-export"[^>]*href="([^"]+)"', content)
    assert match, "no export link"
    return unescape(match.group(1).decode())


def _csv_rows(client, href: str) -> list[list[str]]:
    response = client.get(href)
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


def test_export_link_of_a_searched_page_exports_what_it_shows(client, register):
    path, search, matching = register
    page = client.get(path, search)
    href = _export_href(page.content)
    assert urlsplit(href).path == path
    assert parse_qs(urlsplit(href).query) == {
        **{k: [v] for k, v in search.items()},
        "format": ["csv"],
    }
    assert len(_csv_rows(client, href)) == matching == page.context["page"].paginator.count
    everything = _csv_rows(client, _export_href(client.get(path).content))
    assert len(everything) > matching


def test_htmx_search_sends_the_export_link_out_of_band(client, register):
    """The export link sits outside the rows htmx swaps: the rows response carries a fresh
    one (hx-swap-oob), so an export after a form search keeps the search."""
    path, search, matching = register
    rows = client.get(path, search, HTTP_HX_REQUEST="true")
    assert b'<nav class="navbar' not in rows.content
    assert b'hx-swap-oob="true"' in rows.content
    href = _export_href(rows.content)
    assert len(_csv_rows(client, href)) == matching
    assert "HX-Request" in rows["Vary"]


def test_repeated_searches_do_not_pile_up_parameters(client, register):
    """What htmx sends after searches on a page whose address already held a search, a page
    number and its cache-buster: each filter once (the last value, which the form used), no
    page, format or htmx parameter in the pushed address, the export or the page links."""
    path, search, matching = register
    (name, value), *_ = search.items()
    piled = f"{path}?{name}=stale&page=2&format=html&{name}={value}&org.htmx.cache-buster=x"
    rows = client.get(piled, HTTP_HX_REQUEST="true")
    assert rows["HX-Push-Url"] == f"{path}?{name}={value}"
    assert parse_qs(urlsplit(_export_href(rows.content)).query) == {
        name: [value],
        "format": ["csv"],
    }
    assert rows.context["query"] == f"{name}={value}"
    assert rows.context["page"].paginator.count == matching


def test_empty_fields_leave_no_parameters(client, register):
    path, search, matching = register
    (name, _value), *_ = search.items()
    rows = client.get(f"{path}?{name}=", HTTP_HX_REQUEST="true")
    assert rows["HX-Push-Url"] == path
    assert _export_href(rows.content) == f"{path}?format=csv"


def test_page_links_carry_the_search_once(client, auditor, duty_operator):
    for n in range(55):
        event_append(actor=duty_operator, action="test.view", data={"n": n})
    client.force_login(auditor)
    page = client.get("/audit/?action=test&action=test.view&page=1")
    links = re.findall(r'href="(\?[^"]*page=2)"', page.content.decode())
    assert [unescape(link) for link in links] == ["?action=test.view&page=2"]


def test_a_history_restore_gets_the_whole_page(client, register):
    """htmx asks again for an address it pushed when its history cache lost the page (back
    button): the answer must be the page, not the rows only."""
    path, search, _matching = register
    page = client.get(path, search, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert b'<nav class="navbar' in page.content
    assert b'data-testid="register-filters"' in page.content


def test_search_form_targets_the_path_without_the_current_query(client, register):
    """An empty hx-get would make htmx append the form to the current address, query and
    all; the form asks the register's path."""
    path, search, _matching = register
    page = client.get(path, {**search, "page": "1"})
    form = re.search(rb'<form method="get" action="([^"]*)"[^>]*hx-get="([^"]*)"', page.content)
    assert form and form.group(1) == form.group(2) == path.encode()
