"""Onboarding a camera: probe it first, then register what it says about itself.

By ONVIF: device information (manufacturer, model, firmware, serial), the stream URI and the
camera clock come from the device. By RTSP: the stream is opened and decoded. Either way the
first good frame becomes the reference snapshot that scene changes are judged against.
"""

from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import RuleViolation

from . import probe
from .inputs import camera_channel_check, camera_host_allowed, camera_input_clean
from .models import Camera
from .networks import parse_networks
from .probe.diagnosis import DiagnosisThresholds
from .services import camera_create, camera_reference_set


def camera_onboard(
    *,
    by: User,
    code: str,
    name: str,
    location,
    work_order: str,
    recorder=None,
    channel: int | None = None,
    onvif_host: str = "",
    onvif_port: int | None = None,
    rtsp_uri: str = "",
    username: str = "",
    password: str = "",
    commissioned_on=None,
) -> Camera:
    """Probe, then register (M-1.3). Before connecting: the inputs pass the services' one gate
    (credentials out of the addresses, M-1.1a) and the host must lie in the camera networks."""
    if not onvif_host and not rtsp_uri:
        raise RuleViolation(_("Give an ONVIF host or an RTSP URI."))
    fields, username, password = camera_input_clean(
        fields={
            "code": code,
            "name": name,
            "channel": channel,
            "onvif_host": onvif_host,
            "onvif_port": onvif_port,
            "rtsp_main_uri": "" if onvif_host else rtsp_uri,
        },
        username=username,
        password=password,
    )
    camera_channel_check(channel, recorder)
    onvif_host, onvif_port, rtsp_uri = (
        fields["onvif_host"],
        fields["onvif_port"],
        fields["rtsp_main_uri"],
    )
    if onvif_host:
        target = probe.ProbeTarget(
            scheme="onvif",
            host=onvif_host,
            port=onvif_port or 80,
            username=username,
            password=password,
        )
    else:
        try:
            target = replace(probe.parse_target(rtsp_uri), username=username, password=password)
        except ValueError as exc:
            raise RuleViolation(str(exc)) from exc
    camera_host_allowed(target.host)
    # The stream address the device answers with is checked by the probe against the same list.
    target = replace(target, networks=parse_networks(settings.CAMERA_NETWORKS))
    result = probe.probe_camera(target, thresholds=DiagnosisThresholds())
    if result.verdict == "unknown" or result.failing_layer in ("tcp", "onvif", "rtsp"):
        raise RuleViolation(
            _("The camera did not answer as expected (%(layer)s): %(reason)s")
            % {
                "layer": result.failing_layer or "?",
                "reason": probe.scrub_credentials(result.reason, passwords=target.secrets),
            }
        )
    device = result.device
    stream_uri = probe.scrub_credentials(result.stream_uri or rtsp_uri)
    with transaction.atomic():
        camera = camera_create(
            by=by,
            work_order=work_order,
            code=code,
            name=name,
            location=location,
            recorder=recorder,
            channel=channel,
            onvif_host=onvif_host,
            onvif_port=onvif_port,
            rtsp_main_uri="" if onvif_host else stream_uri,
            rtsp_sub_uri=stream_uri if onvif_host else "",
            credential_username=username,
            credential_password=password,
            manufacturer=device.get("manufacturer", "")[:120],
            model=device.get("model", "")[:120],
            firmware=device.get("firmware", "")[:120],
            serial_number=device.get("serial_number", device.get("serial", ""))[:120],
            commissioned_on=commissioned_on,
        )
        if result.snapshot_jpeg and result.verdict != "fault":
            camera_reference_set(
                camera=camera, by=by, jpeg=result.snapshot_jpeg, work_order=work_order
            )
    return camera
