"""Every reason the probe gives, by code (M-2.1, M-2.3 symptom): the one list of them.

A reason is a stable ``code`` plus JSON-safe ``params``; the English sentence is
``REASONS[code] % params`` (``reason_format``). The probe keeps that sentence for logs, the
CLI and old records; pages render the code in the reader's language from the same params
(``apps.cameras.labels.reason_text``, one translated template per code here, same
placeholders). A plural template is ``(singular, plural, count_param)``.

Picture findings (``diagnosis.SEVERITY``) are codes here too: a picture fault's reason code
is its finding's code. Params never hold a credential: ``ProbeResult.to_dict`` scrubs them as
it scrubs the reason (M-1.1a).
"""

from __future__ import annotations

from collections.abc import Mapping

Template = str | tuple[str, str, str]

REASONS: dict[str, Template] = {
    # the picture (diagnosis findings)
    "picture_ok": "picture ok",
    "signal_loss": "No picture: no frame could be decoded.",
    "black": "Picture is black.",
    "overexposed": "Picture is white (overexposed).",
    "snow": "Picture is noise (snow): no image.",
    "frozen": "Picture is frozen: %(frames)d sampled frames do not change.",
    "too_dark": "Picture is too dark: little of the scene is visible.",
    "blur": "Picture is blurred (out of focus or dirty lens).",
    "colour_cast": "Picture has a %(hue)s colour cast.",
    "occlusion": "%(percent).0f%% of the picture is one flat area: lens covered or obstructed?",
    "clock_drift": "Camera clock is %(seconds).0f s %(direction)s of the server.",
    "scene_changed": (
        "Camera shows a different scene from its reference snapshot: moved or turned?"
    ),
    # layer 1: TCP
    "tcp_timeout": "%(address)s timed out after %(seconds).1f s",
    "tcp_refused": "%(address)s connection refused",
    "tcp_reset": "%(address)s connection reset by the camera",
    "tcp_host_not_found": "%(address)s host name not found",
    "tcp_error": "%(address)s %(error)s",
    # layer 2: ONVIF
    "timeout": "timed out after %(seconds).1f s",
    "onvif_auth_failed": "authentication failed (%(detail)s)",
    "onvif_refused": "connection refused",
    "onvif_error": "ONVIF error: %(error)s",
    "onvif_no_profile": "camera has no media profile",
    "onvif_profile_missing": "camera has no media profile '%(token)s'",
    "stream_address_refused": "the device's stream address is refused: %(detail)s",
    # layer 3: RTSP
    "rtsp_not_rtsp": "the server does not speak RTSP",
    "rtsp_no_video": "the stream has no video",
    "rtsp_no_tcp": "camera does not offer RTP over the RTSP connection (TCP)",
    "rtsp_no_answer": "no RTSP answer from %(address)s: timed out after %(seconds).1f s",
    "rtsp_step_timeout": "no answer to %(step)s: timed out after %(seconds).1f s",
    "rtsp_closed": "connection closed by the camera without an answer to %(step)s",
    "rtsp_timeout": "RTSP %(address)s timed out after %(seconds).1f s",
    "rtsp_refused": "RTSP %(address)s connection refused",
    "rtsp_reset": "RTSP %(address)s connection reset by the camera",
    "rtsp_host_not_found": "RTSP %(address)s host name not found",
    "rtsp_error": "RTSP %(address)s %(error)s",
    "auth_failed": "authentication failed (401): wrong user name or password",
    "auth_required": "authentication required (401): no credentials configured",
    "stream_not_found": "stream not found (404): wrong path or channel",
    "rtsp_status": "RTSP server answered %(status)s",
    "rtsp_step_refused": "camera refused %(step)s: %(status)s",
    "stream_start_timeout": "stream did not start: timed out after %(seconds).1f s",
    "stream_not_opened": "stream could not be opened (SETUP or PLAY refused, or bad codec)",
    # layer 4: frames
    "no_frame_decoded": "no frame decoded within %(seconds).1f s",
    "no_key_frame": "no key frame within %(seconds).1f s",
    "no_video_data": "no video data within %(seconds).1f s",
    "stream_stalled": (
        "stream stopped mid-read: no data for %(seconds).1f s after %(frames)d frame",
        "stream stopped mid-read: no data for %(seconds).1f s after %(frames)d frames",
        "frames",
    ),
    "capture_stalled": (
        "stream stopped mid-read: no frame for %(seconds).1f s after %(frames)d frame",
        "stream stopped mid-read: no frame for %(seconds).1f s after %(frames)d frames",
        "frames",
    ),
    "stream_ended_early": "stream ended by the camera before the first frame",
    "stream_ended": "stream ended by the camera %(seconds).1f s after the first frame",
    "undecodable": "video data arrived but no frame could be decoded",
    # our side
    "probe_error": "probe error: %(error)s",
}


def reason_format(code: str, params: Mapping[str, object] | None = None) -> str:
    """The English sentence of a reason code (KeyError for a code not in ``REASONS``)."""
    template = REASONS[code]
    params = dict(params or {})
    if isinstance(template, tuple):
        singular, plural, count = template
        template = singular if params.get(count) == 1 else plural
    return template % params
