"""M-1.1a, M-2.1: camera URIs become probe targets, and credentials never leave in text."""

import json

import pytest

from apps.cameras.probe import (
    ProbeResult,
    ProbeTarget,
    ProbeTimeouts,
    parse_target,
    scrub_credentials,
)


def test_rtsp_uri_with_encoded_credentials():
    target = parse_target("rtsp://op%40campus:p%3Ass%2Fw%40rd@10.0.0.7/Streaming/Channels/102?x=1")
    assert (target.scheme, target.host, target.port) == ("rtsp", "10.0.0.7", 554)
    assert (target.username, target.password) == ("op@campus", "p:ss/w@rd")
    assert target.path == "/Streaming/Channels/102?x=1"
    assert target.display_uri == "rtsp://10.0.0.7:554/Streaming/Channels/102?x=1"


def test_onvif_uri_with_port_and_profile():
    target = parse_target("onvif://admin:secret@cam-12.campus.local:8080?profile=Profile_2")
    assert (target.scheme, target.host, target.port) == ("onvif", "cam-12.campus.local", 8080)
    assert target.profile == "Profile_2"
    assert parse_target("onvif://admin:secret@10.0.0.8").port == 80
    assert target.display_uri == "onvif://cam-12.campus.local:8080"


def test_the_password_is_not_in_the_targets_repr():
    target = parse_target("rtsp://admin:Hunter2-secret@10.0.0.7/live")
    assert "Hunter2-secret" not in repr(target)
    assert "Hunter2-secret" not in target.display_uri


@pytest.mark.parametrize(
    "uri",
    ["http://admin:Hunter2-secret@10.0.0.7/", "rtsp://admin:Hunter2-secret@/live", "nonsense"],
)
def test_a_bad_uri_is_refused_without_echoing_its_password(uri):
    with pytest.raises(ValueError) as error:
        parse_target(uri)
    assert "Hunter2-secret" not in str(error.value)


def test_scrub_removes_userinfo_from_every_uri_in_a_message():
    text = (
        "rtsp://admin:Hunter2@10.0.0.7:554/live: Server returned 401 Unauthorized; "
        "retry onvif://u:p@ss@cam/ and http://plain.example/x"
    )
    assert scrub_credentials(text) == (
        "rtsp://10.0.0.7:554/live: Server returned 401 Unauthorized; "
        "retry onvif://cam/ and http://plain.example/x"
    )


def test_scrub_masks_passwords_given_in_a_query_string():
    text = "rtsp://10.0.0.9/live?user=admin&password=Hunter2&channel=1 or pwd=x2"
    assert (
        scrub_credentials(text)
        == "rtsp://10.0.0.9/live?user=admin&password=***&channel=1 or pwd=***"
    )


def test_scrub_masks_a_known_password_outside_uris_as_given_or_encoded():
    text = "auth failed for p:ss/w@rd (sent p%3Ass%2Fw%40rd)"
    assert scrub_credentials(text, passwords=["p:ss/w@rd"]) == "auth failed for *** (sent ***)"
    # a password of one or two characters would mangle every word; it is not masked
    assert scrub_credentials("a camera", passwords=["a"]) == "a camera"


def test_result_dict_is_json_safe_without_images_or_credentials():
    result = ProbeResult(
        target="rtsp://admin:Hunter2@10.0.0.7/live",
        verdict="fault",
        failing_layer="rtsp",
        reason="rtsp://admin:Hunter2@10.0.0.7/live: 401",
        stream_uri="rtsp://admin:Hunter2@10.0.0.7/live",
        metrics={"frozen_difference": float("inf"), "luma_p95": 12.0},
        snapshot_jpeg=b"\xff\xd8jpeg",
    )
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "Hunter2" not in text
    data = json.loads(text)
    assert data["metrics"] == {"frozen_difference": None, "luma_p95": 12.0}
    assert data["snapshot_bytes"] == 6


def test_timeouts_must_be_positive():
    with pytest.raises(ValueError, match="read_s"):
        ProbeTimeouts(read_s=0)
    with pytest.raises(ValueError):
        ProbeTimeouts(samples=0)
    assert ProbeTarget(scheme="rtsp", host="::1", port=554, path="/x").display_uri == (
        "rtsp://[::1]:554/x"
    )
