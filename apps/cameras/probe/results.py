"""What bounds a probe and what it returns (M-2.1): ``ProbeTimeouts``, ``ProbeResult``.

Also the verdicts, the layer names, and ``_LayerFailed``: how any layer stops the probe
with the reason a duty operator reads, as a code of ``reasons.REASONS`` with its params
("auth_failed", "timeout" {"seconds": 3.0}) and its English sentence ("authentication
failed (401)", "timed out after 3.0 s"). The result's text and params leave only through
``scrub_credentials`` (M-1.1a).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field

from .diagnosis import Finding
from .reasons import reason_format
from .targets import scrub_credentials

OK, DEGRADED, FAULT, UNKNOWN = "ok", "degraded", "fault", "unknown"
LAYERS = ("tcp", "onvif", "rtsp", "frame", "diagnosis")  # failing_layer values, in order


@dataclass(frozen=True)
class ProbeTimeouts:
    """Bounds of each layer, in seconds (M-2.1: a dead camera must not stall the patrol).

    ``rtsp_s`` bounds each of DESCRIBE, SETUP and PLAY. ``read_s`` bounds the wait for the
    first key frame and then every gap in the data, so it must exceed the camera's
    key-frame interval; a stream that stops mid-read is reported ``read_s`` after its last
    packet. ``window_s`` is how long frames are collected after the first key frame, and
    ``samples`` how many of them are diagnosed (the frozen check compares them).
    """

    connect_s: float = 3.0
    onvif_s: float = 5.0
    rtsp_s: float = 3.0
    read_s: float = 3.0
    window_s: float = 1.0
    samples: int = 4

    def __post_init__(self) -> None:
        for name in ("connect_s", "onvif_s", "rtsp_s", "read_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if self.window_s < 0 or self.samples < 1:
            raise ValueError("window_s must be >= 0 and samples >= 1")


DEFAULT_TIMEOUTS = ProbeTimeouts()


@dataclass
class ProbeResult:
    """What the patrol records for one camera (M-2.1; M-2.3 symptom text in ``reason``).

    ``verdict``: ok, degraded, fault, or unknown when the probe itself could not run (an
    error on our side), so the camera's state is not known. ``latency_ms`` has one entry
    per layer reached: tcp (connect), onvif (the whole exchange), rtsp (DESCRIBE, SETUP,
    PLAY), frame (PLAY to the first key frame), diagnosis (decode, diagnose, JPEGs).
    ``scene_changed`` is the M-4.1a alarm; it does not change the verdict. ``reason`` is
    English; ``reason_code`` (a key of ``reasons.REASONS``) and ``reason_params`` let a page
    say the same in its reader's language.
    """

    target: str
    verdict: str = UNKNOWN
    failing_layer: str | None = None
    reason: str = ""
    reason_code: str = ""
    reason_params: dict[str, object] = field(default_factory=dict)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    latency_ms: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    scene_changed: bool = False
    device: dict[str, str] = field(default_factory=dict)
    clock_drift_s: float | None = None
    stream_uri: str | None = None
    stream: dict[str, object] = field(default_factory=dict)
    snapshot_jpeg: bytes | None = field(default=None, repr=False)
    thumbnail_jpeg: bytes | None = field(default=None, repr=False)
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-safe, without image bytes and without credentials."""
        data: dict[str, object] = {
            "target": scrub_credentials(self.target),
            "verdict": self.verdict,
            "failing_layer": self.failing_layer,
            "reason": scrub_credentials(self.reason),
            "reason_code": self.reason_code,
            "reason_params": scrub_params(self.reason_params),
            "started_at": self.started_at.isoformat(),
            "duration_ms": round(self.duration_ms, 1),
            "latency_ms": {k: round(v, 1) for k, v in self.latency_ms.items()},
            "metrics": {k: _json_number(v) for k, v in self.metrics.items()},
            "findings": [f.to_dict() for f in self.findings],
            "scene_changed": self.scene_changed,
            "device": dict(self.device),
            "clock_drift_s": self.clock_drift_s,
            "stream_uri": scrub_credentials(self.stream_uri) if self.stream_uri else None,
            "stream": dict(self.stream),
            "snapshot_bytes": len(self.snapshot_jpeg or b""),
            "thumbnail_bytes": len(self.thumbnail_jpeg or b""),
        }
        return data


def _json_number(value: float | None) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value
    )


def scrub_params(params: dict[str, object], *, passwords: tuple[str, ...] = ()) -> dict:
    """Reason params with every text scrubbed of credentials, as the reason is (M-1.1a)."""
    return {
        k: scrub_credentials(v, passwords=passwords) if isinstance(v, str) else v
        for k, v in params.items()
    }


class _LayerFailed(Exception):
    """A layer could not pass: ``code`` and ``params`` name why (``reasons.REASONS``),
    ``reason`` is their English sentence, what the log and the CLI show."""

    def __init__(
        self,
        layer: str,
        code: str,
        params: dict[str, object] | None = None,
        verdict: str = FAULT,
    ):
        self.code, self.params = code, dict(params or {})
        self.reason = reason_format(code, self.params)
        super().__init__(self.reason)
        self.layer, self.verdict = layer, verdict


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000
