"""An outgoing JSON webhook of the kind WeCom (企业微信) and DingTalk (钉钉) group robots
accept: ``{"msgtype": "text", "text": {"content": "…"}}`` POSTed to NOTIFICATION_WEBHOOK_URL.

One message per notify() call (the group reads it once, whoever the recipients are). With
NOTIFICATION_WEBHOOK_SECRET set, the address gets DingTalk's signature ("加签": ``timestamp``
in ms and ``sign`` = base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the secret). The
request has an explicit timeout (NOTIFICATION_WEBHOOK_TIMEOUT seconds): a hanging robot ends
the try, never a page request (the try runs in a Celery task after commit).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from . import ChannelError, absolute_link

name = "webhook"
per_recipient = False


def payload(notification) -> dict:
    link = absolute_link(notification.url)
    content = "\n".join(part for part in (notification.title, notification.body, link) if part)
    return {"msgtype": "text", "text": {"content": content}}


def signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """The robot's address with DingTalk's signature parameters (its "加签" security)."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send(notification) -> bool:
    url = settings.NOTIFICATION_WEBHOOK_URL
    if not url:
        raise ChannelError("NOTIFICATION_WEBHOOK_URL is not set")
    if settings.NOTIFICATION_WEBHOOK_SECRET:
        url = signed_url(url, settings.NOTIFICATION_WEBHOOK_SECRET)
    request = urllib.request.Request(
        url,
        data=json.dumps(payload(notification), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(
            request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT
        ) as response:
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelError(f"{type(reason).__name__}: {reason}") from exc
    # The robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise ChannelError(f"errcode {errcode}: {answer[:200].decode(errors='replace')}")
    return True
