"""M-2.1 (daily patrol signal check): the one fan-out engine, ``probe.probe_many``, on real
peers: bounded concurrency, retries of a connection failure only, results keyed by job.
The patrol runs through it (tests/patrol/test_patrol_real_cameras.py)."""

import asyncio
import selectors
import socket
import threading
import time

import pytest

from apps.cameras.probe import (
    FAULT,
    ProbeJob,
    ProbeResult,
    ProbeTimeouts,
    RetryPolicy,
    connection_failure,
    parse_target,
    probe_many,
)

QUICK = ProbeTimeouts(connect_s=1.5, onvif_s=3.0, rtsp_s=0.6, read_s=1.5, window_s=1.0)


def run_all(jobs, **kwargs):
    async def collect():
        return [outcome async for outcome in probe_many(jobs, timeouts=QUICK, **kwargs)]

    return asyncio.run(collect())


class CountingSilentPeer:
    """Accepts TCP connections, never answers, and counts the RTSP sessions (connections that
    sent a request; the probe's TCP check sends nothing) open at once."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]
        self.open = self.peak = self.sessions = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        sel = selectors.DefaultSelector()
        sel.register(self.server, selectors.EVENT_READ)
        talking: set[socket.socket] = set()
        while not self._stop.is_set():
            for key, _ in sel.select(timeout=0.05):
                if key.fileobj is self.server:
                    conn, _ = self.server.accept()
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ)
                    continue
                conn = key.fileobj
                try:
                    data = conn.recv(4096)
                except ConnectionError:
                    data = b""
                if data and conn not in talking:
                    talking.add(conn)
                    self.sessions += 1
                    self.open += 1
                    self.peak = max(self.peak, self.open)
                elif not data:  # the prober hung up
                    sel.unregister(conn)
                    conn.close()
                    if conn in talking:
                        talking.discard(conn)
                        self.open -= 1
        sel.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def counting_peer():
    peer = CountingSilentPeer()
    yield peer
    peer.close()


def job(uri: str, key: object) -> ProbeJob:
    return ProbeJob(target=parse_target(uri), key=key)


@pytest.mark.slow
def test_no_more_probes_in_flight_than_the_concurrency(counting_peer):
    jobs = [job(f"rtsp://127.0.0.1:{counting_peer.port}/cam{i}", i) for i in range(6)]
    started = time.monotonic()
    outcomes = run_all(jobs, concurrency=2)
    took = time.monotonic() - started
    assert counting_peer.sessions == 6
    assert counting_peer.peak == 2
    # three waves of two, each waiting out the RTSP bound
    assert 3 * QUICK.rtsp_s <= took < 3 * QUICK.rtsp_s + 1.0
    assert {o.result.failing_layer for o in outcomes} == {"rtsp"}


@pytest.mark.slow
def test_all_in_flight_at_once_when_the_concurrency_allows(counting_peer):
    jobs = [job(f"rtsp://127.0.0.1:{counting_peer.port}/cam{i}", i) for i in range(6)]
    started = time.monotonic()
    run_all(jobs, concurrency=8)
    took = time.monotonic() - started
    assert counting_peer.peak == 6
    assert took < 2 * QUICK.rtsp_s


@pytest.mark.slow
def test_only_a_connection_failure_is_retried_and_results_are_keyed_by_job(rtsp_peer, closed_port):
    retry = RetryPolicy(attempts=3, backoff_s=0.1)
    jobs = [
        job(f"rtsp://127.0.0.1:{closed_port}/x", "closed"),
        job(rtsp_peer.uri("normal"), "normal"),
        job(rtsp_peer.uri("black"), "black"),
        job(rtsp_peer.uri("no-such-channel"), "wrong path"),
        job(rtsp_peer.protected_uri(rtsp_peer.user, "Wr0ng:pa@ss"), "wrong password"),
    ]
    started = time.monotonic()
    outcomes = run_all(jobs, concurrency=8, retry=retry)
    took = time.monotonic() - started
    assert sorted(o.key for o in outcomes) == sorted(j.key for j in jobs)  # each once
    seen = {o.key: (o.result.verdict, o.result.failing_layer, o.attempts) for o in outcomes}
    assert seen == {
        "closed": ("fault", "tcp", 3),  # refused twice more, 0.1 s then 0.2 s later
        "normal": ("ok", None, 1),
        "black": ("fault", "diagnosis", 1),  # what the camera sends: no retry
        "wrong path": ("fault", "rtsp", 1),  # 404: another try cannot change it
        "wrong password": ("fault", "rtsp", 1),  # 401
    }
    assert all(o.job is next(j for j in jobs if j.key == o.key) for o in outcomes)
    assert took >= 0.1 + 0.2


@pytest.mark.slow
def test_without_a_policy_nothing_is_retried(closed_port):
    (outcome,) = run_all([job(f"rtsp://127.0.0.1:{closed_port}/x", "closed")])
    assert (outcome.result.failing_layer, outcome.attempts) == ("tcp", 1)


@pytest.mark.slow
def test_a_stream_that_times_out_is_retried_within_its_attempts(counting_peer):
    retry = RetryPolicy(attempts=2, backoff_s=0.05)
    (outcome,) = run_all([job(f"rtsp://127.0.0.1:{counting_peer.port}/x", 1)], retry=retry)
    assert outcome.attempts == 2 and counting_peer.sessions == 2
    assert outcome.result.reason.endswith(f"timed out after {QUICK.rtsp_s:.1f} s")


def result(verdict: str, layer: str | None, reason: str) -> ProbeResult:
    return ProbeResult(target="rtsp://camera", verdict=verdict, failing_layer=layer, reason=reason)


@pytest.mark.parametrize(
    ("verdict", "layer", "reason", "transient"),
    [
        (FAULT, "tcp", "127.0.0.1:554 connection refused", True),
        (FAULT, "onvif", "timed out after 5.0 s", True),
        (FAULT, "rtsp", "no RTSP answer from 10.0.0.5:554: timed out after 3.0 s", True),
        (FAULT, "rtsp", "camera refused PLAY: 503 Service Unavailable", True),
        (FAULT, "frame", "stream stopped mid-read: no data for 3.0 s after 4 frames", True),
        (FAULT, "rtsp", "authentication failed (401): wrong user name or password", False),
        (FAULT, "rtsp", "authentication required (401): no credentials configured", False),
        (FAULT, "onvif", "authentication failed (Sender not authorized)", False),
        (FAULT, "rtsp", "stream not found (404): wrong path or channel", False),
        (FAULT, "rtsp", "the stream has no video", False),
        (FAULT, "diagnosis", "Picture is black.", False),
        ("degraded", "diagnosis", "Camera clock is 120 s ahead of the server.", False),
        ("unknown", "onvif", "the device's stream address is refused: outside", False),
        ("unknown", "frame", "probe error: KeyError: 'x'", False),
    ],
)
def test_which_results_are_a_connection_failure(verdict, layer, reason, transient):
    assert connection_failure(result(verdict, layer, reason)) is transient


@pytest.mark.parametrize(
    "kwargs", [{"attempts": 0}, {"backoff_s": -1}, {"backoff_s": float("inf")}]
)
def test_a_retry_policy_out_of_range_is_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_backoff_doubles_per_retry():
    policy = RetryPolicy(attempts=4, backoff_s=0.5)
    assert [policy.delay_s(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
