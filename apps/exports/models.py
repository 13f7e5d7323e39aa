"""A background export of a register (issue 15 "Large exports"): who asked, for which register
and search, how far it got, and the file it made — stored outside the web root under a random
name, with its SHA-256, until it expires (EXPORT_TTL_HOURS)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    register = models.CharField(_("register"), max_length=64)  # RegisterListView.register_name
    query = models.TextField(_("search"), blank=True)  # the register's canonical query string
    path = models.CharField(_("register address"), max_length=200, blank=True)
    # The requester's language: the file's headers and labels and the notification use it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    # At the request: the capped count (PAGE_ROWS_CAP + 1 means "more than the cap").
    rows_total = models.PositiveIntegerField(_("rows expected"), default=0)
    file_name = models.CharField(max_length=100, blank=True)  # random, under EXPORT_ROOT
    download_name = models.CharField(_("file name"), max_length=150, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress (stale = lost)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["owner", "-id"], name="exports_owner_id"),  # my exports
            models.Index(fields=["state", "expires_at"], name="exports_state_expiry"),  # purge
        ]

    def __str__(self) -> str:
        return f"{self.register} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("export_detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
