"""Writes of the notification kit. Reading one's notifications is not evidence of any clause:
these leave no audit event (the audit app sits above core)."""

from django.utils import timezone

from .models import Notification


def notification_read(*, notification: Notification, by) -> Notification:
    """Mark one of ``by``'s own notifications read (the first reading counts)."""
    if notification.recipient_id != by.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
        notification.refresh_from_db()
    return notification


def notification_read_all(*, by) -> int:
    """Mark every unread notification of ``by`` read; how many were."""
    return Notification.objects.filter(recipient=by, read_at=None).update(read_at=timezone.now())
