"""Camera page: verdict history, 30-day availability chart and down episodes (M-2.1, M-2.3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

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
