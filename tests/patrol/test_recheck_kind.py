"""M-2.1, M-2.2: "Check now" on one camera is a re-check, not a daily patrol record. It needs no
countersignature and is not listed as the day's patrol; its flagged results are still reviewed.
The daily run stays the record of M-2.1."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.patrol.models import PatrolRun
from apps.patrol.selectors import check_actions, run_actions
from apps.patrol.services import (
    patrol_check_record,
    patrol_check_review,
    patrol_run_finish,
    patrol_run_sign,
)
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def cameras(db):
    return CameraFactory(code="D-1"), CameraFactory(code="D-2")


def _check_now(client, camera) -> PatrolRun:
    response = client.post("/patrol/start/", {"camera": camera.pk})
    assert response.status_code == 302
    run = PatrolRun.objects.latest("pk")
    patrol_check_record(check=run.checks.get(), outcome=outcome("fault", "Picture is black."))
    patrol_run_finish(run=run)
    run.refresh_from_db()
    return run


def test_check_now_is_a_recheck_and_start_patrol_a_daily_run(client, cameras, duty_operator):
    client.force_login(duty_operator)
    recheck = _check_now(client, cameras[0])
    assert recheck.kind == PatrolRun.Kind.RECHECK and recheck.active_cameras == 1
    client.post("/patrol/start/", {"site": ""})
    daily = PatrolRun.objects.latest("pk")
    assert daily.kind == PatrolRun.Kind.DAILY and daily.active_cameras == 2
    starts = AuditEvent.objects.filter(action="patrol.run_start").order_by("sequence")
    assert [e.data["kind"] for e in starts] == ["recheck", "daily"]


def test_a_recheck_needs_no_countersignature(client, cameras, duty_operator, security_staff):
    client.force_login(duty_operator)
    run = _check_now(client, cameras[0])
    check = run.checks.get()
    assert check_actions(user=duty_operator, check=check) == {"review"}  # still reviewed
    patrol_check_review(check=check, by=duty_operator, outcome="confirmed_fault", note="")
    assert run_actions(user=security_staff, run=run) == set()
    with pytest.raises(RuleViolation, match="needs no countersignature"):
        patrol_run_sign(run=run, by=security_staff)
    run.refresh_from_db()
    assert run.state == PatrolRun.State.FINISHED and run.signed_by is None
    client.logout()
    verified_login(client, security_staff)
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert "Re-check record" in page and "Daily patrol record" not in page
    assert 'data-testid="sign-form"' not in page
    assert "needs no countersignature" in page


def test_the_run_list_shows_daily_runs_and_filters_rechecks(client, cameras, duty_operator):
    daily = finished_run({cam: outcome("ok") for cam in cameras})
    client.force_login(duty_operator)
    recheck = _check_now(client, cameras[1])

    def listed(query: str = "") -> set[int]:
        response = client.get(f"/patrol/{query}", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        return {run.pk for run in (daily, recheck) if f'href="/patrol/{run.pk}/"' in html}

    assert listed() == {daily.pk}
    assert listed("?state=finished") == {daily.pk}  # other filters keep the default
    assert listed("?kind=recheck") == {recheck.pk}
    assert listed("?kind=all") == {daily.pk, recheck.pk}
    assert client.get("/patrol/?kind=nonsense", HTTP_HX_REQUEST="true").status_code == 200
    assert listed("?kind=nonsense") == set()  # an invalid filter shows nothing, not everything
    response = client.get("/patrol/?format=csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{daily.pk},")  # header, the daily run


def test_the_api_lists_daily_runs_unless_asked(client, cameras, duty_operator):
    daily = finished_run({cam: outcome("ok") for cam in cameras})
    client.force_login(duty_operator)
    recheck = _check_now(client, cameras[0])

    def ids(query: str) -> list[int]:
        return [r["id"] for r in client.get(f"/api/patrol/runs/{query}").json()["results"]]

    assert ids("") == [daily.pk]
    assert ids("?kind=recheck") == [recheck.pk]
    assert sorted(ids("?kind=all")) == sorted([daily.pk, recheck.pk])
    detail = client.get(f"/api/patrol/runs/{recheck.pk}/").json()
    assert detail["kind"] == "recheck" and detail["scheduled_for"] is None
    assert client.get("/api/patrol/runs/?kind=nonsense").status_code == 400


def test_a_recheck_is_countersigned_by_nobody_over_the_api(client, cameras, security_staff):
    verified_login(client, security_staff)
    run = _check_now(client, cameras[0])
    patrol_check_review(check=run.checks.get(), by=security_staff, outcome="false_alarm", note="x")
    response = client.post(f"/api/patrol/runs/{run.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == 400 and "needs no countersignature" in str(response.json())
