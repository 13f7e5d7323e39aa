"""Celery tasks of the notification kit: ids in, fresh state loaded, safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import NotificationDelivery
from .notifications import notification_delivery_try, retry_delay


@shared_task(bind=True, acks_late=True, max_retries=None)
def notification_deliver(self, delivery_id: int) -> str | None:
    """Try one delivery; while it stays pending, try again later with a growing delay
    (issue 16: retried with backoff, every attempt logged)."""
    delivery = notification_delivery_try(delivery_id=delivery_id)
    if delivery is None:
        return None
    if delivery.state == NotificationDelivery.State.PENDING:
        raise self.retry(countdown=retry_delay(delivery.tries))
    return delivery.state


@shared_task
def notification_resend_due(minutes: int = 60) -> list[int]:
    """Re-queue deliveries still pending long after their last try (a lost task or worker):
    the database, not the broker, records what is still due."""
    cutoff = timezone.now() - timedelta(minutes=minutes)
    due = list(
        NotificationDelivery.objects.filter(
            state=NotificationDelivery.State.PENDING, updated_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        notification_deliver.delay(pk)
    return due
