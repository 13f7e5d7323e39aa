"""Issue 13 §4: the stream address an ONVIF device answers with must lie in the camera networks
too, or a device (or whoever answers in its name) could send the probe anywhere."""

import ipaddress
from dataclasses import replace

import pytest

from apps.cameras.probe import ProbeTimeouts, parse_target, probe_camera
from apps.cameras.probe.diagnosis import DiagnosisThresholds

pytestmark = pytest.mark.slow

QUICK = ProbeTimeouts(connect_s=1.5, onvif_s=3.0, rtsp_s=1.5, read_s=1.5, window_s=1.0)


def _probe(onvif_peer, networks):
    target = replace(parse_target(onvif_peer.uri()), networks=networks)
    return probe_camera(target, thresholds=DiagnosisThresholds(), timeouts=QUICK)


def test_a_stream_address_outside_the_networks_is_not_connected(onvif_peer):
    # The device answers with rtsp://127.0.0.1:…; only 127.0.0.2 is a camera network here.
    result = _probe(onvif_peer, (ipaddress.ip_network("127.0.0.2/32"),))
    assert (result.verdict, result.failing_layer) == ("unknown", "onvif")
    assert "stream address is refused" in result.reason
    assert "127.0.0.1" in result.reason
    assert "rtsp" not in result.latency_ms  # no RTSP connection was made
    assert result.snapshot_jpeg is None


def test_a_stream_address_inside_the_networks_is_probed(onvif_peer):
    result = _probe(onvif_peer, (ipaddress.ip_network("127.0.0.0/8"),))
    # The peer's clock runs ahead on purpose: degraded by diagnosis, so the picture was reached.
    assert (result.verdict, result.failing_layer) == ("degraded", "diagnosis")
    assert "rtsp" in result.latency_ms and result.snapshot_jpeg
