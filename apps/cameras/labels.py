"""Translated names of diagnosis findings and probe layers, for pages (records keep the codes
and the probe's technical detail)."""

from django.utils.translation import gettext_lazy as _

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
