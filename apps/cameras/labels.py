"""Translated names of diagnosis findings and probe layers, and the probe's reasons as
sentences in the reader's language, for pages and the API (records keep the codes, their
params and the probe's English text)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

FINDING_LABELS = {
    "signal_loss": _("Signal loss"),
    "black": _("Black picture"),
    "overexposed": _("Overexposed (white) picture"),
    "snow": _("Snow / noise, no image"),
    "frozen": _("Frozen picture"),
    "too_dark": _("Picture too dark"),
    "blur": _("Blurred picture"),
    "colour_cast": _("Colour cast"),
    "occlusion": _("Lens blocked (occlusion)"),
    "clock_drift": _("Camera clock off"),
    "scene_changed": _("Scene changed (camera moved?)"),
}

LAYER_LABELS = {
    "tcp": _("Network unreachable"),
    "onvif": _("ONVIF device service"),
    "rtsp": _("Video stream (RTSP)"),
    "frame": _("No decodable picture"),
    "diagnosis": _("Image diagnosis"),
}

# Every probe reason code (apps.cameras.probe.reasons.REASONS) in the reader's language, with
# the same placeholders as its English template (tests/cameras/test_reason_text.py).
REASON_TEXTS = {
    "picture_ok": _("picture ok"),
    "signal_loss": _("No picture: no frame could be decoded."),
    "black": _("Picture is black."),
    "overexposed": _("Picture is white (overexposed)."),
    "snow": _("Picture is noise (snow): no image."),
    "frozen": _("Picture is frozen: %(frames)d sampled frames do not change."),
    "too_dark": _("Picture is too dark: little of the scene is visible."),
    "blur": _("Picture is blurred (out of focus or dirty lens)."),
    "colour_cast": _("Picture has a %(hue)s colour cast."),
    "occlusion": _("%(percent).0f%% of the picture is one flat area: lens covered or obstructed?"),
    "clock_drift": _("Camera clock is %(seconds).0f s %(direction)s of the server."),
    "scene_changed": _(
        "Camera shows a different scene from its reference snapshot: moved or turned?"
    ),
    "tcp_timeout": _("%(address)s timed out after %(seconds).1f s"),
    "tcp_refused": _("%(address)s connection refused"),
    "tcp_reset": _("%(address)s connection reset by the camera"),
    "tcp_host_not_found": _("%(address)s host name not found"),
    "tcp_error": _("%(address)s %(error)s"),
    "timeout": _("timed out after %(seconds).1f s"),
    "onvif_auth_failed": _("authentication failed (%(detail)s)"),
    "onvif_refused": _("connection refused"),
    "onvif_error": _("ONVIF error: %(error)s"),
    "onvif_no_profile": _("camera has no media profile"),
    "onvif_profile_missing": _("camera has no media profile '%(token)s'"),
    "stream_address_refused": _("the device's stream address is refused: %(detail)s"),
    "rtsp_not_rtsp": _("the server does not speak RTSP"),
    "rtsp_no_video": _("the stream has no video"),
    "rtsp_no_tcp": _("camera does not offer RTP over the RTSP connection (TCP)"),
    "rtsp_no_answer": _("no RTSP answer from %(address)s: timed out after %(seconds).1f s"),
    "rtsp_step_timeout": _("no answer to %(step)s: timed out after %(seconds).1f s"),
    "rtsp_closed": _("connection closed by the camera without an answer to %(step)s"),
    "rtsp_timeout": _("RTSP %(address)s timed out after %(seconds).1f s"),
    "rtsp_refused": _("RTSP %(address)s connection refused"),
    "rtsp_reset": _("RTSP %(address)s connection reset by the camera"),
    "rtsp_host_not_found": _("RTSP %(address)s host name not found"),
    "rtsp_error": _("RTSP %(address)s %(error)s"),
    "auth_failed": _("authentication failed (401): wrong user name or password"),
    "auth_required": _("authentication required (401): no credentials configured"),
    "stream_not_found": _("stream not found (404): wrong path or channel"),
    "rtsp_status": _("RTSP server answered %(status)s"),
    "rtsp_step_refused": _("camera refused %(step)s: %(status)s"),
    "stream_start_timeout": _("stream did not start: timed out after %(seconds).1f s"),
    "stream_not_opened": _("stream could not be opened (SETUP or PLAY refused, or bad codec)"),
    "no_frame_decoded": _("no frame decoded within %(seconds).1f s"),
    "no_key_frame": _("no key frame within %(seconds).1f s"),
    "no_video_data": _("no video data within %(seconds).1f s"),
    "stream_stalled": ngettext_lazy(
        "stream stopped mid-read: no data for %(seconds).1f s after %(frames)d frame",
        "stream stopped mid-read: no data for %(seconds).1f s after %(frames)d frames",
        "frames",
    ),
    "capture_stalled": ngettext_lazy(
        "stream stopped mid-read: no frame for %(seconds).1f s after %(frames)d frame",
        "stream stopped mid-read: no frame for %(seconds).1f s after %(frames)d frames",
        "frames",
    ),
    "stream_ended_early": _("stream ended by the camera before the first frame"),
    "stream_ended": _("stream ended by the camera %(seconds).1f s after the first frame"),
    "undecodable": _("video data arrived but no frame could be decoded"),
    "probe_error": _("probe error: %(error)s"),
}

# Params that are words, not values: said in the reader's language too.
_PARAM_WORDS = {
    "hue": {
        "red": pgettext_lazy("colour cast", "red"),
        "green": pgettext_lazy("colour cast", "green"),
        "blue": pgettext_lazy("colour cast", "blue"),
        "yellow": pgettext_lazy("colour cast", "yellow"),
        "magenta": pgettext_lazy("colour cast", "magenta"),
        "cyan": pgettext_lazy("colour cast", "cyan"),
    },
    "direction": {
        "ahead": pgettext_lazy("clock drift", "ahead"),
        "behind": pgettext_lazy("clock drift", "behind"),
    },
}

# Faults first, then degradations, then the scene alarm: the order the probe words them.
_SEVERITY_ORDER = {"fault": 0, "degraded": 1, "alarm": 2}


def reason_text(code: str, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The sentence of a probe reason code in the active language (M-2.1, M-2.3).

    ``fallback`` (the stored English text) for a row without a code, an unknown code or
    params that do not fit the template (a record written before the code had them)."""
    template = REASON_TEXTS.get(code or "")
    if template is None:
        return fallback
    values = {
        name: _PARAM_WORDS.get(name, {}).get(value, value) if isinstance(value, str) else value
        for name, value in (params or {}).items()
    }
    try:
        return str(template % values)
    except (KeyError, TypeError, ValueError):
        return fallback


def finding_text(finding: Mapping[str, Any]) -> str:
    """A stored finding (``Finding.to_dict``) as a sentence in the active language."""
    return reason_text(finding.get("code", ""), finding.get("params"), finding.get("message", ""))


def check_reason_text(check: Any) -> str:
    """A patrol check's reason in the active language: every finding of a picture reason
    (the probe's English joins them too), the code's sentence otherwise, and the stored text
    for a row recorded before codes (or without one: a check given up on)."""

    def get(name: str, default: Any) -> Any:  # a PatrolCheck or a row of .values()
        value = check.get(name) if isinstance(check, Mapping) else getattr(check, name, None)
        return default if value is None else value

    code, stored = get("reason_code", ""), get("reason", "")
    if not code:
        return stored
    findings = [f for f in get("findings", []) if f.get("code")]
    if code in FINDING_LABELS and findings:
        shown = sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.get("severity"), 3))
        return " ".join(finding_text(f) for f in shown)
    return reason_text(code, get("reason_params", {}), stored)
