"""The daily patrol (每日巡检, M-2.1): runs, one check per run × camera, fault records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cameras.models import Camera, DownEpisode, RandomImagePath, Site


class PatrolRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Daily schedule")
        MANUAL = "manual", _("Started by an operator")
        COMMAND = "command", _("Command line")

    class Kind(models.TextChoices):
        """A daily patrol is the record of M-2.1 and is countersigned (M-2.2); a re-check of one
        camera ("Check now") is neither."""

        DAILY = "daily", _("Daily patrol")
        RECHECK = "recheck", _("Re-check")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished, awaiting review")
        SIGNED = "signed", _("Countersigned")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DAILY)
    # The local day a scheduled run is for: the database keeps it to one per day (M-2.1).
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    camera = models.ForeignKey(
        Camera,
        verbose_name=_("camera"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RUNNING
    )
    active_cameras = models.PositiveIntegerField(_("active cameras"), default=0)
    # The progress counts over every camera, written when the run finishes: a finished run's
    # checks never change again (a check is written only while pending), so a page of runs
    # reads them here instead of aggregating 10,000 checks a run (issue 15).
    tally = models.JSONField(_("counts at finish"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    sign_note = models.TextField(_("countersignature note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol run")
        verbose_name_plural = _("patrol runs")
        # The run list: daily runs (the default filter) or all, newest first (issue 15).
        indexes = [
            models.Index(fields=["kind", "-started_at", "-id"], name="patrol_run_kind_started"),
            models.Index(fields=["-started_at", "-id"], name="patrol_run_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["scheduled_for"],
                condition=Q(trigger="schedule"),
                name="one_scheduled_run_per_day",
            )
        ]

    def __str__(self) -> str:
        # Local time: the label is kept in audit events, read beside local times.
        return f"#{self.pk} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("patrol_run_detail", args=[self.pk])


# A result the duty operator must confirm (M-1.4): checked, and not normal or its scene changed
# without a work order covering it. The one definition: the database computes ``flagged`` from
# it on every write, so a filter and an instance always agree.
FLAGGED = Q(state="done") & (
    ~Q(verdict="ok") | (Q(scene_changed=True) & Q(covered_by_work_order=""))
)


class PatrolCheck(models.Model):
    """One camera's check in one run. Unique per run × camera: a task delivered twice finds
    the row already done and returns."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Checked")
        NOT_CHECKED = "not_checked", _("Not checked")

    class Verdict(models.TextChoices):
        OK = "ok", _("Normal")
        DEGRADED = "degraded", _("Degraded")
        FAULT = "fault", _("Fault")
        UNKNOWN = "unknown", _("Undetermined")

    class Review(models.TextChoices):
        NONE = "", _("Not reviewed")
        CONFIRMED_FAULT = "confirmed_fault", _("Confirmed fault")
        FALSE_ALARM = "false_alarm", _("False alarm")

    run = models.ForeignKey(
        PatrolRun, verbose_name=_("patrol run"), on_delete=models.PROTECT, related_name="checks"
    )
    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="patrol_checks"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    failing_layer = models.CharField(_("failing layer"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The reason as a code of apps.cameras.probe.reasons.REASONS and its params, so pages say
    # it in the reader's language; old rows have none and show ``reason`` as stored.
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    latency_ms = models.JSONField(_("latency per layer (ms)"), default=dict, blank=True)
    scene_changed = models.BooleanField(_("scene changed"), default=False)
    covered_by_work_order = models.CharField(_("covered by work order"), max_length=64, blank=True)
    snapshot = models.ImageField(
        _("snapshot"), upload_to=RandomImagePath("patrol/snapshots"), blank=True
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=RandomImagePath("patrol/thumbs"), blank=True
    )
    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, blank=True, default=""
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    flagged = models.GeneratedField(
        verbose_name=_("flagged"),
        expression=models.Case(
            models.When(FLAGGED, then=models.Value(True)), default=models.Value(False)
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        # By run, then camera as registered: the unique index serves it; ordering by camera
        # code joined and sorted every check on each page (issue 15).
        ordering = ["run_id", "camera_id"]
        verbose_name = _("patrol check")
        verbose_name_plural = _("patrol checks")
        constraints = [
            models.UniqueConstraint(fields=["run", "camera"], name="one_check_per_run_camera")
        ]
        indexes = [
            # A run's progress counts for one company's cameras (a vendor engineer's run page)
            # read off the index alone: what each count needs is in it (issue 15).
            models.Index(
                fields=["run", "state"],
                include=["camera", "verdict", "scene_changed"],
                name="patrol_check_progress",
            ),
            models.Index(fields=["camera", "checked_at"]),
            # ?verdict= filters in the list's order.
            models.Index(fields=["verdict", "run", "camera"], name="patrol_check_verdict"),
            # The run page: its flagged results (a few hundred of 10,000) and who reviewed
            # any of them (the countersignature rule), each read off an index alone; the
            # dashboard's counts of them awaiting review and of scene changes too. Partial:
            # the flagged results only (a few per cent of 3 million).
            models.Index(
                fields=["run", "camera"],
                condition=Q(flagged=True),
                include=["review", "state", "verdict", "scene_changed", "covered_by_work_order"],
                name="patrol_check_flagged_only",
            ),
            models.Index(fields=["run", "reviewed_by"], name="patrol_check_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.camera_id} {self.verdict}"


class FaultRecord(models.Model):
    """One per camera fault episode (not one per day), opened by the first confirmed fault;
    the maintenance workflow turns it into a ticket (M-2.3)."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="fault_records"
    )
    episode = models.OneToOneField(
        DownEpisode,
        verbose_name=_("down episode"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fault_record",
    )
    first_check = models.ForeignKey(
        PatrolCheck,
        verbose_name=_("first confirmed check"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("time it happened"))
    symptom = models.CharField(_("symptom"), max_length=300)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("reported at"))
    cleared_at = models.DateTimeField(_("time cleared"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("fault record")
        verbose_name_plural = _("fault records")
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="patrol_fault_occurred"),
            # ?open= (not cleared yet), newest first.
            models.Index(fields=["cleared_at", "-occurred_at"], name="patrol_fault_cleared"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at)
        return f"{self.camera.code} {when:%Y-%m-%d %H:%M} {self.symptom}"
