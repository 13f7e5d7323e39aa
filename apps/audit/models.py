"""The one audit mechanism: an append-only, hash-chained event log (M-1.3, M-3.4, M-4.2).

Each row's hash is SHA-256 over the canonical encoding of the row and the previous row's
hash (see apps.audit.chain). The model refuses updates and deletes; on PostgreSQL a trigger
refuses them too (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or remove a recorded audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A snapshot: the event keeps saying who acted even if the account is renamed.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True, db_index=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, db_index=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    clause = models.CharField(_("clause"), max_length=16, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Every filter of the register and the API in the list's order (issue 15): the date
        # range, the action (exact codes a label matched), the clause prefix, the actor and
        # the target id, each with -sequence so a page is read off the index. The text
        # searches (icontains) use pg_trgm indexes on PostgreSQL: migration 0003.
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["action", "-sequence"], name="audit_action_seq"),
            models.Index(fields=["clause", "-sequence"], name="audit_clause_seq"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor_seq"),
            models.Index(fields=["target_id", "-sequence"], name="audit_target_id_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")
