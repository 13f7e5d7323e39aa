from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone


class Wall:
    """The time the services read (timezone.now), set by the test: ``wall.at('2026-03-10
    09:00')`` in the site's time zone."""

    def __init__(self, monkeypatch):
        self.now = None
        monkeypatch.setattr(timezone, "now", lambda: self.now or datetime.now(ZoneInfo("UTC")))

    def at(self, text: str) -> datetime:
        self.now = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(
            tzinfo=ZoneInfo("Asia/Shanghai")
        )
        return self.now


@pytest.fixture
def wall(monkeypatch):
    return Wall(monkeypatch)
