"""M-2.1, M-1.1a: ``manage.py probe URI`` against real peers, as an operator runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def manage_probe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "probe", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **(env or {})},
    )


def test_json_report_of_a_protected_camera_has_no_password(rtsp_peer):
    run = manage_probe(rtsp_peer.protected_uri(rtsp_peer.user, rtsp_peer.password), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["verdict"] == "ok"
    assert data["target"].startswith("rtsp://127.0.0.1:")
    assert data["snapshot_bytes"] > 0
    for secret in (rtsp_peer.password, quote(rtsp_peer.password, safe="")):
        assert secret not in run.stdout
        assert secret not in run.stderr


def test_a_fault_exits_1_with_a_readable_reason(rtsp_peer):
    wrong = "Wr0ng:pa@ss/x"
    run = manage_probe(rtsp_peer.protected_uri(rtsp_peer.user, wrong))
    assert run.returncode == 1
    assert "FAULT at rtsp: authentication failed (401): wrong user name or password" in run.stdout
    assert wrong not in run.stdout + run.stderr
    assert quote(wrong, safe="") not in run.stdout + run.stderr


def test_password_can_come_from_the_environment_instead_of_the_uri(rtsp_peer):
    uri = rtsp_peer.protected_uri().replace("rtsp://", f"rtsp://{rtsp_peer.user}@")
    run = manage_probe(uri, "--json", env={"CAMPUSCCTV_PROBE_PASSWORD": rtsp_peer.password})
    assert run.returncode == 0, run.stdout
    assert json.loads(run.stdout)["verdict"] == "ok"


def test_a_degraded_camera_exits_0_and_shows_device_and_clock(onvif_peer):
    run = manage_probe(onvif_peer.uri())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "DEGRADED at diagnosis: Camera clock is" in run.stdout
    assert "device    PythonCam VirtualCam-1, firmware 1.3.0, serial PEER-0001" in run.stdout
    assert onvif_peer.password not in run.stdout + run.stderr


def test_a_uri_that_is_not_a_camera_exits_2():
    run = manage_probe("http://user:secret-pw@example.invalid/")
    assert run.returncode == 2
    assert "not an rtsp:// or onvif:// URI" in run.stderr
    assert "secret-pw" not in run.stderr
