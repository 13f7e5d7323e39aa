"""M-2.1, M-1.4, M-2.3, M-4.1a: the overview shows the day at a glance — the cameras in each
state (never-checked ones too) with links to the filtered list, the latest daily patrol (when,
coverage, state), its scene changes without a work order and the open fault records — over the
cameras the user sees, in a fixed number of queries."""

import re

import pytest
from django.utils import timezone

from apps.cameras.probing import CheckOutcome
from apps.patrol.models import PatrolRun
from apps.patrol.services import (
    patrol_check_record,
    patrol_check_review,
    patrol_run_finish,
    patrol_run_start,
)
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def result(verdict: str, layer: str | None = None, *, scene_changed=False) -> CheckOutcome:
    return CheckOutcome(
        verdict=verdict,
        failing_layer=layer,
        reason="" if verdict == "ok" else f"{verdict} at {layer}",
        checked_at=timezone.now(),
        findings=[],
        scene_changed=scene_changed,
    )


def patrol(results: dict, *, camera=None) -> PatrolRun:
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, camera=camera, enqueue=False)
    for check in run.checks.select_related("camera"):
        patrol_check_record(check=check, outcome=results[check.camera])
    patrol_run_finish(run=run)
    run.refresh_from_db()
    return run


def cards(client) -> dict[str, dict]:
    """{card key: {count, url, detail}} as the page shows them."""
    page = client.get("/").content.decode()
    found = {}
    pattern = re.compile(
        r'<a class="card[^"]*" href="(?P<url>[^"]*)" data-card="(?P<key>[^"]+)">.*?'
        r'data-testid="card-count">(?P<count>[^<]*)</div>\s*'
        r'(?:<div class="small text-body-secondary" data-testid="card-detail">'
        r"(?P<detail>[^<]*)</div>)?",
        re.S,
    )
    for m in pattern.finditer(page):
        found[m["key"]] = {
            "count": m["count"].strip(),
            "url": m["url"].replace("&amp;", "&"),
            "detail": (m["detail"] or "").strip(),
        }
    return found


STATE_KEYS = (
    "cameras",
    "cameras_offline",
    "cameras_picture_fault",
    "cameras_degraded",
    "cameras_ok",
    "cameras_unchecked",
)


def test_before_any_patrol_every_camera_is_not_checked(client, duty_operator):
    CameraFactory.create_batch(3)
    client.force_login(duty_operator)
    seen = cards(client)
    assert {k: seen[k]["count"] for k in STATE_KEYS} == {
        "cameras": "3",
        "cameras_offline": "0",
        "cameras_picture_fault": "0",
        "cameras_degraded": "0",
        "cameras_ok": "0",
        "cameras_unchecked": "3",
    }
    assert seen["cameras_unchecked"]["url"] == "/cameras/?health=unchecked"
    assert seen["patrol_latest"]["count"] == "—"
    assert seen["patrol_latest"]["detail"] == "No daily patrol yet."
    assert seen["patrol_latest"]["url"] == "/patrol/"
    assert seen["faults_open"] == {"count": "0", "url": "/patrol/faults/?open=true", "detail": ""}


@pytest.fixture
def day(duty_operator):
    """A patrol of five cameras: normal, moved without a work order, offline, picture fault
    (confirmed), degraded; one more camera registered after it, never checked."""
    cams = {code: CameraFactory(code=code) for code in ("OK1", "MOVED", "OFF", "PIC", "DEG")}
    run = patrol(
        {
            cams["OK1"]: result("ok"),
            cams["MOVED"]: result("ok", scene_changed=True),
            cams["OFF"]: result("fault", "tcp"),
            cams["PIC"]: result("fault", "diagnosis"),
            cams["DEG"]: result("degraded", "diagnosis"),
        }
    )
    patrol_check_review(
        check=run.checks.get(camera=cams["PIC"]),
        by=duty_operator,
        outcome="confirmed_fault",
        note="",
    )
    cams["NEW"] = CameraFactory(code="NEW")
    return run, cams


