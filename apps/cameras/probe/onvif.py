"""Layer 2 of the probe (M-2.1), for ONVIF targets: device information, clock drift, and
the stream URI of the media profile to patrol (by default the smallest: the sub stream).

The ONVIF library echoes whole URIs in its errors, so every reason passes
``scrub_credentials`` with the target's password (M-1.1a).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .results import _LayerFailed, scrub_params
from .targets import ProbeTarget

logger = logging.getLogger(__name__)


def _import_onvif():
    """Import the ONVIF client without its import-time ``logging.basicConfig(INFO)``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import onvif  # noqa: PLC0415 - only ONVIF targets pay for zeep

    root.handlers[:], root.level = handlers, level
    return onvif


@dataclass
class _OnvifAnswer:
    device: dict[str, str]
    clock_drift_s: float | None
    stream_uri: str


async def _onvif_query(target: ProbeTarget, timeout: float) -> _OnvifAnswer:
    """Device information, clock drift and the stream URI of the chosen profile."""
    onvif = _import_onvif()
    camera = onvif.ONVIFCamera(
        target.host,
        target.port,
        target.username or None,
        target.password or None,
        no_cache=True,
        adjust_time=True,
    )
    try:
        # adjust_time: ask the clock without auth first and sign later requests with the
        # camera's time, so a skewed clock is measured instead of failing authentication.
        await camera.update_xaddrs()
        drift = camera.dt_diff.total_seconds() if camera.dt_diff is not None else None
        devicemgmt = await camera.create_devicemgmt_service()
        info = await devicemgmt.GetDeviceInformation()
        device = {
            "manufacturer": str(info.Manufacturer or ""),
            "model": str(info.Model or ""),
            "firmware": str(info.FirmwareVersion or ""),
            "serial": str(info.SerialNumber or ""),
        }
        media = await camera.create_media_service()
        profiles = list(await media.GetProfiles() or [])
        if not profiles:
            raise _LayerFailed("onvif", "onvif_no_profile")
        profile = _pick_profile(profiles, target.profile)
        answer = await media.GetStreamUri(
            {
                "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                "ProfileToken": profile.token,
            }
        )
        uri = str(answer.Uri)
        if urlsplit(uri).hostname in {None, "0.0.0.0", "::"}:
            uri = (
                urlsplit(uri)._replace(netloc=f"{target.host}:{urlsplit(uri).port or 554}").geturl()
            )
        device["profile"] = str(profile.token)
        return _OnvifAnswer(device=device, clock_drift_s=drift, stream_uri=uri)
    finally:
        try:
            await camera.close()
        except Exception:  # noqa: BLE001 - closing must not mask the real outcome
            logger.debug("closing the ONVIF client failed", exc_info=True)


def _pick_profile(profiles: Sequence[object], token: str | None) -> object:
    if token:
        for profile in profiles:
            if profile.token == token:
                return profile
        raise _LayerFailed("onvif", "onvif_profile_missing", {"token": token})

    def pixels(profile: object) -> int:
        try:
            resolution = profile.VideoEncoderConfiguration.Resolution
            return int(resolution.Width) * int(resolution.Height)
        except (AttributeError, TypeError):
            return 1 << 62

    return min(profiles, key=pixels)


def _onvif_reason(exc: BaseException, timeout: float) -> tuple[str, dict[str, object]]:
    text = str(getattr(exc, "message", "") or exc)
    lowered = text.lower()
    if isinstance(exc, TimeoutError | asyncio.TimeoutError) or "timeout" in lowered:
        return "timeout", {"seconds": timeout}
    if any(s in lowered for s in ("not authorized", "notauthorized", "unauthorized", "401")):
        return "onvif_auth_failed", {"detail": text.strip() or "401"}
    if "refused" in lowered or "cannot connect" in lowered:
        return "onvif_refused", {}
    return "onvif_error", {"error": f"{type(exc).__name__}: {text}"}


async def _onvif_layer(target: ProbeTarget, timeout: float) -> _OnvifAnswer:
    try:
        return await asyncio.wait_for(_onvif_query(target, timeout), timeout)
    except _LayerFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - zeep, aiohttp and onvif raise anything
        code, params = _onvif_reason(exc, timeout)
        raise _LayerFailed("onvif", code, scrub_params(params, passwords=target.secrets)) from None
