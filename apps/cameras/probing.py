"""The adapter between a registered camera and the pure probe (apps.cameras.probe).

It builds the probe target from the camera (decrypting its credentials in memory only, M-1.1a),
applies the camera's diagnosis thresholds and reference snapshot, and returns a CheckOutcome
with nothing secret in it. It never touches the database: the patrol calls it from threads.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import probe
from .models import Camera
from .networks import host_check, parse_networks
from .probe.diagnosis import DiagnosisThresholds


@dataclass
class CheckOutcome:
    verdict: str
    failing_layer: str | None
    reason: str
    checked_at: datetime
    reason_code: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    scene_changed: bool = False
    device: dict[str, Any] = field(default_factory=dict)
    snapshot_jpeg: bytes | None = None
    thumbnail_jpeg: bytes | None = None


def camera_probe_target(camera: Camera) -> probe.ProbeTarget:
    """ONVIF when the camera has an ONVIF host (device info, clock drift, then its stream);
    otherwise its RTSP sub stream (or main stream). Credentials come from the encrypted
    fields, never from the stored URIs. A host outside settings.CAMERA_NETWORKS raises
    HostRefused (a ValueError naming the reason): the probe does not connect to it."""
    networks = parse_networks(settings.CAMERA_NETWORKS)
    target = replace(_camera_probe_target(camera), networks=networks)
    host_check(target.host, networks)
    return target


def _camera_probe_target(camera: Camera) -> probe.ProbeTarget:
    if camera.onvif_host:
        return probe.ProbeTarget(
            scheme="onvif",
            host=camera.onvif_host,
            port=camera.onvif_port or 80,
            username=camera.credential_username or "",
            password=camera.credential_password or "",
        )
    uri = camera.rtsp_sub_uri or camera.rtsp_main_uri
    if not uri:
        raise ValueError(f"camera {camera.code} has neither an ONVIF host nor an RTSP URI")
    return replace(
        probe.parse_target(uri),
        username=camera.credential_username or "",
        password=camera.credential_password or "",
    )


def reference_jpeg(camera: Camera) -> bytes | None:
    if not camera.reference_snapshot:
        return None
    try:
        with camera.reference_snapshot.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def outcome_from_result(result: probe.ProbeResult) -> CheckOutcome:
    data = result.to_dict()  # JSON-safe and scrubbed of credentials
    metrics = dict(data["metrics"])
    if data["clock_drift_s"] is not None:
        metrics["clock_drift_s"] = data["clock_drift_s"]
    return CheckOutcome(
        verdict=result.verdict,
        failing_layer=result.failing_layer,
        reason=data["reason"],
        reason_code=data["reason_code"],
        reason_params=data["reason_params"],
        checked_at=timezone.now(),
        latency_ms={**data["latency_ms"], "total": data["duration_ms"]},
        metrics=metrics,
        findings=data["findings"],
        scene_changed=result.scene_changed,
        device=data["device"],
        snapshot_jpeg=result.snapshot_jpeg,
        thumbnail_jpeg=result.thumbnail_jpeg,
    )


def camera_probe_job(camera: Camera) -> probe.ProbeJob:
    """Everything the probe needs about a registered camera, read before probing starts
    (the probes run off the database thread). Raises ValueError if there is nothing to probe."""
    return probe.ProbeJob(
        target=camera_probe_target(camera),
        thresholds=DiagnosisThresholds.from_overrides(camera.diagnosis_overrides),
        reference=reference_jpeg(camera),
        key=camera.pk,
    )


def camera_check(camera: Camera) -> CheckOutcome:
    """Probe one registered camera now (M-2.1)."""
    job = camera_probe_job(camera)
    result = probe.probe_camera(job.target, thresholds=job.thresholds, reference=job.reference)
    return outcome_from_result(result)