def test_the_day_at_a_glance(client, duty_operator, day):
    run, cams = day
    client.force_login(duty_operator)
    seen = cards(client)
    counts = {k: seen[k]["count"] for k in STATE_KEYS}
    assert counts == {
        "cameras": "6",
        "cameras_offline": "1",
        "cameras_picture_fault": "1",
        "cameras_degraded": "1",
        "cameras_ok": "2",
        "cameras_unchecked": "1",
    }
    latest = seen["patrol_latest"]
    assert latest["url"] == f"/patrol/{run.pk}/" and latest["count"] == "5/5"
    started = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")
    assert latest["detail"] == f"{started} · coverage 5 of 5 · Finished, awaiting review"
    # OFF, MOVED and DEG still await review; PIC was confirmed
    assert seen["patrol_unreviewed"]["count"] == "3"
    assert seen["patrol_scene_changes"] == {
        "count": "1",
        "url": f"/patrol/{run.pk}/",
        "detail": "",
    }
    assert seen["faults_open"]["count"] == "1"
    # each state's link lists exactly the cameras counted
    for health, codes in (
        ("offline", {"OFF"}),
        ("picture_fault", {"PIC"}),
        ("unchecked", {"NEW"}),
        ("ok", {"OK1", "MOVED"}),
    ):
        page = client.get(seen[f"cameras_{health}"]["url"]).content.decode()
        assert set(re.findall(r'data-camera="([^"]+)"', page)) == codes, health
    faults = client.get(seen["faults_open"]["url"]).content.decode()
    assert "PIC" in faults and "OFF" not in faults


def test_a_recheck_is_not_the_latest_daily_patrol(client, duty_operator, day):
    run, cams = day
    patrol({cams["OFF"]: result("ok")}, camera=cams["OFF"])
    client.force_login(duty_operator)
    seen = cards(client)
    assert seen["patrol_latest"]["url"] == f"/patrol/{run.pk}/"
    assert seen["cameras_offline"]["count"] == "0"  # the re-check brought it back


def test_a_false_alarm_leaves_the_fault_counts(client, duty_operator, day):
    run, cams = day
    patrol_check_review(
        check=run.checks.get(camera=cams["OFF"]),
        by=duty_operator,
        outcome="false_alarm",
        note="cable was being replaced, seen live",
    )
    client.force_login(duty_operator)
    seen = cards(client)
    assert seen["cameras_offline"]["count"] == "0" and seen["cameras_ok"]["count"] == "3"


def test_a_vendor_engineer_sees_their_own_cameras_only(client, vendor_engineer, day):
    run, cams = day
    own = {"OFF", "PIC"}
    for code in own:
        type(cams[code]).objects.filter(pk=cams[code].pk).update(vendor=vendor_engineer.department)
    client.force_login(vendor_engineer)
    seen = cards(client)
    assert {k: seen[k]["count"] for k in STATE_KEYS} == {
        "cameras": "2",
        "cameras_offline": "1",
        "cameras_picture_fault": "1",
        "cameras_degraded": "0",
        "cameras_ok": "0",
        "cameras_unchecked": "0",
    }
    assert seen["patrol_latest"]["count"] == "2/2"
    assert seen["patrol_scene_changes"]["count"] == "0"  # MOVED is another company's
    assert seen["faults_open"]["count"] == "1"
    faults = client.get("/patrol/faults/").content.decode()
    assert "PIC" in faults
    type(cams["PIC"]).objects.filter(pk=cams["PIC"].pk).update(vendor=None)
    assert cards(client)["faults_open"]["count"] == "0"
    assert "PIC" not in client.get("/patrol/faults/").content.decode()


def test_roles_without_cameras_see_no_camera_cards(client, day):
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=["applicant"]))
    seen = cards(client)
    assert not set(seen) & {*STATE_KEYS, "patrol_latest", "faults_open"}


def test_fixed_number_of_queries(client, duty_operator, django_assert_max_num_queries):
    cams = []

    def patrol_of(n):
        cams.extend(CameraFactory.create_batch(n))
        run = patrol({c: result("fault", "diagnosis") for c in cams})
        for check in run.checks.all()[: n // 2]:
            patrol_check_review(check=check, by=duty_operator, outcome="confirmed_fault", note="")

    client.force_login(duty_operator)
    patrol_of(2)
    client.get("/")  # warm the session and caches
    with django_assert_max_num_queries(15) as few:
        client.get("/")
    patrol_of(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200


def test_fault_register_lists_open_and_cleared(client, duty_operator, day):
    run, cams = day
    patrol({c: result("ok") for c in cams.values()})  # PIC comes back: its record is cleared
    client.force_login(duty_operator)
    assert "PIC" not in client.get("/patrol/faults/?open=true").content.decode()
    every = client.get("/patrol/faults/").content.decode()
    assert "PIC" in every
    csv = b"".join(client.get("/patrol/faults/?format=csv").streaming_content).decode()
    assert "PIC" in csv and csv.count("\n") == 2
    assert cards(client)["faults_open"]["count"] == "0"
