"""Issue 15, M-4.2, M-2.1: registers and API lists at campus scale. A list counts at most
``PAGE_ROWS_CAP`` rows and pages no further, says "more than N" when it stopped counting, and
keeps its page links; date filters are local days; checks come by run, then camera."""

import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.services import event_append
from apps.audit.views import AuditEventRegisterView
from apps.cameras.selectors import camera_list
from apps.core.registers import CappedPaginator, local_day_start
from apps.patrol.models import PatrolCheck, PatrolRun
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 6 rows and pages of 2 on the audit register: 3 pages reachable."""
    monkeypatch.setattr(CappedPaginator, "cap", 6)
    monkeypatch.setattr(AuditEventRegisterView, "paginate_by", 2)


def _events(actor, n):
    for i in range(n):
        event_append(actor=actor, action="test.view", clause="M-3.4", data={"n": i})


def _page_text(response) -> str:
    nav = re.search(
        r'<nav class="d-flex[^>]*data-testid="register-pages">(.*?)</nav>',
        response.content.decode(),
        re.S,
    )
    assert nav, "no page navigation"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", nav.group(1))).strip()


def test_past_the_cap_the_page_says_more_than(client, auditor, duty_operator, small_cap):
    _events(duty_operator, 10)
    client.force_login(auditor)
    first = client.get("/audit/")
    assert "Page 1 of 3 · more than 6 records" in _page_text(first)
    assert [
        unescape_href(h) for h in re.findall(r'href="(\?page=\d+)"', first.content.decode())
    ] == ["?page=2"]
    last = client.get("/audit/?action=test.view&page=3")
    assert "Next" not in _page_text(last) and "Previous" in _page_text(last)
    assert b'data-testid="register-cap"' in last.content
    assert [e.data["n"] for e, _cells in last.context["rows"]] == [5, 4]
    # A page past the reachable ones shows the last reachable page, as a page past the end.
    assert client.get("/audit/?page=40").context["page"].number == 3


def unescape_href(href: str) -> str:
    return href.replace("&amp;", "&")


def test_under_the_cap_the_count_is_exact(client, auditor, duty_operator, small_cap):
    _events(duty_operator, 3)  # with the test's own sign-in events, still under 6
    client.force_login(auditor)
    page = client.get("/audit/?action=test.view")
    assert _page_text(page).startswith("Page 1 of 2 · 3 records")
    assert b'data-testid="register-cap"' not in page.content


def test_api_count_is_capped_and_says_so(client, auditor, duty_operator, small_cap):
    _events(duty_operator, 10)
    client.force_login(auditor)
    body = client.get("/api/audit/events/?action=test.view&page_size=2").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (6, True, 2)
    assert parse_qs(urlsplit(body["next"]).query)["page"] == ["2"] and body["previous"] is None
    third = client.get("/api/audit/events/?action=test.view&page_size=2&page=3").json()
    assert third["next"] is None and [r["data"]["n"] for r in third["results"]] == [5, 4]
    assert client.get("/api/audit/events/?action=test.view&page_size=2&page=4").status_code == 404
    exact = client.get("/api/audit/events/?action=test.view&page_size=20&clause=m-3").json()
    assert (exact["count"], exact["count_capped"]) == (6, True)
    few = client.get("/api/audit/events/?action=nothing-like-this").json()
    assert (few["count"], few["count_capped"], few["results"]) == (0, False, [])


def test_the_count_reads_ids_only_up_to_the_cap(client, duty_operator):
    """No ORDER BY and no join in the count, and a LIMIT: it costs the same at 3 million."""
    run = PatrolRun.objects.create(started_at=datetime(2026, 12, 1, tzinfo=UTC), trigger="command")
    for camera in CameraFactory.create_batch(3):
        PatrolCheck.objects.create(run=run, camera=camera, state="done", verdict="fault")
    client.force_login(duty_operator)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/patrol/checks/?verdict=fault").json()
    assert body["count"] == 3
    (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 10001" in count.upper()
    assert "ORDER BY" not in count.upper() and "JOIN" not in count.upper()
    assert "cameras_camera" not in count  # an office user's scope is every camera: no IN (…)


def test_checks_come_by_run_then_camera(client, duty_operator):
    first_camera, second_camera = CameraFactory(code="ZZZ-FIRST"), CameraFactory(code="AAA-LATER")
    older = PatrolRun.objects.create(
        started_at=datetime(2026, 11, 1, tzinfo=UTC), trigger="command"
    )
    newer = PatrolRun.objects.create(
        started_at=datetime(2026, 12, 1, tzinfo=UTC), trigger="command"
    )
    for run in (newer, older):
        for camera in (second_camera, first_camera):
            PatrolCheck.objects.create(run=run, camera=camera)
    client.force_login(duty_operator)
    results = client.get("/api/patrol/checks/").json()["results"]
    assert [(r["run"], r["camera"]) for r in results] == [
        (older.pk, first_camera.pk),
        (older.pk, second_camera.pk),
        (newer.pk, first_camera.pk),
        (newer.pk, second_camera.pk),
    ]


# 2026-12-01 in Asia/Shanghai is 2026-11-30 16:00 UTC to 2026-12-01 16:00 UTC.
BEFORE, START, LATE, NEXT = (
    datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC),
    datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
    datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC),
    datetime(2026, 12, 1, 16, 0, tzinfo=UTC),
)


def _casts_to_date(queries) -> list[str]:
    """Queries that turn each row's time into a local date (which no index serves): SQLite's
    django_datetime_cast_date, PostgreSQL's AT TIME ZONE."""
    return [q["sql"] for q in queries if re.search(r"cast_date|AT TIME ZONE", q["sql"], re.I)]


