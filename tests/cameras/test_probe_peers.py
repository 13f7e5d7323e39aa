"""M-2.1 (daily patrol signal check), M-1.1a (credentials), M-4.1a (camera moved): the probe
against real peers, each verdict and each failure with its reason, within its bound."""

import json
import logging
import time
from dataclasses import replace
from urllib.parse import quote

import cv2
import numpy as np
import pytest

from apps.cameras.probe import ProbeTimeouts, parse_target, probe_camera
from apps.cameras.probe.diagnosis import DiagnosisThresholds

pytestmark = pytest.mark.slow

T = DiagnosisThresholds()
# Short bounds keep the failure cases quick; read_s still exceeds the peer's 0.5 s GOP.
QUICK = ProbeTimeouts(connect_s=1.5, onvif_s=3.0, rtsp_s=1.5, read_s=1.5, window_s=1.0)
MARGIN_S = 1.0


def probe(uri: str, *, reference=None, timeouts: ProbeTimeouts = QUICK):
    started = time.monotonic()
    result = probe_camera(parse_target(uri), thresholds=T, reference=reference, timeouts=timeouts)
    return result, time.monotonic() - started


def healthy_bound(t: ProbeTimeouts = QUICK) -> float:
    """A camera that answers: the wait for a key frame plus the sampling window."""
    return t.read_s + t.window_s + MARGIN_S


def worst_case(t: ProbeTimeouts = QUICK) -> float:
    """Every bound used up: connect, DESCRIBE/SETUP/PLAY, first key frame, window, a gap."""
    return t.connect_s + 3 * t.rtsp_s + t.read_s + t.window_s + t.read_s + MARGIN_S


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
        assert quote(secret, safe="") not in text


