"""Camera page: verdict history, 30-day availability chart and fault episodes (M-2.1, M-2.3);
a check judged a false alarm counts as available, the episode table tells kind and false alarm
(M-1.4)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.patrol.services import patrol_check_review
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def test_history_shows_verdicts_availability_and_episodes(client, duty_operator):
    camera = CameraFactory()
    yesterday = timezone.now() - timedelta(days=1)
    finished_run({camera: outcome("fault", "Picture is black.", at=yesterday)})
    finished_run({camera: outcome("ok")})
    client.force_login(duty_operator)
    assert client.get(f"/cameras/{camera.pk}/").status_code == 200
    history = client.get(f"/patrol/cameras/{camera.pk}/history/")
    assert history.status_code == 200
    html = history.content.decode()
    assert "Normal" in html and "Fault" in html and "Picture is black." in html
    availability = history.context["availability"]
    assert len(availability) == 30
    assert availability[-1]["percent"] == 100 and availability[-2]["percent"] == 0
    assert len(history.context["episodes"]) == 1


def test_history_in_chinese(client, duty_operator):
    camera = CameraFactory()
    finished_run({camera: outcome("ok")})
    client.force_login(duty_operator)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get(f"/patrol/cameras/{camera.pk}/history/").content.decode()
    assert "近 30 天在线率" in html
    assert "正常" in html


def _episode_rows(html: str) -> list[tuple[str, str]]:
    """(kind, false alarm) of each row of the episode table, latest first."""
    table = html.split('data-testid="fault-episodes"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-kind="(\w+)">[^<]*</td><td data-false-alarm="(\d)"', table)


def test_a_false_alarm_counts_as_available_a_fault_does_not(client, duty_operator):
    """M-1.4, M-2.1: a check judged a false alarm was a working camera that day."""
    camera = CameraFactory()
    days = [timezone.now() - timedelta(days=n) for n in (3, 2, 1)]
    runs = [finished_run({camera: outcome("fault", "Picture is black.", at=at)}) for at in days]
    finished_run({camera: outcome("ok")})
    judged = runs[0].checks.get(camera=camera)
    patrol_check_review(check=judged, by=duty_operator, outcome="false_alarm", note="lens cap")
    patrol_check_review(
        check=runs[1].checks.get(camera=camera),
        by=duty_operator,
        outcome="confirmed_fault",
        note="",
    )
    client.force_login(duty_operator)
    percent = {
        day["day"]: day["percent"]
        for day in client.get(f"/patrol/cameras/{camera.pk}/history/").context["availability"]
    }
    assert [percent[timezone.localdate(at)] for at in days] == [
        100,
        0,
        0,
    ]  # judged, confirmed, not reviewed


def test_the_episode_table_shows_kind_and_false_alarm(client, duty_operator):
    camera = CameraFactory()
    first = finished_run({camera: outcome("fault", at=timezone.now() - timedelta(days=3))})
    finished_run({camera: outcome("ok", at=timezone.now() - timedelta(days=2))})
    finished_run({camera: outcome("fault", "Picture is black.")})  # picture fault, open
    patrol_check_review(
        check=first.checks.get(camera=camera),
        by=duty_operator,
        outcome="false_alarm",
        note="switch",
    )
    client.force_login(duty_operator)
    html = client.get(f"/patrol/cameras/{camera.pk}/history/").content.decode()
    assert _episode_rows(html) == [("picture_fault", "0"), ("offline", "1")]
    assert "Picture fault" in html and "Offline" in html
    assert "kind of fault" in html and "false alarm" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get(f"/patrol/cameras/{camera.pk}/history/").content.decode()
    table = html.split('data-testid="fault-episodes"', 1)[1].split("</table>", 1)[0]
    assert "画面故障" in table and "离线" in table
    assert "故障类型" in table and "误报" in table
