"""Notification channels: one module each behind one small interface, picked by the setting
``NOTIFICATION_CHANNELS`` (style.md §6; issue 16 "Notifications and escalation").

A channel's ``send(notification)`` returns normally when the message went out, returns
``False`` when there is nothing to send it to (no e-mail address), and raises
``ChannelError`` otherwise; the delivery task retries it with backoff and logs every try.
"""

from importlib import import_module
from typing import Protocol

from django.conf import settings


class ChannelError(Exception):
    """The channel could not deliver; the message says why (kept in the attempt's log)."""


class Channel(Protocol):
    name: str
    # False: one message per notify() call (a group robot), not one per recipient.
    per_recipient: bool

    def send(self, notification) -> bool | None: ...


KNOWN = ("inapp", "email", "webhook")


def channel_get(name: str) -> Channel:
    if name not in KNOWN:
        raise ValueError(f"unknown notification channel {name!r} (known: {', '.join(KNOWN)})")
    return import_module(f"{__name__}.{name}")


def extra_channels() -> list[Channel]:
    """The configured channels besides the in-app bell (which is the stored row itself)."""
    return [channel_get(name) for name in settings.NOTIFICATION_CHANNELS if name != "inapp"]


def absolute_link(url: str) -> str:
    """A deep link as a person outside the site opens it: the site's address in front."""
    if not url or "://" in url:
        return url
    return settings.NOTIFICATION_SITE_URL.rstrip("/") + url
