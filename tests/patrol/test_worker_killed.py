"""M-2.1: every active camera is checked exactly once per run even when a worker is killed.

A real Celery worker (prefork, a separate process) patrols real RTSP cameras; its pool child is
killed with SIGKILL half-way. acks_late + reject_on_worker_lost put the task back, a new child
takes it, and the checks already recorded are not repeated. Needs a database another process
can open: PostgreSQL (CI); skipped on the in-memory SQLite test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.patrol.models import PatrolCheck, PatrolRun
from apps.patrol.services import patrol_run_start
from campuscctv.celery import app as celery_app
from tests.factories import CameraFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a shared database"),
]
ROOT = Path(__file__).resolve().parents[2]
CAMERAS = 24


def _children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_killed_worker_child_loses_no_camera_and_repeats_none(rtsp_peer, tmp_path):
    for n in range(CAMERAS):
        CameraFactory(code=f"K{n:02d}", rtsp_main_uri=rtsp_peer.uri("normal"))
    celery_app.control.purge()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PATROL_CONCURRENCY": "2",  # slow enough to be killed half-way
        "PATROL_CHUNK_SIZE": "100",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "campuscctv",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait(lambda: _children(worker.pid), 30), "worker did not start"
        run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND)  # via the broker
        done = PatrolCheck.objects.filter(run=run, state=PatrolCheck.State.DONE)
        assert _wait(lambda: done.count() >= 3, 60), "no check recorded"
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)
        killed_at = done.count()
        assert killed_at < CAMERAS, "the run ended before the kill"
        assert _wait(lambda: PatrolRun.objects.get(pk=run.pk).state == "finished", 120), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
    checks = PatrolCheck.objects.filter(run=run)
    assert checks.count() == CAMERAS
    assert set(checks.values_list("state", flat=True)) == {"done"}
    assert set(checks.values_list("attempts", flat=True)) == {1}  # none checked twice
    assert "WorkerLostError" in (tmp_path / "worker.log").read_text()
