"""Issue 16 "Notifications and escalation": notify() stores one in-app notification per
recipient, sends nothing until the change commits, and every extra channel's delivery is a
task whose tries are logged."""

import pytest
from django.core import mail
from django.db import transaction

from apps.core.models import Notification, NotificationAttempt, NotificationDelivery
from apps.core.notifications import notify
from apps.core.tasks import notification_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_stores_one_row_per_recipient_and_no_one_else(duty_operator, security_chief):
    bystander = UserFactory(username="bystander")
    notify(
        [duty_operator, security_chief, duty_operator],
        kind="test.hello",
        title="Camera MX-1 down",
        body="No signal since 06:00.",
        url="/cameras/1/",
    )
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient.username, n.title, n.url) for n in rows] == [
        ("chief1", "Camera MX-1 down", "/cameras/1/"),
        ("operator1", "Camera MX-1 down", "/cameras/1/"),
    ]
    assert not bystander.notifications.exists()


def test_an_inactive_account_is_not_notified(duty_operator):
    duty_operator.is_active = False
    duty_operator.save()
    notify([duty_operator], kind="test.hello", title="x")
    assert not Notification.objects.exists()


def test_extra_channels_are_queued_only_after_commit(
    settings, duty_operator, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = ["inapp", "email"]
    with django_capture_on_commit_callbacks() as queued:
        notify([duty_operator], kind="test.hello", title="x")
        assert queued == []  # nothing leaves before the commit
    assert len(queued) == 1
    assert NotificationDelivery.objects.get().channel == "email"


def test_a_rolled_back_change_notifies_nobody(
    settings, duty_operator, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = ["inapp", "email", "webhook"]

    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        notify([duty_operator], kind="test.hello", title="x")
        raise Undo
    assert queued == []
    assert not Notification.objects.exists() and not NotificationDelivery.objects.exists()
    assert mail.outbox == []


def test_email_goes_out_through_django_mail_with_the_deep_link(
    settings, duty_operator, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = ["inapp", "email"]
    settings.NOTIFICATION_SITE_URL = "https://cctv.example.edu"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    duty_operator.email = "operator1@example.edu"
    duty_operator.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([duty_operator], kind="test.hello", title="Export ready", url="/exports/7/")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["operator1@example.edu"], "Export ready")]
    assert "https://cctv.example.edu/exports/7/" in mail.outbox[0].body
    delivery = NotificationDelivery.objects.get()
    assert (delivery.state, delivery.tries) == ("sent", 1)


def test_email_without_an_address_is_skipped_not_failed(settings, duty_operator):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = ["inapp", "email"]
    notify([duty_operator], kind="test.hello", title="x")
    delivery = NotificationDelivery.objects.get()
    notification_deliver.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.state == "skipped" and mail.outbox == []


def test_a_delivered_notification_is_not_sent_twice(settings, duty_operator):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = ["inapp", "email"]
    duty_operator.email = "operator1@example.edu"
    duty_operator.save()
    notify([duty_operator], kind="test.hello", title="x")
    delivery = NotificationDelivery.objects.get()
    notification_deliver.apply(args=[delivery.pk])
    notification_deliver.apply(args=[delivery.pk])  # a second delivery of the task
    assert len(mail.outbox) == 1
    assert NotificationAttempt.objects.count() == 1
