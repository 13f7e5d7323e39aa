"""Issue 15 §1–2 at scale (M-1.4, M-2.1, M-1.3): the run page shows its flagged results 25 at a
time with filters and the review still works from any page; while a run goes the polled
fragment carries the progress numbers only; a page of runs gets its progress in one query."""

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.patrol.models import PatrolCheck, PatrolRun
from apps.patrol.selectors import run_progress
from tests.factories import CameraFactory, LocationFactory

pytestmark = pytest.mark.django_db


def _run(cameras, verdicts, *, state=PatrolRun.State.FINISHED) -> PatrolRun:
    """A run whose checks have ``verdicts`` (one per camera, None: still pending)."""
    now = timezone.now()
    run = PatrolRun.objects.create(
        trigger=PatrolRun.Trigger.COMMAND,
        state=state,
        started_at=now,
        finished_at=None if state == PatrolRun.State.RUNNING else now,
        active_cameras=len(cameras),
    )
    PatrolCheck.objects.bulk_create(
        PatrolCheck(
            run=run,
            camera=camera,
            state=PatrolCheck.State.DONE if verdict else PatrolCheck.State.PENDING,
            verdict=verdict or "",
            checked_at=now if verdict else None,
            reason="Picture is black." if verdict and verdict != "ok" else "",
        )
        for camera, verdict in zip(cameras, verdicts, strict=True)
    )
    return run


@pytest.fixture
def cameras(vendor_engineer):
    location = LocationFactory()
    return CameraFactory.create_batch(70, location=location, vendor=vendor_engineer.department)


def _codes(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('tr data-camera="')[1:]]


@pytest.fixture
def big_run(cameras):
    # 40 faults, 20 degraded, 10 normal: 60 flagged results.
    return _run(cameras, ["fault"] * 40 + ["degraded"] * 20 + ["ok"] * 10)


def test_flagged_results_come_25_a_page_in_camera_order(client, duty_operator, big_run):
    client.force_login(duty_operator)
    url = f"/patrol/{big_run.pk}/"
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
    codes = [_codes(page) for page in pages]
    assert [len(c) for c in codes] == [25, 25, 10]
    flagged = sorted(big_run.checks.filter(flagged=True).values_list("camera__code", flat=True))
    assert codes[0] + codes[1] + codes[2] == flagged
    assert "Page 1 of 3 · 60 records" in pages[0]
    assert pages[0].count('data-testid="review-form"') == 25
    assert 'data-testid="fault-count">40<' in pages[0]  # the counts cover the whole run


def test_filters_by_verdict_and_review_state(client, duty_operator, big_run):
    first = big_run.checks.filter(verdict="degraded").order_by("camera__code").first()
    client.force_login(duty_operator)
    client.post(
        f"/patrol/checks/{first.pk}/review/", {"outcome": "false_alarm", "note": "lens cleaned"}
    )
    url = f"/patrol/{big_run.pk}/"
    degraded = _codes(client.get(url, {"verdict": "degraded"}).content.decode())
    assert len(degraded) == 20 and first.camera.code in degraded
    awaiting = client.get(url, {"verdict": "degraded", "review": "awaiting"}).content.decode()
    assert len(_codes(awaiting)) == 19 and first.camera.code not in _codes(awaiting)
    judged = _codes(client.get(url, {"review": "false_alarm"}).content.decode())
    assert judged == [first.camera.code]
    none = client.get(url, {"verdict": "unknown"}).content.decode()
    assert 'data-testid="no-flagged"' in none and "No flagged result matches" in none


@pytest.mark.parametrize("query", [{"verdict": "broken"}, {"review": "maybe"}])
def test_unknown_filter_is_a_400(client, duty_operator, big_run, query):
    client.force_login(duty_operator)
    assert client.get(f"/patrol/{big_run.pk}/", query).status_code == 400
    assert client.get(f"/patrol/{big_run.pk}/progress/", query).status_code == 400