def test_a_healthy_camera_is_ok_with_snapshot_and_thumbnail(rtsp_peer):
    result, took = probe(rtsp_peer.uri("normal"))
    assert (result.verdict, result.failing_layer, result.reason) == ("ok", None, "picture ok")
    assert set(result.latency_ms) == {"tcp", "rtsp", "frame", "diagnosis"}
    assert {k: result.stream[k] for k in ("codec", "width", "height")} == {
        "codec": "H264",
        "width": 320,
        "height": 240,
    }
    assert result.stream["fps"] == pytest.approx(10, abs=2)
    snapshot = cv2.imdecode(np.frombuffer(result.snapshot_jpeg, np.uint8), cv2.IMREAD_COLOR)
    thumbnail = cv2.imdecode(np.frombuffer(result.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert snapshot.shape == (240, 320, 3) and thumbnail.shape[1] <= 320
    assert result.metrics["frames"] == QUICK.samples
    assert took < healthy_bound()


@pytest.mark.parametrize(
    ("mount", "code"),
    [("black", "black"), ("snow", "snow"), ("frozen", "frozen"), ("white", "overexposed")],
)
def test_a_broken_picture_is_a_fault_named_by_its_diagnosis(rtsp_peer, mount, code):
    result, took = probe(rtsp_peer.uri(mount))
    assert (result.verdict, result.failing_layer) == ("fault", "diagnosis")
    assert [f.code for f in result.findings] == [code]
    assert result.reason == result.findings[0].message
    assert took < healthy_bound()


@pytest.mark.parametrize("mount", ["dark", "night", "clock"])
def test_a_dark_scene_with_content_is_too_dark_not_black(rtsp_peer, mount):
    """M-2.1, issue 14 §4: black means no picture; a dim moving ball, a noisy night scene or
    a clock on black is a live picture, at most degraded."""
    result, _ = probe(rtsp_peer.uri(mount))
    assert (result.verdict, result.failing_layer) == ("degraded", "diagnosis")
    assert [f.code for f in result.findings] == ["too_dark"]
    assert result.metrics["luma_p95"] <= T.black_luma_p95  # as dark as the black peer


def test_static_bars_with_a_small_ticking_clock_are_frozen(rtsp_peer):
    """Below the line (docs/diagnosis.md): the clock's tick changes too little."""
    result, _ = probe(rtsp_peer.uri("frozen-clock"), timeouts=replace(QUICK, window_s=1.5))
    assert [f.code for f in result.findings] == ["frozen"]


def test_static_bars_with_a_big_ticking_clock_pass_for_live(rtsp_peer):
    """Above the line: the known limit of the frozen check (docs/diagnosis.md)."""
    result, _ = probe(rtsp_peer.uri("frozen-bigclock"), timeouts=replace(QUICK, window_s=1.5))
    assert result.verdict == "ok", result.reason
    assert result.metrics["frozen_difference"] > T.frozen_mean_abs_diff


@pytest.mark.parametrize(
    ("mount", "codec"),
    [("hevc", "H265"), ("mjpeg", "JPEG")],  # our depacketizer; OpenCV's own RTSP client
)
def test_other_codecs_are_probed_too(rtsp_peer, mount, codec):
    result, took = probe(rtsp_peer.uri(mount))
    assert result.verdict == "ok", result.reason
    assert result.stream["codec"] == codec
    assert (result.stream["width"], result.stream["height"]) == (320, 240)
    assert result.snapshot_jpeg
    assert took < healthy_bound() + QUICK.rtsp_s


def test_a_moved_camera_raises_the_scene_alarm_against_its_reference(rtsp_peer):
    reference, _ = probe(rtsp_peer.uri("normal"))
    time.sleep(1.0)  # the ball and the clock have moved on
    same, _ = probe(rtsp_peer.uri("normal"), reference=reference.snapshot_jpeg)
    moved, _ = probe(rtsp_peer.uri("moved"), reference=reference.snapshot_jpeg)
    assert same.scene_changed is False
    assert same.metrics["scene_similarity"] > 0.8
    assert moved.scene_changed is True
    assert moved.verdict == "ok"  # the picture is fine; the move is an M-4.1a alarm
    assert "different scene" in moved.reason


@pytest.mark.parametrize("method", ["digest", "basic"])
def test_the_right_password_opens_a_protected_stream(rtsp_peer, method, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    result, took = probe(rtsp_peer.protected_uri(rtsp_peer.user, rtsp_peer.password, method=method))
    assert result.verdict == "ok", result.reason
    assert took < healthy_bound()
    out, err = capfd.readouterr()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert_no_secret(json.dumps(result.to_dict()) + out + err + logs, rtsp_peer.password)


@pytest.mark.parametrize("method", ["digest", "basic"])
def test_a_wrong_password_is_told_apart_quickly(rtsp_peer, method, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng:pa@ss/x"
    result, took = probe(rtsp_peer.protected_uri(rtsp_peer.user, wrong, method=method))
    assert (result.verdict, result.failing_layer) == ("fault", "rtsp")
    assert result.reason == "authentication failed (401): wrong user name or password"
    assert took < 1.0
    out, err = capfd.readouterr()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert_no_secret(json.dumps(result.to_dict()) + out + err + logs, wrong)


def test_missing_credentials_are_told_apart_from_wrong_ones(rtsp_peer):
    result, took = probe(rtsp_peer.protected_uri())
    assert result.reason == "authentication required (401): no credentials configured"
    assert took < 1.0


def test_an_unknown_stream_path_is_not_found(rtsp_peer):
    result, took = probe(rtsp_peer.uri("no-such-channel"))
    assert (result.failing_layer, result.reason) == (
        "rtsp",
        "stream not found (404): wrong path or channel",
    )
    assert took < 1.0


def test_a_closed_port_fails_tcp_at_once(closed_port):
    result, took = probe(f"rtsp://u:p@127.0.0.1:{closed_port}/stream")
    assert (result.verdict, result.failing_layer) == ("fault", "tcp")
    assert result.reason == f"127.0.0.1:{closed_port} connection refused"
    assert took < 0.5


def test_a_server_that_never_answers_times_out_within_its_bound(silent_peer):
    result, took = probe(silent_peer.uri())
    assert (result.verdict, result.failing_layer) == ("fault", "rtsp")
    assert (
        result.reason == f"no RTSP answer from 127.0.0.1:{silent_peer.port}: timed out after 1.5 s"
    )
    assert QUICK.rtsp_s <= took < QUICK.rtsp_s + MARGIN_S


def test_a_stream_that_stops_mid_read_is_bounded(rtsp_peer):
    result, took = probe(rtsp_peer.uri("stall"))
    assert (result.verdict, result.failing_layer) == ("fault", "frame")
    assert result.reason.startswith("stream stopped mid-read: no data for 1.5 s after ")
    assert [f.code for f in result.findings] == ["signal_loss"]
    assert result.snapshot_jpeg  # the last picture before it stopped is kept
    # it waited one read timeout for more, and no longer than the probe's worst case
    assert QUICK.read_s < took < worst_case()


def test_a_stream_the_camera_ends_is_reported_as_ended(rtsp_peer):
    result, took = probe(rtsp_peer.uri("ended"))
    assert (result.verdict, result.failing_layer) == ("fault", "frame")
    assert result.reason.startswith("stream ended by the camera")
    assert took < healthy_bound()


def test_onvif_camera_gives_device_stream_and_clock_drift(onvif_peer, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    result, took = probe(onvif_peer.uri())
    assert result.device == {
        "manufacturer": "PythonCam",
        "model": "VirtualCam-1",
        "firmware": "1.3.0",
        "serial": "PEER-0001",
        "profile": "Profile_Sub",  # the smallest profile: cheapest to decode
    }
    assert result.stream_uri == f"rtsp://127.0.0.1:{onvif_peer.rtsp_port}/video_sub"
    assert result.clock_drift_s == pytest.approx(onvif_peer.clock_offset_s, abs=3)
    # the picture is fine; only the clock is off
    assert (result.verdict, [f.code for f in result.findings]) == ("degraded", ["clock_drift"])
    assert result.reason.startswith("Camera clock is 1")
    assert set(result.latency_ms) == {"tcp", "onvif", "rtsp", "frame", "diagnosis"}
    assert took < healthy_bound() + QUICK.onvif_s
    out, err = capfd.readouterr()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert_no_secret(json.dumps(result.to_dict()) + out + err + logs, onvif_peer.password)


def test_onvif_wrong_password_is_an_authentication_failure(onvif_peer):
    result, took = probe(onvif_peer.uri(password="Wr0ng:pa@ss/x"))
    assert (result.verdict, result.failing_layer) == ("fault", "onvif")
    assert result.reason.startswith("authentication failed")
    assert "not authorized" in result.reason.lower()
    assert took < 2.0


def test_an_onvif_service_that_never_answers_times_out_within_its_bound(silent_peer):
    result, took = probe(f"onvif://admin:x@127.0.0.1:{silent_peer.port}")
    assert (result.verdict, result.failing_layer) == ("fault", "onvif")
    assert result.reason == "timed out after 3.0 s"
    assert QUICK.onvif_s <= took < QUICK.onvif_s + MARGIN_S


def test_a_damaged_reference_snapshot_skips_the_scene_check_only(rtsp_peer):
    result, _ = probe(rtsp_peer.uri("normal"), reference=b"not a JPEG")
    assert result.verdict == "ok"
    assert result.metrics["scene_similarity"] is None
