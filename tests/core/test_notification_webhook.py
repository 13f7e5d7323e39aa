"""Issue 16: the group-robot webhook against a real local HTTP peer. A failing endpoint is
retried with backoff and every try logged; a hanging one ends each try at the timeout and
loses nothing (the notification and its delivery stay, with the error)."""

import time

import pytest

from apps.core.models import Notification, NotificationDelivery
from apps.core.notifications import notify, retry_delay
from apps.core.tasks import notification_deliver
from tests.core.webhook_peer import WebhookPeer

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook(settings):
    settings.NOTIFICATION_CHANNELS = ["inapp", "webhook"]
    settings.NOTIFICATION_SITE_URL = "https://cctv.example.edu"
    settings.NOTIFICATION_RETRY_BACKOFF_SECONDS = 0
    return settings


def test_one_robot_message_per_notify_in_the_robots_format(webhook, duty_operator, security_chief):
    with WebhookPeer([200]) as peer:
        webhook.NOTIFICATION_WEBHOOK_URL = peer.url
        notify([duty_operator, security_chief], kind="t", title="Fault 12 breached", url="/t/12/")
        delivery = NotificationDelivery.objects.get()  # one for the group, not per person
        notification_deliver.apply(args=[delivery.pk])
    assert peer.received == [
        {
            "msgtype": "text",
            "text": {"content": "Fault 12 breached\nhttps://cctv.example.edu/t/12/"},
        }
    ]
    delivery.refresh_from_db()
    assert delivery.state == "sent"


def test_a_500_is_retried_and_every_try_logged(webhook, duty_operator):
    with WebhookPeer([500, 200]) as peer:
        webhook.NOTIFICATION_WEBHOOK_URL = peer.url
        notify([duty_operator], kind="t", title="Export ready")
        delivery = NotificationDelivery.objects.get()
        notification_deliver.apply(args=[delivery.pk])  # eager: the retry runs at once
    assert len(peer.received) == 2
    delivery.refresh_from_db()
    assert (delivery.state, delivery.tries) == ("sent", 2)
    attempts = list(delivery.attempts.order_by("number").values_list("number", "ok", "error"))
    assert attempts == [(1, False, "HTTP 500"), (2, True, "")]


def test_a_hanging_robot_times_out_every_try_and_loses_nothing(webhook, duty_operator):
    webhook.NOTIFICATION_WEBHOOK_TIMEOUT = 0.3
    webhook.NOTIFICATION_MAX_TRIES = 2
    with WebhookPeer(hang=True) as peer:
        webhook.NOTIFICATION_WEBHOOK_URL = peer.url
        notify([duty_operator], kind="t", title="Export ready")
        delivery = NotificationDelivery.objects.get()
        started = time.monotonic()
        notification_deliver.apply(args=[delivery.pk])
        elapsed = time.monotonic() - started
    assert elapsed < 5  # two tries of 0.3 s, not the peer's 30 s
    delivery.refresh_from_db()
    assert (delivery.state, delivery.tries) == ("failed", 2)
    assert all(
        not ok and "timed out" in error
        for ok, error in delivery.attempts.values_list("ok", "error")
    )
    assert Notification.objects.filter(recipient=duty_operator).count() == 1  # still in the bell


def test_an_unreachable_robot_is_logged(webhook, duty_operator):
    webhook.NOTIFICATION_WEBHOOK_URL = "http://127.0.0.1:9/closed"
    webhook.NOTIFICATION_MAX_TRIES = 1
    notify([duty_operator], kind="t", title="x")
    delivery = NotificationDelivery.objects.get()
    notification_deliver.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "refused" in delivery.last_error.lower()


def test_backoff_doubles_up_to_an_hour(settings):
    settings.NOTIFICATION_RETRY_BACKOFF_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 3600


def test_the_chief_reads_every_try_in_the_admin(webhook, duty_operator, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    webhook.NOTIFICATION_WEBHOOK_URL = "http://127.0.0.1:9/closed"
    webhook.NOTIFICATION_MAX_TRIES = 1
    notify([duty_operator], kind="t", title="Breach of ticket 7")
    delivery = NotificationDelivery.objects.get()
    notification_deliver.apply(args=[delivery.pk])
    chief = UserFactory(roles=["security_chief"], username="chief-admin", is_staff=True)
    client.force_login(chief)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=chief, confirmed=True).persistent_id
    session.save()
    page = client.get(f"/admin/core/notificationdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert "Breach of ticket 7" in page.content.decode() and "refused" in page.content.decode()


def test_a_dingtalk_secret_signs_each_message(webhook, duty_operator):
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, urlsplit

    webhook.NOTIFICATION_WEBHOOK_SECRET = "SEC-test-secret"
    with WebhookPeer([200]) as peer:
        webhook.NOTIFICATION_WEBHOOK_URL = peer.url
        notify([duty_operator], kind="t", title="x")
        notification_deliver.apply(args=[NotificationDelivery.objects.get().pk])
    query = parse_qs(urlsplit(peer.paths[0]).query)
    assert query["key"] == ["test"]  # the robot's own parameter kept
    timestamp = query["timestamp"][0]
    secret = b"SEC-test-secret"
    expected = hmac.new(secret, timestamp.encode() + b"\n" + secret, hashlib.sha256)
    assert query["sign"] == [base64.b64encode(expected.digest()).decode()]
    assert abs(int(timestamp) / 1000 - time.time()) < 60
