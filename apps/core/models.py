"""The notification kit's records (issue 16 "Notifications and escalation").

A ``Notification`` is one message to one person: the in-app bell reads these rows. Each extra
channel (e-mail, a group robot's webhook) gets a ``NotificationDelivery`` that records what is
still due, and every try of it leaves a ``NotificationAttempt``: a failing or hanging endpoint
loses nothing and every failure can be read back (M-1.4: abnormal situations reported at once).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)  # a short code, e.g. "exports.done"
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # a deep link in the site
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The list: a person's newest first.
            models.Index(fields=["recipient", "-id"], name="core_notif_recipient_id"),
            # The bell: a person's unread count reads only the unread rows.
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="core_notif_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One channel's delivery of a notification; the database, not the broker, says what is
    still due (style.md §7)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")  # e.g. no e-mail address
        FAILED = "failed", _("Failed")  # every try failed

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=32)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        indexes = [models.Index(fields=["state", "updated_at"], name="core_delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_state_display()}"


class NotificationAttempt(models.Model):
    """One try of one delivery: when, how long, and what went wrong."""

    delivery = models.ForeignKey(
        NotificationDelivery, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField(_("try"))
    ok = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("notification attempt")
        verbose_name_plural = _("notification attempts")

    def __str__(self) -> str:
        return f"#{self.number} {'ok' if self.ok else self.error[:40]}"
