"""Frames to pictures (M-2.1): OpenCV decoding, snapshot and thumbnail JPEGs, diagnosis.

Two paths, both blocking and run in a worker thread (OpenCV releases the GIL):
- main: the H.264/H.265 access units collected by ``rtp`` are decoded from memory;
- fallback, for codecs we do not depacketize (MJPEG, MPEG-4): ``cv2.VideoCapture`` reads
  the RTSP URI itself, bounded by its open and read timeouts.

FFmpeg's own log is silenced before the first open: it prints URIs with passwords
(M-1.1a). The reference snapshot feeds the scene-change alarm (M-4.1a).
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import diagnosis
from .diagnosis import Diagnosis, DiagnosisThresholds
from .results import ProbeTimeouts, _ms_since
from .rtp import _START_CODE, _Received

logger = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 320

# For the fallback through OpenCV's RTSP client; read by its FFmpeg backend at every open,
# process-wide. Measured against the GStreamer peer: first frame 0.7 s with these values,
# 2 s with FFmpeg's defaults; lower analyzeduration makes opens fail. TCP because UDP
# loses packets under load.
_FFMPEG_CAPTURE_OPTIONS = (
    "rtsp_transport;tcp|analyzeduration;500000|probesize;32768|allowed_media_types;video"
)
_opencv_ready = threading.Lock()
_opencv_configured = False


def _decode(received: _Received, samples: int) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """Decode the access units from memory: (last sample at full size, samples shrunk).

    Every unit is decoded (``grab``: H.264 needs its references); only the samples,
    spread over the window, are converted to BGR (``retrieve``). The last one is the
    snapshot: the picture once the stream has settled.
    """
    units = received.units
    if not units:
        return None, []
    start = units[0].arrived
    span = units[-1].arrived - start
    targets = [start + span * k / max(1, samples - 1) for k in range(samples)]
    wanted = sorted(
        {min(range(len(units)), key=lambda i: abs(units[i].arrived - t)) for t in targets}
    )
    data = b"".join(_START_CODE + ps for ps in received.parameter_sets)
    data += b"".join(unit.data for unit in units)
    _configure_opencv()
    # Keep our own reference to the stream: OpenCV reads it until release() and does
    # not hold one itself (an inline BytesIO crashed the process at release).
    source = io.BytesIO(data)
    cap = cv2.VideoCapture(source, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    last, frames = None, []
    try:
        index = 0
        while cap.isOpened() and index <= wanted[-1] and cap.grab():
            if index in wanted:
                ok, frame = cap.retrieve()
                if ok and frame is not None:
                    last = frame
                    frames.append(diagnosis.analysis_frame(frame))
            index += 1
    finally:
        cap.release()
        source.close()
    return last, frames


def _configure_opencv() -> None:
    """Set FFmpeg capture options and silence FFmpeg's log once, before the first open.

    Both are process-wide. FFmpeg's log must stay quiet: it prints URIs with passwords
    (M-1.1a), and this module reports the reasons itself.
    """
    global _opencv_configured
    with _opencv_ready:
        if _opencv_configured:
            return
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = _FFMPEG_CAPTURE_OPTIONS
        os.environ["OPENCV_FFMPEG_LOGLEVEL"] = "-8"  # AV_LOG_QUIET
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        _opencv_configured = True


@dataclass
class _Capture:
    frames: list[np.ndarray]
    snapshot: np.ndarray | None
    open_ms: float
    frame_ms: float
    stream: dict[str, object]
    layer: str | None = None
    code: str = ""  # why the layer failed (reasons.REASONS), with its params
    params: dict[str, object] = field(default_factory=dict)


def _capture(uri: str, timeouts: ProbeTimeouts) -> _Capture:
    """Fallback for codecs we do not depacketize: OpenCV's own RTSP client (serialised).

    Open the stream, decode the first frame, then keep a few frames over the window.

    Only the kept frames are converted to BGR (``retrieve``) and shrunk to analysis size
    at once; the others are only decoded (``grab``), which H.264 needs anyway.
    """
    _configure_opencv()
    read_ms = int(timeouts.read_s * 1000)
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        int(timeouts.rtsp_s * 1000),
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        read_ms,
        cv2.CAP_PROP_N_THREADS,
        1,  # many small decodes in parallel beat one wide one
    ]
    start = time.perf_counter()
    cap = cv2.VideoCapture(uri, cv2.CAP_FFMPEG, params)
    open_ms = _ms_since(start)
    result = _Capture(frames=[], snapshot=None, open_ms=open_ms, frame_ms=0.0, stream={})
    try:
        if not cap.isOpened():
            result.layer = "rtsp"
            if open_ms >= timeouts.rtsp_s * 1000 * 0.9:
                result.code, result.params = "stream_start_timeout", {"seconds": timeouts.rtsp_s}
            else:
                result.code = "stream_not_opened"
            return result
        result.stream = {
            "width": int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            "height": int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            "fps": round(float(cap.get(cv2.CAP_PROP_FPS)), 2),
        }
        start = time.perf_counter()
        ok, frame = cap.read()
        result.frame_ms = _ms_since(start)
        if not ok or frame is None:
            result.layer = "frame"
            result.code, result.params = "no_frame_decoded", {"seconds": timeouts.read_s}
            return result
        result.snapshot = frame
        result.frames.append(diagnosis.analysis_frame(frame))
        _sample_window(cap, result, timeouts)
        return result
    finally:
        cap.release()


def _sample_window(cap: cv2.VideoCapture, result: _Capture, timeouts: ProbeTimeouts) -> None:
    """Keep ``samples`` frames spread over ``window_s`` after the first one."""
    if timeouts.samples < 2 or timeouts.window_s <= 0:
        return
    step = timeouts.window_s / (timeouts.samples - 1)
    first = time.perf_counter()
    grabbed = 0
    while len(result.frames) < timeouts.samples:
        before = time.perf_counter()
        if not cap.grab():
            blocked = time.perf_counter() - before
            since = time.perf_counter() - first
            if blocked >= timeouts.read_s * 0.8:
                result.code = "capture_stalled"
                result.params = {"seconds": timeouts.read_s, "frames": grabbed + 1}
            else:
                result.code, result.params = "stream_ended", {"seconds": round(since, 1)}
            result.layer = "frame"
            return
        grabbed += 1
        if time.perf_counter() - first >= step * len(result.frames):
            ok, frame = cap.retrieve()
            if ok and frame is not None:
                result.snapshot = frame  # the last sample: the settled picture
                result.frames.append(diagnosis.analysis_frame(frame))


def _jpeg(frame: np.ndarray, width: int | None = None, quality: int = 85) -> bytes:
    if width and frame.shape[1] > width:
        height = max(1, round(frame.shape[0] * width / frame.shape[1]))
        frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buffer.tobytes() if ok else b""


def _reference_frame(reference: np.ndarray | bytes | None) -> np.ndarray | None:
    """The reference snapshot as an image; None (no scene check) if it cannot be read.

    A damaged reference must not turn a working camera's verdict into "unknown".
    """
    if reference is None or isinstance(reference, np.ndarray):
        return reference
    image = cv2.imdecode(np.frombuffer(reference, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        logger.warning("reference snapshot is not a decodable image; scene check skipped")
    return image


@dataclass
class _Picture:
    snapshot_jpeg: bytes | None = None
    thumbnail_jpeg: bytes | None = None
    diagnosis: Diagnosis | None = None
    stream: dict[str, object] = field(default_factory=dict)
    diagnosis_ms: float = 0.0


def _picture(
    snapshot: np.ndarray | None,
    frames: list[np.ndarray],
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
    *,
    judge: bool,
) -> _Picture:
    """Snapshot, thumbnail and (when ``judge``) the diagnosis of the decoded frames."""
    if snapshot is None:
        return _Picture()
    start = time.perf_counter()
    picture = _Picture(
        snapshot_jpeg=_jpeg(snapshot),
        thumbnail_jpeg=_jpeg(snapshot, THUMBNAIL_WIDTH, quality=75),
        stream={"width": int(snapshot.shape[1]), "height": int(snapshot.shape[0])},
    )
    if judge:
        picture.diagnosis = diagnosis.diagnose(
            frames, reference=_reference_frame(reference), thresholds=thresholds
        )
    picture.diagnosis_ms = _ms_since(start)
    return picture


def _units_picture(
    received: _Received,
    timeouts: ProbeTimeouts,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
) -> _Picture:
    """Worker-thread part of the main path: decode from memory, diagnose, encode JPEGs."""
    start = time.perf_counter()
    last, frames = _decode(received, timeouts.samples)
    decode_ms = _ms_since(start)
    picture = _picture(last, frames, thresholds, reference, judge=received.layer is None)
    picture.diagnosis_ms += decode_ms
    units = received.units
    if len(units) > 1 and units[-1].arrived > units[0].arrived:
        fps = (len(units) - 1) / (units[-1].arrived - units[0].arrived)
        picture.stream["fps"] = round(fps, 1)
    return picture


def _capture_picture(
    uri: str,
    timeouts: ProbeTimeouts,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
) -> tuple[_Capture, _Picture]:
    """Worker-thread part of the fallback path: OpenCV reads, diagnose, encode JPEGs."""
    capture = _capture(uri, timeouts)
    picture = _picture(
        capture.snapshot, capture.frames, thresholds, reference, judge=capture.layer is None
    )
    picture.stream.update(capture.stream)
    return capture, picture
