"""M-2.1: the camera's 30-day availability shows its date axis and its values as text, not only
on hover, in both languages (issue 14 §6)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def _history(client, camera, **headers) -> str:
    response = client.get(f"/patrol/cameras/{camera.pk}/history/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _table(html: str) -> dict[str, str]:
    table = html[html.index('data-testid="availability-table"') :]
    table = table[: table.index("</table>")]
    return {
        day: re.sub(r"<[^>]+>", " ", cell).split()[0] if "%" in cell else "—"
        for day, cell in re.findall(r'<td data-day="([\d-]+)"[^>]*>(.*?)</td>', table, re.S)
    }


def test_axis_dates_and_daily_values_are_text(client, duty_operator):
    camera = CameraFactory()
    today = timezone.localdate()
    two_days_ago = timezone.now() - timedelta(days=2)
    finished_run({camera: outcome("fault", "Picture is black.", at=two_days_ago)})
    finished_run({camera: outcome("ok", at=two_days_ago + timedelta(minutes=5))})
    finished_run({camera: outcome("ok")})
    client.force_login(duty_operator)
    html = _history(client, camera)

    values = _table(html)
    assert len(values) == 30
    assert values[today.isoformat()] == "100%"
    assert values[(today - timedelta(days=2)).isoformat()] == "50%"
    assert values[(today - timedelta(days=1)).isoformat()] == "—"  # not checked that day
    assert "not checked" in html
    # the x axis names dates every 7 days, ending today; the y axis its scale
    ticks = re.findall(r'data-testid="availability-tick">([\d-]+)<', html)
    assert ticks == [(today - timedelta(days=d)).strftime("%m-%d") for d in (28, 21, 14, 7, 0)]
    chart = html[html.index('data-testid="availability-chart"') : html.index("</figure>")]
    assert "100%" in chart and "50%" in chart and "0%" in chart


def test_chart_reads_in_chinese(client, duty_operator):
    camera = CameraFactory()
    finished_run({camera: outcome("ok")})
    client.force_login(duty_operator)
    html = _history(client, camera, HTTP_ACCEPT_LANGUAGE="zh-hans")
    table = html[html.index('data-testid="availability-table">') + 32 : html.index("</table>")]
    assert "每日在线率" in table and "日期" in table and "未检测" in table
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>", " ", table))
