"""Real camera peers for the probe tests (M-2.1), as session-scoped pytest fixtures.

Loaded by ``pytest_plugins = ["tests.peers.fixtures"]`` in tests/conftest.py. Every peer
listens on 127.0.0.1 only and is stopped at the end of the session:

* ``rtsp_peer``: GStreamer's RTSP server (tests/peers/rtsp_server.py, run by Debian's
  Python, which has ``gi``), with one mount per camera condition and /protected behind
  Digest and behind Basic auth, and the switchable mounts ``/switch/<name>`` of
  ``SWITCH_NAMES`` (black until ``rtsp_peer.switch(name, "normal")`` repairs them).
* ``onvif_peer``: a virtual ONVIF camera (ipycam, tests/peers/onvif_camera.py) whose
  clock runs ``ONVIF_CLOCK_OFFSET_S`` ahead.
* ``silent_peer``: accepts TCP connections and never answers.
* ``closed_port``: a port that refuses connections.

The passwords contain URI delimiters on purpose, to prove they are encoded and scrubbed.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

PEERS = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with GStreamer's gi bindings
RTSP_USER, RTSP_PASSWORD = "operator", "Rt5p:p@ss/w%rd"
ONVIF_USER, ONVIF_PASSWORD = "admin", "0nvif:P@ss/2"
ONVIF_CLOCK_OFFSET_S = 120.0
READY_TIMEOUT_S = 30.0
# Switchable mounts (tests/peers/rtsp_server.py --switch): a test that breaks and repairs a
# camera takes a name of its own, as the peer lives for the whole session.
SWITCH_NAMES = ("repair-1", "repair-2", "repair-3")


def _userinfo(user: str, password: str) -> str:
    return f"{quote(user, safe='')}:{quote(password, safe='')}@"


def start_peer(command: list[str], *, name: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start a peer process and wait for its ``READY ...`` line; returns its words.

    Its stderr goes to a file, not a pipe: an undrained pipe would stall a chatty peer.
    """
    log = tempfile.TemporaryFile(mode="w+", prefix=f"peer-{name.split()[0]}-")  # noqa: SIM115  (lives as long as the peer)
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=PEERS.parent.parent,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    process.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.startswith("READY"):
                return process, line.split()[1:]
            if not line and process.poll() is not None:
                break
    stop_peer(process)
    log.seek(0)
    raise RuntimeError(f"{name} peer did not start: {log.read()[-2000:]}")


def stop_peer(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if process.stdout:
        process.stdout.close()


@dataclass(frozen=True)
class RtspPeer:
    """The GStreamer peer: ``uri("normal")``, ``protected_uri(user, password)``,
    ``switch("repair-1", "normal")`` (then ``uri("switch/repair-1")`` shows it)."""

    port: int
    digest_port: int
    basic_port: int
    user: str = RTSP_USER
    password: str = RTSP_PASSWORD
    control_dir: Path | None = None

    def uri(self, mount: str) -> str:
        return f"rtsp://127.0.0.1:{self.port}/{mount}"

    def switch(self, name: str, condition: str) -> str:
        """Make /switch/<name> show ``condition`` (normal, black, ...) from its next session
        on; returns the mount's URI. Written whole, then renamed: the peer never reads half."""
        assert self.control_dir is not None and name in SWITCH_NAMES, name
        part = self.control_dir / f".{name}.part"
        part.write_text(condition)
        part.replace(self.control_dir / name)
        return self.uri(f"switch/{name}")

    def protected_uri(
        self, user: str | None = None, password: str | None = None, *, method: str = "digest"
    ) -> str:
        port = self.digest_port if method == "digest" else self.basic_port
        userinfo = _userinfo(user, password or "") if user is not None else ""
        return f"rtsp://{userinfo}127.0.0.1:{port}/protected"


@dataclass(frozen=True)
class OnvifPeer:
    """The ipycam peer: ``uri()`` with the right credentials, or the ones given."""

    port: int
    rtsp_port: int
    user: str = ONVIF_USER
    password: str = ONVIF_PASSWORD
    clock_offset_s: float = ONVIF_CLOCK_OFFSET_S

    def uri(self, user: str | None = None, password: str | None = None) -> str:
        userinfo = _userinfo(user or self.user, self.password if password is None else password)
        return f"onvif://{userinfo}127.0.0.1:{self.port}"


@dataclass(frozen=True)
class SilentPeer:
    """Accepts connections, reads what comes, never answers."""

    port: int

    def uri(self, path: str = "stream") -> str:
        return f"rtsp://127.0.0.1:{self.port}/{path}"


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def rtsp_peer() -> Iterator[RtspPeer]:
    with tempfile.TemporaryDirectory(prefix="peer-rtsp-switch-") as control_dir:
        switches = [arg for name in SWITCH_NAMES for arg in ("--switch", name)]
        process, ports = start_peer(
            [
                SYSTEM_PYTHON,
                str(PEERS / "rtsp_server.py"),
                "--user",
                RTSP_USER,
                "--password",
                RTSP_PASSWORD,
                "--control-dir",
                control_dir,
                *switches,
            ],
            name="GStreamer RTSP",
        )
        try:
            yield RtspPeer(*(int(p) for p in ports), control_dir=Path(control_dir))
        finally:
            stop_peer(process)


@pytest.fixture(scope="session")
def onvif_peer() -> Iterator[OnvifPeer]:
    onvif_port, rtsp_port = free_port(), free_port()
    process, _ = start_peer(
        [
            sys.executable,
            str(PEERS / "onvif_camera.py"),
            "--onvif-port",
            str(onvif_port),
            "--rtsp-port",
            str(rtsp_port),
            "--user",
            ONVIF_USER,
            "--password",
            ONVIF_PASSWORD,
            "--clock-offset",
            str(ONVIF_CLOCK_OFFSET_S),
        ],
        name="ipycam ONVIF",
    )
    try:
        yield OnvifPeer(port=onvif_port, rtsp_port=rtsp_port)
    finally:
        stop_peer(process)


@pytest.fixture(scope="session")
def silent_peer() -> Iterator[SilentPeer]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)  # keep it open; read nothing back, send nothing

    thread = threading.Thread(target=accept_and_hold, name="silent-peer", daemon=True)
    thread.start()
    try:
        yield SilentPeer(port=server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
        for conn in held:
            conn.close()


@pytest.fixture(scope="session")
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connections are refused, and nobody else gets it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()