def test_review_from_a_later_page_returns_to_it(client, duty_operator, big_run):
    client.force_login(duty_operator)
    url = f"/patrol/{big_run.pk}/"
    page = client.get(url, {"verdict": "fault", "page": 2}).content.decode()
    code = _codes(page)[0]
    check = big_run.checks.get(camera__code=code)
    assert f'action="/patrol/checks/{check.pk}/review/?verdict=fault&amp;page=2"' in page
    events = AuditEvent.objects.count()
    response = client.post(
        f"/patrol/checks/{check.pk}/review/?verdict=fault&page=2",
        {"outcome": "confirmed_fault", "note": "dark"},
    )
    assert response.status_code == 302 and response.url == f"{url}?verdict=fault&page=2"
    check.refresh_from_db()
    assert check.review == "confirmed_fault" and check.reviewed_by == duty_operator
    assert AuditEvent.objects.filter(action="patrol.check_review").count() == 1
    assert AuditEvent.objects.count() > events
    after = client.get(response.url).content.decode()
    row = after.split(f'tr data-camera="{code}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="review-done"' in row


def test_running_fragment_sends_progress_numbers_only(client, duty_operator, cameras):
    run = _run(cameras, ["fault"] * 50 + [None] * 20, state=PatrolRun.State.RUNNING)
    client.force_login(duty_operator)
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert len(_codes(page)) == 25 and 'hx-trigger="every 2s"' in page
    fragment = client.get(f"/patrol/{run.pk}/progress/")
    body = fragment.content.decode()
    assert len(fragment.content) < 3000, len(fragment.content)
    assert "50 of 70 cameras checked" in body and 'data-testid="fault-count">50<' in body
    assert _codes(body) == [] and "review-form" not in body
    assert 'hx-trigger="every 2s"' in body  # it keeps polling
    assert "HX-Retarget" not in fragment.headers

    PatrolCheck.objects.filter(run=run, state=PatrolCheck.State.PENDING).update(
        state=PatrolCheck.State.DONE, verdict="ok", checked_at=timezone.now()
    )
    PatrolRun.objects.filter(pk=run.pk).update(state=PatrolRun.State.FINISHED)
    finished = client.get(f"/patrol/{run.pk}/progress/")
    body = finished.content.decode()
    # The run has finished: the live part with the first page of the list replaces the page's.
    assert finished.headers["HX-Retarget"] == "#run-live"
    assert len(_codes(body)) == 25 and "Coverage: 70 of 70 active cameras checked." in body
    assert 'hx-trigger="every 2s"' not in body


def test_run_page_queries_do_not_grow_with_flagged_results(
    client, duty_operator, cameras, django_assert_max_num_queries
):
    small = _run(cameras[:5], ["fault"] * 5)
    big = _run(cameras, ["fault"] * 70)
    client.force_login(duty_operator)
    client.get(f"/patrol/{small.pk}/")  # session and translations warm
    # 14: the bell's unread count; the flagged page's ids, their cameras' codes, its rows.
    with django_assert_max_num_queries(14) as small_queries:
        assert client.get(f"/patrol/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        assert len(_codes(client.get(f"/patrol/{big.pk}/").content.decode())) == 25


@pytest.mark.parametrize("runs", [3, 30])
def test_api_run_list_counts_a_page_in_fixed_queries(
    client,
    vendor_engineer,
    other_vendor_engineer,
    duty_operator,
    django_assert_max_num_queries,
    runs,
):
    location = LocationFactory()
    mine = CameraFactory.create_batch(2, location=location, vendor=vendor_engineer.department)
    theirs = CameraFactory.create_batch(
        3, location=location, vendor=other_vendor_engineer.department
    )
    created = [_run(mine + theirs, ["fault", None, "degraded", "fault", "ok"]) for _ in range(runs)]
    client.force_login(vendor_engineer)
    client.get("/api/patrol/runs/")
    with django_assert_max_num_queries(10):
        data = client.get("/api/patrol/runs/").json()
    assert len(data["results"]) == runs
    for row in data["results"]:
        # The vendor's counts cover their two cameras only (M-1.3).
        assert row["progress"]["total"] == 2 and row["active_cameras"] == 2
        assert row["progress"]["faults"] == 1 and row["progress"]["pending"] == 1
    expected = run_progress(run=created[0], user=vendor_engineer)
    row = next(r for r in data["results"] if r["id"] == created[0].pk)
    assert row["progress"] == expected
    client.force_login(duty_operator)
    client.get("/api/patrol/runs/")
    with django_assert_max_num_queries(10):
        data = client.get("/api/patrol/runs/").json()
    assert [r["progress"]["total"] for r in data["results"]] == [5] * runs
    assert {(r["active_cameras"], r["progress"]["faults"]) for r in data["results"]} == {(5, 2)}


def test_run_page_pages_in_chinese(client, duty_operator, big_run):
    client.force_login(duty_operator)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    page = client.get(f"/patrol/{big_run.pk}/", {"page": 2}, **zh).content.decode()
    assert '<html lang="zh-hans">' in page and "异常结果" in page
    assert "第 2 / 3 页 · 共 60 条记录" in page and "上一页" in page and "下一页" in page
    assert 'aria-label="诊断结论"' in page  # the verdict filter's label


def test_run_page_queries_do_not_grow_with_cameras_not_checked(
    client, duty_operator, cameras, django_assert_max_num_queries
):
    # The not-checked list reads what it shows (camera, reason) in the page's queries: no
    # query per camera for a field it left out (issue 15).
    def not_checked(run, n):
        PatrolCheck.objects.filter(run=run, camera__in=cameras[:n]).update(
            state=PatrolCheck.State.NOT_CHECKED,
            verdict="",
            reason="No answer on port 554.",
            reason_code="tcp_timeout",
            reason_params={"address": "10.0.0.1:554", "seconds": 3.0},
        )
        return run

    few = not_checked(_run(cameras, ["ok"] * 70), 2)
    many = not_checked(_run(cameras, ["ok"] * 70), 40)
    client.force_login(duty_operator)
    client.get(f"/patrol/{few.pk}/")
    with django_assert_max_num_queries(14) as few_queries:
        assert client.get(f"/patrol/{few.pk}/").status_code == 200
    with django_assert_max_num_queries(len(few_queries)):
        page = client.get(f"/patrol/{many.pk}/").content.decode()
    assert "The first 25 of 40 cameras not checked, by code." in page
