"""Reads of the notification kit: a person sees their own notifications only."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (others' are nobody else's business)."""
    return Notification.objects.filter(recipient=user).order_by("-id")


def notification_get(*, user, pk: int) -> Notification:
    return get_object_or_404(notification_list(user=user), pk=pk)  # another's: 404


def notification_unread_count(*, user) -> int:
    """The bell's number: one COUNT over the partial index of unread rows."""
    return Notification.objects.filter(recipient=user, read_at=None).count()
