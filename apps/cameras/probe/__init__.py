"""Layered probe of one camera for the daily patrol signal check (M-2.1).

TCP reachability -> ONVIF (device information, clock drift, stream URI) -> RTSP (DESCRIBE,
SETUP, PLAY) -> frames (from the first key frame, over a window of ~1 s) -> image
diagnosis. Every layer is timed and bounded by ``ProbeTimeouts``, and the first one that
fails names the reason, so a duty operator reads "authentication failed (401)" or "no RTSP
answer ...: timed out after 3.0 s", not "no picture". Plain package: no Django import; a
service stores the results.

This module runs the layers in order and holds the public API; each layer is a module:
- ``targets``: ``ProbeTarget``, ``parse_target``, ``scrub_credentials`` (M-1.1a);
- ``results``: ``ProbeTimeouts``, ``ProbeResult``, verdicts, how a layer fails;
- ``reasons``: every reason code with its English template (``REASONS``);
- ``tcp``: layer 1; ``onvif``: layer 2;
- ``rtsp``: layer 3, our own RTSP client (why: see there);
- ``rtp``: layer 4, RTP depacketizing into access units;
- ``capture``: OpenCV decoding (and the ``cv2.VideoCapture`` fallback), JPEGs, diagnosis.

Credentials (M-1.1a): every reason, log line and ``ProbeResult.to_dict()`` passes
``scrub_credentials`` first, because FFmpeg and the ONVIF library echo whole URIs,
passwords included.

Many cameras per process: ``probe_many``, the one fan-out engine (the patrol uses it), keeps a
bounded number of probes in flight on one event loop, the decoding in a small thread pool
(OpenCV releases the GIL), and retries what its ``RetryPolicy`` calls transient. Measured on
2 cores: see docs/performance.md.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from apps.cameras.networks import HostRefused, host_check

from . import diagnosis
from .capture import THUMBNAIL_WIDTH, _capture_picture, _units_picture
from .diagnosis import Diagnosis, DiagnosisThresholds
from .onvif import _onvif_layer
from .reasons import REASONS, reason_format
from .results import (
    DEFAULT_TIMEOUTS,
    DEGRADED,
    FAULT,
    LAYERS,
    OK,
    UNKNOWN,
    ProbeResult,
    ProbeTimeouts,
    _LayerFailed,
    _ms_since,
)
from .rtp import _receive
from .rtsp import _rtsp_open, _RtspSession
from .targets import (
    DEFAULT_PORTS,
    ProbeTarget,
    _split_credentials,
    _with_credentials,
    parse_target,
    scrub_credentials,
)
from .tcp import _tcp_check

__all__ = [
    "DECODE_THREADS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PORTS",
    "DEFAULT_TIMEOUTS",
    "DEGRADED",
    "FAULT",
    "LAYERS",
    "NO_RETRY",
    "OK",
    "REASONS",
    "THUMBNAIL_WIDTH",
    "UNKNOWN",
    "ProbeJob",
    "ProbeOutcome",
    "ProbeResult",
    "ProbeTarget",
    "ProbeTimeouts",
    "RetryPolicy",
    "connection_failure",
    "parse_target",
    "probe_camera",
    "probe_camera_async",
    "probe_many",
    "reason_format",
    "scrub_credentials",
]

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 64


async def probe_camera_async(
    target: ProbeTarget,
    *,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None = None,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
    executor: Executor | None = None,
) -> ProbeResult:
    """Probe one camera through every layer (M-2.1); never raises for a camera's fault.

    ``reference`` is the camera's reference snapshot (BGR array or JPEG bytes) for the
    scene-change alarm (M-4.1a). ``executor`` runs the blocking decode and diagnosis;
    pass the pool of ``probe_many`` to share it (None: asyncio's default pool).
    """
    result = ProbeResult(target=target.display_uri)
    began = layer_start = time.perf_counter()
    layer = "tcp"
    loop = asyncio.get_running_loop()
    try:
        await _tcp_check(target.host, target.port, timeouts.connect_s)
        result.latency_ms["tcp"] = _ms_since(layer_start)

        stream_uri, username, password = target.display_uri, target.username, target.password
        if target.scheme == "onvif":
            layer, layer_start = "onvif", time.perf_counter()
            answer = await _onvif_layer(target, timeouts.onvif_s)
            result.latency_ms["onvif"] = _ms_since(layer_start)
            result.device, result.clock_drift_s = answer.device, answer.clock_drift_s
            # Cameras rarely embed credentials in the stream URI; ours take precedence.
            stream_uri, uri_user, uri_password = _split_credentials(answer.stream_uri)
            _stream_host_check(stream_uri, target)
            if not username:
                username, password = uri_user, uri_password
        result.stream_uri = stream_uri

        layer, layer_start = "rtsp", time.perf_counter()
        session = _RtspSession(stream_uri, username, password)
        try:
            sdp, result.stream = await _rtsp_open(session, timeouts.rtsp_s)
            result.latency_ms["rtsp"] = _ms_since(layer_start)
            if sdp is not None:
                layer, layer_start = "frame", time.perf_counter()
                received = await _receive(session, sdp, timeouts)
                result.latency_ms["frame"] = received.first_key_ms or _ms_since(layer_start)
                await session.teardown()
            else:
                # A codec we do not depacketize: OpenCV's RTSP client. Our connection stays
                # open meanwhile: a server that prepared a shared stream for our DESCRIBE
                # tears it down when we hang up and answers 503 in that moment (GStreamer).
                capture, picture = await loop.run_in_executor(
                    executor,
                    _capture_picture,
                    _with_credentials(stream_uri, username, password),
                    timeouts,
                    thresholds,
                    reference,
                )
        finally:
            session.close()

        if sdp is None:
            result.latency_ms["rtsp"] += capture.open_ms
            if capture.layer == "rtsp":
                raise _LayerFailed("rtsp", capture.code, capture.params)
            layer = "frame"
            result.latency_ms["frame"] = capture.frame_ms
            failure = (capture.layer, capture.code, capture.params)
        else:
            picture = await loop.run_in_executor(
                executor, _units_picture, received, timeouts, thresholds, reference
            )
            failure = (received.layer, received.code, received.params)
            if not failure[0] and picture.diagnosis is None:
                failure = ("frame", "undecodable", {})
        result.stream.update(picture.stream)
        result.snapshot_jpeg, result.thumbnail_jpeg = picture.snapshot_jpeg, picture.thumbnail_jpeg
        if failure[0]:
            result.findings = list(diagnosis.diagnose([], thresholds=thresholds).findings)
            raise _LayerFailed(*failure)

        layer = "diagnosis"
        result.latency_ms["diagnosis"] = picture.diagnosis_ms
        _apply_diagnosis(result, picture.diagnosis, thresholds)
    except _LayerFailed as failed:
        result.verdict, result.failing_layer = failed.verdict, failed.layer
        result.reason = failed.reason
        result.reason_code, result.reason_params = failed.code, failed.params
        result.latency_ms.setdefault(failed.layer, _ms_since(layer_start))
    except Exception as exc:  # noqa: BLE001 - a probe bug must not pass for a camera fault
        logger.error(
            "probe of %s failed in layer %s: %s",
            target.display_uri,
            layer,
            scrub_credentials(repr(exc), passwords=target.secrets),
        )
        result.verdict, result.failing_layer = UNKNOWN, layer
        error = scrub_credentials(f"{type(exc).__name__}: {exc}", passwords=target.secrets)
        result.reason_code, result.reason_params = "probe_error", {"error": error}
        result.reason = reason_format("probe_error", result.reason_params)
    result.reason = scrub_credentials(result.reason)
    result.duration_ms = _ms_since(began)
    logger.debug("probe %s: %s (%s)", target.display_uri, result.verdict, result.reason)
    return result


def _stream_host_check(stream_uri: str, target: ProbeTarget) -> None:
    """A device may answer with a stream on any host: connect there only inside the camera
    networks, as for the host the vendor typed (issue 13 §4)."""
    if target.networks is None:
        return
    host = urlsplit(stream_uri).hostname or ""
    try:
        host_check(host, target.networks)
    except HostRefused as refused:
        raise _LayerFailed(
            "onvif", "stream_address_refused", {"detail": str(refused)}, verdict=UNKNOWN
        ) from None


def _apply_diagnosis(
    result: ProbeResult, found: Diagnosis, thresholds: DiagnosisThresholds
) -> None:
    """Verdict and reason from the picture's findings and the camera clock."""
    findings = list(found.findings)
    drift = diagnosis.clock_drift_finding(result.clock_drift_s, thresholds=thresholds)
    if drift:
        findings.append(drift)
    result.findings, result.metrics, result.scene_changed = (
        findings,
        found.metrics,
        found.scene_changed,
    )
    result.verdict = diagnosis.worst(*(f.severity for f in findings))
    if result.verdict != OK:
        result.failing_layer = "diagnosis"
    # Faults first, then degradations, then the scene alarm (M-4.1a).
    order = {FAULT: 0, DEGRADED: 1, diagnosis.ALARM: 2}
    shown = sorted(findings, key=lambda f: order.get(f.severity, 3))
    result.reason = " ".join(f.message for f in shown) or reason_format("picture_ok")
    # A picture's reason is its first finding (a page renders every finding from the check's
    # findings in its reader's language).
    result.reason_code = shown[0].code if shown else "picture_ok"
    result.reason_params = dict(shown[0].params) if shown else {}


def probe_camera(
    target: ProbeTarget,
    *,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None = None,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
) -> ProbeResult:
    """Synchronous ``probe_camera_async`` for one camera.

    Called from a thread that already runs an event loop (an async view, a browser driver),
    it probes on a thread of its own instead of failing.
    """

    def run() -> ProbeResult:
        return asyncio.run(
            probe_camera_async(
                target, thresholds=thresholds, reference=reference, timeouts=timeouts
            )
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe-sync") as pool:
        return pool.submit(run).result()


@dataclass(frozen=True)
class ProbeJob:
    """One camera of a patrol run: its target, its thresholds, its reference snapshot.
    ``key`` names the job in its ``ProbeOutcome`` (the patrol: the check's id)."""

    target: ProbeTarget
    thresholds: DiagnosisThresholds = field(default_factory=DiagnosisThresholds)
    reference: np.ndarray | bytes | None = field(default=None, repr=False, compare=False)
    key: object = None


# Failures another attempt cannot change: the camera answered, and said no.
_REFUSALS = (
    "authentication ",  # 401 or an ONVIF "not authorized": wrong or missing credentials
    "stream not found (404)",
    "the server does not speak RTSP",
    "the stream has no video",
    "camera does not offer RTP",
    "camera has no media profile",
)


def connection_failure(result: ProbeResult) -> bool:
    """The camera could not be reached or its stream did not arrive (a fault at tcp, onvif,
    rtsp or frame): a network blip may pass, so the patrol tries again (M-2.1).

    Not transient: a picture finding (black, frozen ... is what the camera sends), a refusal
    (wrong password, wrong path, no video), and ``unknown`` (a probe error on our side, or an
    address the camera networks refuse).
    """
    if result.verdict != FAULT or result.failing_layer not in LAYERS[:4]:
        return False
    return not result.reason.startswith(_REFUSALS)


@dataclass(frozen=True)
class RetryPolicy:
    """How often ``probe_many`` probes one camera before its result counts.

    ``attempts`` probes at most (1: no retry); before retry n (n >= 1) it waits
    ``backoff_s * 2 ** (n - 1)`` seconds, without holding a concurrency slot; ``transient``
    says which results are worth another attempt.
    """

    attempts: int = 1
    backoff_s: float = 0.0
    transient: Callable[[ProbeResult], bool] = connection_failure

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be >= 1")
        if not (math.isfinite(self.backoff_s) and self.backoff_s >= 0):
            raise ValueError("backoff_s must be a finite number >= 0")

    def delay_s(self, retry: int) -> float:
        return self.backoff_s * 2 ** (retry - 1)


NO_RETRY = RetryPolicy()


@dataclass(frozen=True)
class ProbeOutcome:
    """The last result of one job and how many probes it took.

    ``result`` is None only when the probe itself raised (a bug on our side, logged); then
    ``error`` names the exception and the job is not retried."""

    job: ProbeJob
    result: ProbeResult | None
    attempts: int
    error: str = ""

    @property
    def key(self) -> object:
        return self.job.key


DECODE_THREADS = 4
"""Decoding and diagnosis are short CPU bursts: a few threads serve many sockets."""


async def probe_many(
    jobs: Iterable[ProbeJob],
    *,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy = NO_RETRY,
    decode_threads: int = DECODE_THREADS,
) -> AsyncIterator[ProbeOutcome]:
    """Probe many cameras from one process, ``concurrency`` at a time (M-2.1 daily patrol).

    The one fan-out engine: the patrol (apps.patrol.execution) and the tests use it. Yields
    a ``ProbeOutcome`` per job as each finishes (after its retries), so the caller can store
    results as they come. At most ``concurrency`` probes (sockets, RTSP sessions) are open
    at once; a job waiting for its retry holds no slot. Decoding runs in a pool of
    ``decode_threads``. Stopping the iteration cancels the probes still running.
    """
    if concurrency < 1 or decode_threads < 1:
        raise ValueError("concurrency and decode_threads must be >= 1")
    slots = asyncio.Semaphore(concurrency)
    with ThreadPoolExecutor(max_workers=decode_threads, thread_name_prefix="decode") as pool:

        async def run(job: ProbeJob) -> ProbeOutcome:
            attempt = 0
            while True:
                attempt += 1
                try:
                    async with slots:
                        result = await probe_camera_async(
                            job.target,
                            thresholds=job.thresholds,
                            reference=job.reference,
                            timeouts=timeouts,
                            executor=pool,
                        )
                except Exception as exc:  # noqa: BLE001 - one probe's bug must not stop the rest
                    logger.exception("probe of %s raised", job.target.display_uri)
                    return ProbeOutcome(job, None, attempt, f"check failed: {type(exc).__name__}")
                if attempt >= retry.attempts or not retry.transient(result):
                    return ProbeOutcome(job, result, attempt)
                logger.info(
                    "probe of %s: %s; retry %d", job.target.display_uri, result.reason, attempt
                )
                await asyncio.sleep(retry.delay_s(attempt))

        tasks = [asyncio.ensure_future(run(job)) for job in jobs]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            # Let the cancelled probes close their sockets before the pool shuts down.
            await asyncio.gather(*tasks, return_exceptions=True)
