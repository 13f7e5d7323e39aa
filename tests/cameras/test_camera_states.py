"""M-2.1, M-2.3, M-1.4: a camera is offline (no connection or stream) or a picture fault (it
streams, the picture is unusable), both fault episodes; never checked is "not checked"; a false
alarm clears what it caused: an episode once every failing check in it is judged one (in any
order), a degraded state its latest check caused; never what a standing check caused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera, DownEpisode
from apps.cameras.probing import CheckOutcome
from apps.patrol.models import PatrolCheck, PatrolRun
from apps.patrol.services import (
    patrol_check_record,
    patrol_check_review,
    patrol_run_finish,
    patrol_run_start,
)
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

Health = Camera.Health
CHECK_VERDICT = {"ok": "ok", "degraded": "degraded", "unknown": "unknown"}


def result(verdict: str, layer: str | None = None, *, at=None) -> CheckOutcome:
    """What the probe reports: ``layer`` is where it failed (tcp … diagnosis)."""
    return CheckOutcome(
        verdict=verdict,
        failing_layer=layer,
        reason=f"{verdict} at {layer}" if layer else "",
        checked_at=at or timezone.now(),
        findings=[{"code": "black", "severity": verdict, "message": "", "metrics": {}}]
        if layer == "diagnosis"
        else [],
    )


def patrol(results: dict) -> PatrolRun:
    """One finished run over every active camera, each getting ``results[camera]``."""
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    for check in run.checks.select_related("camera"):
        patrol_check_record(check=check, outcome=results[check.camera])
    patrol_run_finish(run=run)
    return run


def check_of(run: PatrolRun, camera: Camera) -> PatrolCheck:
    return run.checks.select_related("camera", "run").get(camera=camera)


def test_a_new_camera_is_not_checked_and_an_undecided_check_leaves_it_so():
    camera = CameraFactory()
    assert camera.health == Health.UNCHECKED
    patrol({camera: result("unknown", "onvif")})
    camera.refresh_from_db()
    assert camera.health == Health.UNCHECKED and camera.last_checked_at
    assert str(Health.UNCHECKED.label) == "Not checked"


@pytest.mark.parametrize(
    ("layer", "health"),
    [
        ("tcp", Health.OFFLINE),
        ("onvif", Health.OFFLINE),
        ("rtsp", Health.OFFLINE),
        ("frame", Health.OFFLINE),
        (None, Health.OFFLINE),
        ("diagnosis", Health.PICTURE_FAULT),
    ],
)
def test_the_failing_layer_tells_offline_from_picture_fault(layer, health):
    camera = CameraFactory()
    patrol({camera: result("ok")})
    patrol({camera: result("fault", layer)})
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == health and camera.is_down
    assert (episode.kind, episode.health_before, episode.ended_at) == (health, Health.OK, None)
    event = AuditEvent.objects.get(action="cameras.camera_down")
    assert event.clause == "M-2.3" and event.data["health"] == health


def test_one_episode_follows_the_latest_kind_and_ends_on_a_pass():
    camera = CameraFactory()
    day1 = timezone.now() - timedelta(days=3)
    patrol({camera: result("fault", "tcp", at=day1)})
    patrol({camera: result("fault", "diagnosis", at=day1 + timedelta(days=1))})
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Health.PICTURE_FAULT and camera.down_since == day1
    assert episode.kind == Health.OFFLINE and episode.last_fault_at == day1 + timedelta(days=1)
    change = AuditEvent.objects.get(action="cameras.camera_fault_change")
    assert (change.data["from"], change.data["to"]) == ("offline", "picture_fault")
    patrol({camera: result("degraded", "diagnosis", at=day1 + timedelta(days=2))})
    camera.refresh_from_db()
    episode.refresh_from_db()
    assert camera.health == Health.DEGRADED and not camera.is_down
    assert episode.ended_at == day1 + timedelta(days=2) and not episode.false_alarm


@pytest.mark.parametrize(
    ("before", "restored"),
    [("ok", Health.OK), ("degraded", Health.DEGRADED), (None, Health.OK)],
)
def test_false_alarm_of_the_check_that_caused_the_fault_restores_the_state_before(
    duty_operator, before, restored
):
    camera = CameraFactory()
    earlier = timezone.now() - timedelta(days=1)
    if before:
        patrol({camera: result(CHECK_VERDICT[before], "diagnosis", at=earlier)})
    camera.refresh_from_db()
    up_since = camera.up_since
    run = patrol({camera: result("fault", "diagnosis")})
    check = check_of(run, camera)
    patrol_check_review(check=check, by=duty_operator, outcome="false_alarm", note="lens wiped")
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == restored and not camera.is_down
    assert episode.false_alarm
    check.refresh_from_db()
    assert episode.ended_at == check.reviewed_at  # ended at the review time
    assert camera.down_since is None  # no real episode ever
    assert camera.up_since == (up_since or check.checked_at)
    event = AuditEvent.objects.get(action="cameras.false_alarm_clear")
    assert event.clause == "M-1.4" and event.actor == duty_operator
    assert (event.data["from"], event.data["to"]) == ("picture_fault", restored)


def test_false_alarm_of_a_later_check_clears_nothing_an_earlier_confirmed_one_caused(
    duty_operator,
):
    camera = CameraFactory()
    day1 = timezone.now() - timedelta(days=1)
    first = patrol({camera: result("fault", "tcp", at=day1)})
    patrol_check_review(
        check=check_of(first, camera), by=duty_operator, outcome="confirmed_fault", note=""
    )
    second = patrol({camera: result("fault", "tcp")})
    patrol_check_review(
        check=check_of(second, camera), by=duty_operator, outcome="false_alarm", note="looked ok"
    )
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Health.OFFLINE and camera.down_since == day1
    assert episode.ended_at is None and not episode.false_alarm
    assert camera.fault_records.get().cleared_at is None
    assert not AuditEvent.objects.filter(action="cameras.false_alarm_clear").exists()


def test_false_alarm_of_the_first_check_clears_nothing_while_a_later_check_stands(
    duty_operator,
):
    camera = CameraFactory()
    first = patrol({camera: result("fault", "rtsp", at=timezone.now() - timedelta(days=1))})
    patrol({camera: result("fault", "rtsp")})  # not yet reviewed: the later check stands
    patrol_check_review(
        check=check_of(first, camera), by=duty_operator, outcome="false_alarm", note="was fine"
    )
    camera.refresh_from_db()
    assert camera.health == Health.OFFLINE and camera.down_episodes.get().ended_at is None
    assert not AuditEvent.objects.filter(action="cameras.false_alarm_clear").exists()


@pytest.mark.parametrize("order", ["first_then_second", "second_then_first"])
def test_an_episode_clears_once_every_failing_check_in_it_is_a_false_alarm(duty_operator, order):
    camera = CameraFactory()
    patrol({camera: result("ok", at=timezone.now() - timedelta(days=3))})
    runs = [
        patrol({camera: result("fault", "diagnosis", at=timezone.now() - timedelta(days=2))}),
        patrol({camera: result("fault", "tcp", at=timezone.now() - timedelta(days=1))}),
    ]
    if order == "second_then_first":
        runs.reverse()
    patrol_check_review(
        check=check_of(runs[0], camera), by=duty_operator, outcome="false_alarm", note="glare"
    )
    camera.refresh_from_db()
    assert camera.health == Health.OFFLINE  # the other failing check still stands
    last = check_of(runs[1], camera)
    patrol_check_review(check=last, by=duty_operator, outcome="false_alarm", note="switch")
    camera.refresh_from_db()
    last.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Health.OK and not camera.is_down and camera.down_since is None
    assert episode.false_alarm and episode.ended_at == last.reviewed_at
    event = AuditEvent.objects.get(action="cameras.false_alarm_clear")
    assert event.actor == duty_operator and event.clause == "M-1.4"
    assert (event.data["from"], event.data["to"]) == ("offline", "ok")


def test_a_confirmed_fault_among_the_failing_checks_keeps_the_episode_open(duty_operator):
    camera = CameraFactory()
    first = patrol({camera: result("fault", "tcp", at=timezone.now() - timedelta(days=2))})
    second = patrol({camera: result("fault", "tcp", at=timezone.now() - timedelta(days=1))})
    patrol_check_review(
        check=check_of(second, camera), by=duty_operator, outcome="confirmed_fault", note=""
    )
    patrol_check_review(
        check=check_of(first, camera), by=duty_operator, outcome="false_alarm", note="was fine"
    )
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Health.OFFLINE and episode.ended_at is None
    assert not episode.false_alarm
    assert not AuditEvent.objects.filter(action="cameras.false_alarm_clear").exists()


def test_an_episode_a_pass_ended_is_marked_a_false_alarm_without_changing_the_camera(
    duty_operator,
):
    camera = CameraFactory()
    first = patrol({camera: result("fault", "diagnosis", at=timezone.now() - timedelta(days=2))})
    second = patrol({camera: result("fault", "diagnosis", at=timezone.now() - timedelta(days=1))})
    patrol({camera: result("degraded", "diagnosis")})
    camera.refresh_from_db()
    ended_at, up_since = camera.down_episodes.get().ended_at, camera.up_since
    for run in (first, second):
        patrol_check_review(
            check=check_of(run, camera), by=duty_operator, outcome="false_alarm", note="dust"
        )
    camera.refresh_from_db()
    episode = camera.down_episodes.get()
    assert camera.health == Health.DEGRADED and camera.up_since == up_since
    assert episode.false_alarm and episode.ended_at == ended_at  # ended by the pass, kept
    assert camera.down_since is None  # no real episode
    event = AuditEvent.objects.get(action="cameras.false_alarm_clear")
    assert event.actor == duty_operator and event.clause == "M-1.4"
    assert event.data["episode"] == episode.pk and event.data["episode_was_open"] is False
    assert (event.data["from"], event.data["to"]) == ("degraded", "degraded")


@pytest.mark.parametrize(
    ("before", "restored"),
    [(None, Health.OK), ("ok", Health.OK), ("fault", Health.OK), ("degraded", Health.DEGRADED)],
)
def test_a_degraded_false_alarm_returns_the_camera_to_its_state_before_that_check(
    duty_operator, before, restored
):
    camera = CameraFactory()
    if before:
        patrol({camera: result(before, "diagnosis", at=timezone.now() - timedelta(days=1))})
    run = patrol({camera: result("degraded", "diagnosis")})
    patrol_check_review(
        check=check_of(run, camera), by=duty_operator, outcome="false_alarm", note="fog"
    )
    camera.refresh_from_db()
    assert camera.health == restored
    events = AuditEvent.objects.filter(action="cameras.false_alarm_clear")
    if restored == Health.DEGRADED:
        assert not events.exists()  # nothing to undo
    else:
        event = events.get()
        assert event.actor == duty_operator and event.clause == "M-1.4"
        assert (event.data["from"], event.data["to"]) == ("degraded", "ok")


def test_a_degraded_false_alarm_after_a_later_decided_check_changes_nothing(duty_operator):
    camera = CameraFactory()
    patrol({camera: result("ok", at=timezone.now() - timedelta(days=3))})
    first = patrol({camera: result("degraded", "diagnosis", at=timezone.now() - timedelta(days=2))})
    patrol({camera: result("degraded", "diagnosis", at=timezone.now() - timedelta(days=1))})
    patrol({camera: result("unknown", "onvif")})  # decides nothing
    patrol_check_review(
        check=check_of(first, camera), by=duty_operator, outcome="false_alarm", note="fog"
    )
    camera.refresh_from_db()
    assert camera.health == Health.DEGRADED  # the later degraded check stands
    assert not AuditEvent.objects.filter(action="cameras.false_alarm_clear").exists()


def test_a_degraded_false_alarm_still_counts_when_only_undecided_checks_followed(duty_operator):
    camera = CameraFactory()
    run = patrol({camera: result("degraded", "diagnosis", at=timezone.now() - timedelta(days=1))})
    patrol({camera: result("unknown", "onvif")})
    patrol_check_review(
        check=check_of(run, camera), by=duty_operator, outcome="false_alarm", note="fog"
    )
    camera.refresh_from_db()
    assert camera.health == Health.OK


def test_list_filters_by_state(client, duty_operator):
    offline, picture, fresh = CameraFactory(code="OFF1"), CameraFactory(code="PIC1"), None
    patrol({offline: result("fault", "tcp"), picture: result("fault", "diagnosis")})
    fresh = CameraFactory(code="NEW1")
    client.force_login(duty_operator)
    seen = {}
    for state in ("offline", "picture_fault", "unchecked", "ok"):
        page = client.get("/cameras/", {"health": state}).content.decode()
        seen[state] = {
            c.code for c in (offline, picture, fresh) if f'data-camera="{c.code}"' in page
        }
    assert seen == {
        "offline": {"OFF1"},
        "picture_fault": {"PIC1"},
        "unchecked": {"NEW1"},
        "ok": set(),
    }
    down = client.get("/cameras/", {"health": "down"}).content.decode()
    assert 'data-camera="OFF1"' in down and 'data-camera="PIC1"' in down
    assert 'data-camera="NEW1"' not in down


@pytest.mark.django_db(transaction=True)
def test_migration_splits_down_by_the_latest_check():
    executor = MigrationExecutor(connection)
    executor.migrate([("cameras", "0004_camera_states")])
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(list(executor.recorder.applied_migrations())).apps
    try:
        site = old.get_model("cameras", "Site").objects.create(code="MS", name="Campus")
        location = old.get_model("cameras", "Location").objects.create(
            site=site, building="B", area_kind="entrance"
        )
        OldCamera = old.get_model("cameras", "Camera")
        cams = {
            code: OldCamera.objects.create(code=code, name=code, location=location, health=health)
            for code, health in (
                ("PIC", "down"),
                ("OFF", "down"),
                ("BYHAND", "down"),
                ("NEVER", "unknown"),
                ("FINE", "ok"),
            )
        }
        now = timezone.now()
        for code in ("PIC", "OFF"):
            old.get_model("cameras", "DownEpisode").objects.create(
                camera=cams[code], started_at=now - timedelta(days=1)
            )
        run = old.get_model("patrol", "PatrolRun").objects.create(started_at=now, trigger="command")
        OldCheck = old.get_model("patrol", "PatrolCheck")
        for code, layer, at in (
            ("PIC", "tcp", now - timedelta(days=1)),  # offline first, then a picture fault
            ("PIC", "diagnosis", now),
            ("OFF", "rtsp", now),
        ):
            OldCheck.objects.create(
                run=run
                if at == now
                else old.get_model("patrol", "PatrolRun").objects.create(
                    started_at=at, trigger="command"
                ),
                camera=cams[code],
                state="done",
                verdict="fault",
                failing_layer=layer,
                checked_at=at,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    health = dict(Camera.objects.values_list("code", "health"))
    assert health == {
        "PIC": "picture_fault",
        "OFF": "offline",
        "BYHAND": "offline",
        "NEVER": "unchecked",
        "FINE": "ok",
    }
    episodes = {e.camera.code: e for e in DownEpisode.objects.select_related("camera")}
    assert (episodes["PIC"].kind, episodes["PIC"].health_before) == ("picture_fault", "ok")
    assert episodes["PIC"].last_fault_at == now
    assert episodes["OFF"].kind == "offline"
