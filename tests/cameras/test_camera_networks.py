"""Onboarding, the patrol and the probe command connect only inside settings.CAMERA_NETWORKS
(issue 13 §4): a vendor cannot use them to scan the campus or this server. Each side is shown
twice: a refusal with its reason, and — on a real listening socket — that no connection came."""

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera
from apps.cameras.networks import HostRefused, host_check, parse_networks
from apps.cameras.onboarding import camera_onboard
from apps.core.exceptions import RuleViolation
from apps.patrol.execution import run_pending_checks
from apps.patrol.models import PatrolCheck, PatrolRun
from apps.patrol.services import patrol_run_start
from tests.factories import CameraFactory, LocationFactory

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = parse_networks(["127.0.0.0/8", "::1/128"])
CAMPUS = parse_networks(["10.20.0.0/16"])


class Listener:
    """A listening TCP socket on loopback; ``connections()`` counts who knocked."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        with contextlib.suppress(BlockingIOError):
            while True:
                conn, _addr = self.sock.accept()
                conn.close()
                count += 1
        return count


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.sock.close()


# --- the rule itself (apps.cameras.networks, no Django) -------------------------------------


@pytest.mark.parametrize(
    ("host", "networks", "allowed"),
    [
        ("127.0.0.1", LOOPBACK, True),
        ("::1", LOOPBACK, True),
        ("[::1]", LOOPBACK, True),
        ("localhost", LOOPBACK, True),  # resolved for real: 127.0.0.1 (and ::1)
        ("10.20.3.4", CAMPUS, True),
        ("::ffff:10.20.3.4", CAMPUS, True),  # IPv4-mapped: the IPv4 address counts
        ("10.21.0.1", CAMPUS, False),
        ("127.0.0.1", CAMPUS, False),
        ("localhost", CAMPUS, False),
        ("192.168.1.1", LOOPBACK, False),
    ],
)
def test_an_address_is_allowed_only_inside_a_network(host, networks, allowed):
    if allowed:
        assert host_check(host, networks)
    else:
        with pytest.raises(HostRefused) as refused:
            host_check(host, networks)
        assert refused.value.kind == "outside" and "outside the camera networks" in str(
            refused.value
        )


def test_a_name_with_one_address_outside_is_refused():
    # A name may resolve to several addresses; the connection could go to any of them.
    with pytest.raises(HostRefused) as refused:
        host_check("cam.example", CAMPUS, resolve=lambda name: ["10.20.0.5", "10.99.0.1"])
    assert refused.value.address == "10.99.0.1"
    assert host_check("cam.example", CAMPUS, resolve=lambda name: ["10.20.0.5"]) == ("10.20.0.5",)


def test_a_name_that_does_not_resolve_and_no_networks_are_refused():
    def fails(name):
        raise socket.gaierror("Name or service not known")

    with pytest.raises(HostRefused) as refused:
        host_check("nowhere.invalid", CAMPUS, resolve=fails)
    assert refused.value.kind == "unresolvable"
    with pytest.raises(HostRefused) as refused:
        host_check("10.20.0.5", ())
    assert refused.value.kind == "none_configured" and "CAMERA_NETWORKS" in str(refused.value)


def test_a_bad_network_is_named():
    with pytest.raises(ValueError, match="'10.0.0.0/33'"):
        parse_networks(["10.0.0.0/8", "10.0.0.0/33"])


# --- onboarding (a service: RuleViolation, nothing written, no connection) ------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("networks", "host", "message"),
    [
        (["10.20.0.0/16"], "127.0.0.1", "outside the camera networks"),
        (["10.20.0.0/16"], "localhost", "outside the camera networks"),
        ([], "127.0.0.1", "No camera networks are configured"),
    ],
)
def test_onboarding_outside_the_networks_is_refused_without_connecting(
    settings, vendor_engineer, listener, networks, host, message
):
    settings.CAMERA_NETWORKS = networks
    port = listener.port
    before = (Camera.objects.count(), AuditEvent.objects.count())
    for target in (
        {"rtsp_uri": f"rtsp://{host}:{port}/x"},
        {"onvif_host": host, "onvif_port": port},
    ):
        with pytest.raises(RuleViolation) as refused:
            camera_onboard(
                by=vendor_engineer,
                code="NET-1",
                name="Scan",
                location=LocationFactory(),
                work_order="WO-1",
                **target,
            )
        assert message in refused.value.message
    assert listener.connections() == 0
    assert (Camera.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_onboarding_inside_the_networks_does_connect(settings, vendor_engineer, listener):
    settings.CAMERA_NETWORKS = ["127.0.0.0/8"]
    port = listener.port
    with pytest.raises(RuleViolation):  # our listener is no camera: the probe says so
        camera_onboard(
            by=vendor_engineer,
            code="NET-2",
            name="Cam",
            location=LocationFactory(),
            work_order="WO-2",
            rtsp_uri=f"rtsp://127.0.0.1:{port}/x",
        )
    assert listener.connections() >= 1


# --- the patrol (and so a re-check): not checked, with the reason; no connection ------------


@pytest.mark.django_db
def test_the_patrol_does_not_connect_outside_the_networks(settings, listener):
    port = listener.port
    outside = CameraFactory(code="NET-OUT", rtsp_main_uri=f"rtsp://127.0.0.1:{port}/x")
    settings.CAMERA_NETWORKS = ["10.20.0.0/16"]
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    run_pending_checks(run.pk)
    check = PatrolCheck.objects.get(run=run, camera=outside)
    assert check.state == PatrolCheck.State.NOT_CHECKED
    assert "outside the camera networks (CAMERA_NETWORKS)" in check.reason
    assert listener.connections() == 0


@pytest.mark.django_db
def test_the_patrol_connects_inside_the_networks(settings, listener):
    port = listener.port
    camera = CameraFactory(code="NET-IN", rtsp_main_uri=f"rtsp://127.0.0.1:{port}/x")
    settings.CAMERA_NETWORKS = ["127.0.0.0/8"]
    settings.PATROL_RETRIES = 0
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, camera=camera, enqueue=False)
    run_pending_checks(run.pk)
    assert listener.connections() >= 1


# --- the probe command: an unknown result with the reason, exit 2, no connection ------------


def _probe(uri: str, networks: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "probe", uri, "--timeout", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "CAMERA_NETWORKS": networks},
    )


def test_the_probe_command_refuses_a_host_outside_the_networks(listener):
    port = listener.port
    run = _probe(f"rtsp://admin:pw-4411@127.0.0.1:{port}/x", "10.20.0.0/16")
    assert run.returncode == 2, run.stderr
    assert "UNKNOWN at tcp: 127.0.0.1 refused: 127.0.0.1 is outside the camera networks" in (
        run.stdout
    )
    assert "pw-4411" not in run.stdout + run.stderr
    assert listener.connections() == 0


def test_the_probe_command_connects_inside_the_networks(listener):
    port = listener.port
    run = _probe(f"rtsp://127.0.0.1:{port}/x", "127.0.0.0/8")
    assert run.returncode in (1, 2) and "outside the camera networks" not in run.stdout
    assert listener.connections() >= 1


# --- the setting ------------------------------------------------------------------------------


def _settings_value(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "CAMPUSCCTV_DATA_DIR") if k in os.environ}
    clean["CAMPUSCCTV_ENV_FILE"] = "/nonexistent"
    production = {
        "SECRET_KEY": "prod-" + "Zq8xV2mK9pL4nR7" * 4,
        "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHQta2V5LTAwMDA=",
        "AUDIT_WITNESS_KEY": "prod-witness-" + "Hq3wT6" * 5,
        "ALLOWED_HOSTS": "cctv.example.edu.cn",
    }
    return subprocess.run(
        [sys.executable, "-c", "from campuscctv import settings; print(settings.CAMERA_NETWORKS)"],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_default_is_no_network_and_debug_default_is_loopback():
    assert _settings_value({"DEBUG": "false"}).stdout.strip() == "[]"
    assert _settings_value({"DEBUG": "true"}).stdout.strip() == "['127.0.0.0/8', '::1/128']"
    given = _settings_value({"CAMERA_NETWORKS": "10.20.0.0/16,2001:db8::/32"})
    assert given.stdout.strip() == "['10.20.0.0/16', '2001:db8::/32']"


def test_a_bad_camera_network_stops_start_up_in_one_line():
    result = _settings_value({"CAMERA_NETWORKS": "10.20.0.0/16,campus"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "campuscctv: setting CAMERA_NETWORKS: not a network in CIDR notation: 'campus'"
    ]
