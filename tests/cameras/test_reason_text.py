"""Issue 14 §1 (M-2.1, M-2.3): a check's probe reason and diagnosis findings read in the page's
language. The probe stores a code and params beside its English text; pages and the API render
the code; a row recorded before codes shows its stored text."""

import re

import numpy as np
import pytest
from django.utils import timezone, translation

from apps.cameras.labels import REASON_TEXTS, check_reason_text, reason_text
from apps.cameras.probe.diagnosis import SEVERITY, DiagnosisThresholds, diagnose
from apps.cameras.probe.reasons import REASONS, reason_format
from apps.cameras.probing import CheckOutcome, camera_check
from apps.patrol.models import PatrolCheck
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run

_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _sample_params(template) -> dict:
    text = template if isinstance(template, str) else template[1]
    return {
        name: ("10.0.0.7:554" if kind == "s" else 7) for name, kind in _PLACEHOLDER.findall(text)
    }


def test_every_code_has_a_translated_template_with_the_same_placeholders():
    assert set(REASON_TEXTS) == set(REASONS)
    assert set(SEVERITY) <= set(REASONS)  # a picture fault's code is its finding's code
    for code, template in REASONS.items():
        params = _sample_params(template)
        counts = [1, 2] if isinstance(template, tuple) else [None]
        for count in counts:
            if count is not None:
                params[template[2]] = count
            with translation.override("en"):
                assert reason_text(code, params, "fallback") == reason_format(code, params), code


def test_every_code_reads_in_chinese_with_its_values():
    """Passes once the msgids listed by engineer K are in the zh-hans catalogue."""
    untranslated = []
    for code, template in REASONS.items():
        params = _sample_params(template)
        with translation.override("zh-hans"):
            text = reason_text(code, params, "fallback")
        values_kept = all(str(value) in text for value in params.values())
        if not _CJK.search(text) or not values_kept:
            untranslated.append((code, text))
    assert untranslated == []


def test_findings_of_a_real_diagnosis_read_in_each_language():
    black = [np.zeros((360, 640, 3), np.uint8)] * 3
    found = diagnose(black, thresholds=DiagnosisThresholds())
    finding = found.findings[0].to_dict()
    assert finding["code"] == "black" and finding["params"] == {}
    check = {"reason": "Picture is black.", "reason_code": "black", "findings": [finding]}
    assert check_reason_text(check) == "Picture is black."
    with translation.override("zh-hans"):
        assert check_reason_text(check) == "画面黑屏。"


def test_clock_drift_and_colour_words_are_translated_too():
    params = {"seconds": 125, "direction": "ahead"}
    assert reason_text("clock_drift", params) == "Camera clock is 125 s ahead of the server."
    with translation.override("zh-hans"):
        text = reason_text("clock_drift", params)
        assert "125" in text and "ahead" not in text and _CJK.search(text)
        assert "red" not in reason_text("colour_cast", {"hue": "red"})


def test_an_old_row_or_an_unknown_code_shows_the_stored_text():
    old = {"reason": "Picture is black.", "reason_code": "", "findings": []}
    with translation.override("zh-hans"):
        assert check_reason_text(old) == "Picture is black."
        assert reason_text("no_such_code", {}, "as stored") == "as stored"
        # params that do not fit the template (a record older than them): the stored text
        assert reason_text("frozen", {}, "Picture is frozen: 4 sampled frames") == (
            "Picture is frozen: 4 sampled frames"
        )


def _offline_outcome() -> CheckOutcome:
    return CheckOutcome(
        verdict="fault",
        failing_layer="tcp",
        reason="127.0.0.1:9 connection refused",
        reason_code="tcp_refused",
        reason_params={"address": "127.0.0.1:9"},
        checked_at=timezone.now(),
    )


@pytest.mark.django_db
def test_run_page_history_and_api_in_each_language(client, duty_operator):
    camera, old = CameraFactory(code="OFF"), CameraFactory(code="OLD")
    legacy = CheckOutcome(
        verdict="fault",
        failing_layer="rtsp",
        reason="stream not found (404): wrong path or channel",
        checked_at=timezone.now(),
    )
    run = finished_run({camera: _offline_outcome(), old: legacy})
    stored = run.checks.get(camera=camera)
    assert (stored.reason_code, stored.reason_params) == ("tcp_refused", {"address": "127.0.0.1:9"})
    client.force_login(duty_operator)

    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert "127.0.0.1:9 connection refused" in page
    assert "stream not found (404): wrong path or channel" in page
    api = client.get("/api/patrol/checks/", {"run": run.pk}).json()["results"]
    row = next(r for r in api if r["camera_code"] == "OFF")
    assert row["reason"] == "127.0.0.1:9 connection refused"
    assert row["reason_code"] == "tcp_refused"
    assert row["reason_text"] == "127.0.0.1:9 connection refused"

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    zh = translation.override("zh-hans")
    with zh:
        chinese = reason_text("tcp_refused", {"address": "127.0.0.1:9"})
    assert _CJK.search(chinese) and "127.0.0.1:9" in chinese
    assert chinese in page and "127.0.0.1:9 connection refused" not in page
    assert "stream not found (404): wrong path or channel" in page  # old row: as stored
    history = client.get(f"/patrol/cameras/{camera.pk}/history/").content.decode()
    assert chinese in history
    api = client.get("/api/patrol/checks/", {"run": run.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()[
        "results"
    ]
    row = next(r for r in api if r["camera_code"] == "OFF")
    assert row["reason_text"] == chinese and row["reason"] == "127.0.0.1:9 connection refused"


@pytest.mark.slow
@pytest.mark.django_db
def test_real_black_and_offline_peers_read_in_chinese(
    client, duty_operator, rtsp_peer, closed_port
):
    black = CameraFactory(code="BLACK", rtsp_main_uri=rtsp_peer.uri("black"))
    offline = CameraFactory(code="OFFLINE", rtsp_main_uri=f"rtsp://127.0.0.1:{closed_port}/x")
    outcomes = {camera: camera_check(camera) for camera in (black, offline)}
    assert outcomes[black].reason_code == "black"
    assert outcomes[offline].reason_code == "tcp_refused"
    run = finished_run(outcomes)
    client.force_login(duty_operator)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert "画面黑屏。" in page and "Picture is black." not in page
    with translation.override("zh-hans"):
        refused = reason_text("tcp_refused", {"address": f"127.0.0.1:{closed_port}"})
    assert _CJK.search(refused) and refused in page
    assert PatrolCheck.objects.get(run=run, camera=offline).reason == (
        f"127.0.0.1:{closed_port} connection refused"
    )
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert "Picture is black." in page and f"127.0.0.1:{closed_port} connection refused" in page
