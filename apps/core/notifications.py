"""The one way to notify people (issue 16 "Notifications and escalation"; every app calls it).

``notify(recipients, kind=, title=, body=, url=)`` stores one in-app ``Notification`` per
recipient in the caller's transaction and, once that commits, queues one Celery task per
delivery on every other configured channel (``NOTIFICATION_CHANNELS``). A rolled-back change
notifies nobody; a failing or hanging channel is retried with backoff by the task and never
blocks the request that notified (style.md §2: tasks start on_commit).
"""

import logging
import time
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .channels import ChannelError, channel_get, extra_channels
from .models import Notification, NotificationAttempt, NotificationDelivery

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    """Tell ``recipients`` (users; duplicates and inactive accounts dropped) about something,
    with a deep link ``url`` to it. ``title`` and ``body`` are stored as given: pass text in
    the recipients' language (the site's LANGUAGE_CODE for messages from a task)."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            url=url,
            created_at=now,
        )
        for user in people.values()
    )
    deliveries = []
    for channel in extra_channels():
        # A group robot reads one message, whoever the recipients are.
        carriers = rows if channel.per_recipient else rows[:1]
        deliveries += [NotificationDelivery(notification=n, channel=channel.name) for n in carriers]
    if not deliveries:
        return
    created = NotificationDelivery.objects.bulk_create(deliveries)
    from .tasks import notification_deliver  # the task module imports this one

    for delivery in created:
        transaction.on_commit(partial(notification_deliver.delay, delivery.pk))


def notification_delivery_try(*, delivery_id: int) -> NotificationDelivery | None:
    """One try of one delivery, logged as a ``NotificationAttempt``. Returns the delivery
    (``state`` pending means: try again later), or None when it is not due (already sent,
    skipped or given up: a second run of the task does nothing)."""
    due = NotificationDelivery.objects.filter(
        pk=delivery_id, state=NotificationDelivery.State.PENDING
    ).exists()
    if not due:
        return None
    delivery = NotificationDelivery.objects.select_related("notification__recipient").get(
        pk=delivery_id
    )
    started, clock = timezone.now(), time.monotonic()
    error = ""
    try:
        sent = channel_get(delivery.channel).send(delivery.notification)
    except ChannelError as exc:
        error, sent = str(exc) or type(exc).__name__, None
    except Exception as exc:  # a bug in a channel must not lose the delivery either
        logger.exception("notification channel %s failed", delivery.channel)
        error, sent = f"{type(exc).__name__}: {exc}", None
    number = delivery.tries + 1
    NotificationAttempt.objects.create(
        delivery=delivery,
        number=number,
        ok=not error,
        error=error[:2000],
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
    )
    if error:
        state = (
            NotificationDelivery.State.FAILED
            if number >= settings.NOTIFICATION_MAX_TRIES
            else NotificationDelivery.State.PENDING
        )
        logger.warning(
            "notification %s via %s, try %d: %s",
            delivery.notification_id,
            delivery.channel,
            number,
            error,
        )
    else:
        state = NotificationDelivery.State.SENT if sent else NotificationDelivery.State.SKIPPED
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        tries=number, state=state, last_error=error[:2000], updated_at=timezone.now()
    )
    delivery.refresh_from_db()
    return delivery


def retry_delay(tries: int) -> int:
    """Seconds before the next try: doubling from NOTIFICATION_RETRY_BACKOFF_SECONDS, at
    most an hour."""
    return min(3600, int(settings.NOTIFICATION_RETRY_BACKOFF_SECONDS * 2 ** max(0, tries - 1)))