@pytest.fixture
def beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_local_day_start_is_local_midnight(beijing):
    assert local_day_start(date(2026, 12, 1)) == START


def test_audit_dates_are_local_days(client, auditor, duty_operator, beijing):
    for n, at in enumerate((BEFORE, START, LATE, NEXT)):
        with mock.patch("django.utils.timezone.now", return_value=at):
            event_append(actor=duty_operator, action="test.dated", data={"n": n})
    client.force_login(auditor)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/audit/?action=test.dated&date_from=2026-12-01&date_to=2026-12-01")
    assert sorted(e.data["n"] for e, _cells in page.context["rows"]) == [1, 2]
    assert not _casts_to_date(queries)
    api = client.get("/api/audit/events/?action=test.dated&date_from=2026-12-01").json()
    assert sorted(r["data"]["n"] for r in api["results"]) == [1, 2, 3]
    api = client.get("/api/audit/events/?action=test.dated&date_to=2026-11-30").json()
    assert [r["data"]["n"] for r in api["results"]] == [0]


def test_patrol_run_dates_are_local_days(client, duty_operator, beijing):
    for at in (BEFORE, START, LATE, NEXT):
        PatrolRun.objects.create(started_at=at, trigger="command", state="signed")
    client.force_login(duty_operator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/patrol/?date_from=2026-12-01&date_to=2026-12-01")
    assert not _casts_to_date(queries)
    assert sorted(run.started_at for run, _cells in page.context["rows"]) == [START, LATE]
    api = client.get("/api/patrol/runs/?date_to=2026-12-01").json()
    assert sorted(r["started_at"] for r in api["results"]) == [
        (at + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
        for at in (BEFORE, START, LATE)
    ]


def test_action_search_by_declared_codes_and_by_part_of_any_other(client, auditor, duty_operator):
    """A text that names declared actions (by code or label) filters by those exact codes,
    which the index serves; a part of a code nobody declared still finds its events."""
    event_append(actor=duty_operator, action="accounts.user_create", clause="M-1.1")
    event_append(actor=duty_operator, action="legacy.import_batch", clause="M-4.2")
    client.force_login(auditor)

    def actions(text):
        body = client.get("/api/audit/events/", {"action": text}).json()
        return sorted({r["action"] for r in body["results"]})

    assert actions("user_create") == ["accounts.user_create"]
    assert actions("import_bat") == ["legacy.import_batch"]


def test_a_deep_page_reads_its_ids_first_then_joins_only_its_own_rows(security_staff):
    """Issue 15: past page 1 the paginator asks for the page's ids alone and then its rows
    with their joins, in the list's order; the objects are the ones plain slicing gives."""
    CameraFactory.create_batch(23)
    cameras = camera_list(user=security_staff).order_by("-code")
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(cameras, 10).page(2)
        shown = [(c.code, c.location.site.code) for c in page.object_list]
    assert shown == [(c.code, c.location.site.code) for c in cameras[10:20]]
    ids_query = next(q["sql"] for q in queries.captured_queries if "OFFSET 10" in q["sql"])
    assert "JOIN" not in ids_query
    assert page.has_next() and page.next_page_number() == 3
    assert [c.code for c in CappedPaginator(cameras, 10).page(3).object_list] == [
        c.code for c in cameras[20:23]
    ]
