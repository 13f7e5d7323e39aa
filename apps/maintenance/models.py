"""Maintenance by the contracted vendor (M-2.3, M-2.4): contracts and fault tickets.

Models hold fields, choices and constraints; the workflow is in services.py, the clock in
sla.py (pure)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.cameras.models import Camera, Location, RandomImagePath
from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun

from .sla import DEFAULT_HOURS


class Severity(models.TextChoices):
    """The measures' two kinds of fault and their allowances (M-2.4)."""

    GENERAL = "general", _("General fault")
    MAJOR = "major", _("Major fault")


class ServiceContract(models.Model):
    """The written contract with a maintenance vendor (M-2.4): its period, the SLA hours per
    severity (never laxer than the measures) and the signed responsibility and
    information-security/confidentiality document."""

    vendor = models.ForeignKey(
        Department,
        verbose_name=_("maintenance vendor"),
        on_delete=models.PROTECT,
        related_name="service_contracts",
        limit_choices_to={"kind": Department.Kind.MAINTENANCE_VENDOR},
    )
    number = models.CharField(_("contract number"), max_length=64, unique=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    general_hours = models.PositiveSmallIntegerField(
        _("general fault cleared within (hours)"), default=DEFAULT_HOURS["general"]
    )
    major_hours = models.PositiveSmallIntegerField(
        _("major fault cleared within (hours)"), default=DEFAULT_HOURS["major"]
    )
    contacts = models.TextField(_("contacts"), blank=True)
    # Stored under a random name below MEDIA_ROOT, which no route serves: only the scoped
    # contract document view sends it (M-3.1 kit, apps/core/media.py).
    document = models.FileField(
        _("signed responsibility and confidentiality document"),
        upload_to=RandomImagePath("maintenance/contracts"),
        max_length=200,
    )
    document_type = models.CharField(_("document type"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        indexes = [
            models.Index(fields=["vendor", "ends_on"], name="maint_contract_vendor_end"),
            models.Index(fields=["-ends_on", "-id"], name="maint_contract_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(general_hours__gte=1, general_hours__lte=DEFAULT_HOURS["general"]),
                name="contract_general_hours_within_measures",
            ),
            models.CheckConstraint(
                condition=Q(major_hours__gte=1, major_hours__lte=DEFAULT_HOURS["major"]),
                name="contract_major_hours_within_measures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.vendor})"

    def get_absolute_url(self) -> str:
        return reverse("maintenance_contract_detail", args=[self.pk])

    def hours(self) -> dict[str, int]:
        return {Severity.GENERAL: self.general_hours, Severity.MAJOR: self.major_hours}


class FaultTicket(models.Model):
    """One fault on the vendor's clock (M-2.3: time it happened, location, symptom, time
    cleared; M-2.4: cleared within the severity's hours). Opened by a duty operator or from a
    confirmed patrol fault (one ticket per fault record)."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the vendor")
        ON_SITE = "on_site", _("Vendor on site")
        CLEARED = "cleared", _("Cleared by the vendor")
        REOPENED = "reopened", _("Reopened")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("ticket number"), max_length=32, unique=True, null=True)
    camera = models.ForeignKey(
        Camera,
        verbose_name=_("camera"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # None: no known vendor, the ticket waits in the security office's queue.
    vendor = models.ForeignKey(
        Department,
        verbose_name=_("maintenance vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # One ticket per fault record, held by the database (idempotent sync, M-2.3).
    fault_record = models.OneToOneField(
        FaultRecord,
        verbose_name=_("fault record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
    )
    patrol_check = models.ForeignKey(
        PatrolCheck,
        verbose_name=_("patrol check"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    allowance_hours = models.PositiveSmallIntegerField(_("to be cleared within (hours)"))
    symptom = models.CharField(_("symptom"), max_length=300)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REPORTED
    )
    occurred_at = models.DateTimeField(_("time it happened"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("time cleared"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The patrol's re-check of the camera queued by the latest clear (the same probe as the
    # daily patrol); its result verifies or reopens the ticket.
    recheck_run = models.ForeignKey(
        PatrolRun,
        verbose_name=_("re-check"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The clock as the services last computed it (sla.py), so lists filter by it:
    deadline_at = models.DateTimeField(_("deadline"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    clock_stopped_at = models.DateTimeField(_("clock stopped at"), null=True, blank=True)
    # The thresholds already notified (escalation.py), so a second run sends nothing twice.
    sla_warned_at = models.DateTimeField(
        _("80 percent of the allowance notified at"), null=True, blank=True
    )
    sla_breached_at = models.DateTimeField(_("missed deadline notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("fault ticket")
        verbose_name_plural = _("fault tickets")
        indexes = [
            models.Index(fields=["-reported_at", "-id"], name="maint_ticket_reported"),
            models.Index(fields=["state", "-reported_at"], name="maint_ticket_state"),
            models.Index(fields=["severity", "-reported_at"], name="maint_ticket_severity"),
            models.Index(fields=["vendor", "-reported_at"], name="maint_ticket_vendor"),
            models.Index(fields=["camera", "-reported_at"], name="maint_ticket_camera"),
            models.Index(fields=["clock_stopped_at", "deadline_at"], name="maint_ticket_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(camera__isnull=False) | Q(location__isnull=False),
                name="ticket_names_camera_or_location",
            )
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("maintenance_ticket_detail", args=[self.pk])


class TicketEvent(models.Model):
    """The ticket's history: one row per state change, pause and severity change, with who
    and when (M-2.3's times kept, not overwritten)."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ON_SITE = "on_site", _("On site")
        CLEARED = "cleared", _("Cleared")
        REOPENED = "reopened", _("Reopened")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")
        PAUSED = "paused", _("Clock paused")
        RESUMED = "resumed", _("Clock resumed")
        SEVERITY = "severity", _("Severity changed")
        ASSIGNED = "assigned", _("Vendor assigned")
        NOTE = "note", _("Note")
        SLA_WARNING = "sla_warning", _("80 percent of the allowance used: notified")
        SLA_BREACH = "sla_breach", _("Deadline missed: notified")

    ticket = models.ForeignKey(
        FaultTicket, verbose_name=_("fault ticket"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["ticket_id", "at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at", "id"], name="maint_event_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class TicketPause(models.Model):
    """A pause of the clock (M-2.4): a reason from the fixed list, started and ended
    explicitly, subtracted exactly once. At most one open pause per ticket."""

    class Reason(models.TextChoices):
        ACCESS_REFUSED = "access_refused", _("Site access refused by the college")
        PART_ON_ORDER = "part_on_order", _("Part on order (security chief's consent)")
        COLLEGE_POSTPONED = "college_postponed", _("Work postponed at the college's request")

    ticket = models.ForeignKey(
        FaultTicket, verbose_name=_("fault ticket"), on_delete=models.PROTECT, related_name="pauses"
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    started_at = models.DateTimeField(_("paused at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["ticket_id", "started_at", "id"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ended_at=None), name="one_open_pause_per_ticket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.reason}"


class TicketPhoto(models.Model):
    """A before/after photo the vendor's engineer attaches when clearing (M-2.3), stored under
    a random name and served only through the ticket's scope."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    ticket = models.ForeignKey(
        FaultTicket, verbose_name=_("fault ticket"), on_delete=models.PROTECT, related_name="photos"
    )
    event = models.ForeignKey(
        TicketEvent,
        verbose_name=_("ticket event"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("photo"), upload_to=RandomImagePath("maintenance/photos"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["event_id", "kind", "id"]
        verbose_name = _("ticket photo")
        verbose_name_plural = _("ticket photos")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


# --- the O&M daily log (M-2.2)


class SignedRecordError(Exception):
    """A countersigned day log, its entries or a signed addendum were to be changed: they are
    fixed once signed (M-2.2); a correction is an addendum, itself signed."""


class DayLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedRecordError("a countersigned day log is not changed")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedRecordError("a countersigned day log is not deleted")
        return super().delete()


class DayLog(models.Model):
    """The operation and maintenance log (运行维护日志) of one local day (M-2.2): the duty
    operators' entries per shift and what the system recorded, reviewed and countersigned by
    the security office. Signed, it is fixed: the system's entries are kept as they were
    signed (``system_entries``) and the digest covers the whole day."""

    day = models.DateField(_("day"), unique=True)
    signed_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sign_note = models.TextField(_("countersignature note"), blank=True)
    system_entries = models.JSONField(_("system entries as signed"), default=list, blank=True)
    digest = models.CharField(_("SHA-256 of the signed day"), max_length=64, blank=True)
    # Unsigned 24 h after the day's end: flagged and notified once (daylog.py).
    overdue_notified_at = models.DateTimeField(_("overdue notified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DayLogQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("O&M day log")
        verbose_name_plural = _("O&M day logs")

    def __str__(self) -> str:
        return self.day.isoformat()

    def save(self, *args, **kwargs):
        # The last line of defence; the services refuse first, with a sentence.
        if (
            not self._state.adding
            and DayLog.objects.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise SignedRecordError("a countersigned day log is not changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("maintenance_daylog_day", args=[self.day.isoformat()])

    def delete(self, *args, **kwargs):
        if self.signed_at is not None:
            raise SignedRecordError("a countersigned day log is not deleted")
        return super().delete(*args, **kwargs)


class DayLogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(log__signed_at__isnull=False).exists():
            raise SignedRecordError("an entry of a countersigned day is not changed")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(log__signed_at__isnull=False).exists():
            raise SignedRecordError("an entry of a countersigned day is not deleted")
        return super().delete()


class DayLogEntry(models.Model):
    """A duty operator's entry for a shift (M-2.2): the system's condition, the events, the
    faults seen and the actions taken."""

    class Shift(models.TextChoices):
        NIGHT = "night", _("Night shift")
        DAY = "day", _("Day shift")
        EVENING = "evening", _("Evening shift")

    log = models.ForeignKey(
        DayLog, verbose_name=_("O&M day log"), on_delete=models.PROTECT, related_name="entries"
    )
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    system_condition = models.TextField(_("system condition"))
    events = models.TextField(_("events"), blank=True)
    faults = models.TextField(_("faults seen"), blank=True)
    actions = models.TextField(_("actions taken"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))

    objects = DayLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["log_id", "written_at", "id"]
        verbose_name = _("O&M log entry")
        verbose_name_plural = _("O&M log entries")

    def __str__(self) -> str:
        return f"{self.log_id} {self.shift}"

    def save(self, *args, **kwargs):
        if DayLog.objects.filter(pk=self.log_id, signed_at__isnull=False).exists():
            raise SignedRecordError("an entry of a countersigned day is not changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if DayLog.objects.filter(pk=self.log_id, signed_at__isnull=False).exists():
            raise SignedRecordError("an entry of a countersigned day is not deleted")
        return super().delete(*args, **kwargs)


class DayLogAddendumQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedRecordError("a signed addendum is not changed")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedRecordError("a signed addendum is not deleted")
        return super().delete()


class DayLogAddendum(models.Model):
    """A correction to a countersigned day (M-2.2): the day stays as signed, the addendum says
    what was wrong or missing and is itself signed by the security office."""

    log = models.ForeignKey(
        DayLog, verbose_name=_("O&M day log"), on_delete=models.PROTECT, related_name="addenda"
    )
    text = models.TextField(_("correction"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    digest = models.CharField(_("SHA-256 of the signed addendum"), max_length=64, blank=True)

    objects = DayLogAddendumQuerySet.as_manager()

    class Meta:
        ordering = ["log_id", "written_at", "id"]
        verbose_name = _("O&M log addendum")
        verbose_name_plural = _("O&M log addenda")

    def __str__(self) -> str:
        return f"{self.log} +{self.pk}"

    def save(self, *args, **kwargs):
        if (
            not self._state.adding
            and DayLogAddendum.objects.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise SignedRecordError("a signed addendum is not changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.signed_at is not None:
            raise SignedRecordError("a signed addendum is not deleted")
        return super().delete(*args, **kwargs)


# --- the weekly function test (M-2.1)


class FunctionTest(models.Model):
    """The security office's weekly test of the key functions (每周检查测试, M-2.1): a
    retrieval of a random camera at a random moment of the last 30 days (the tester records
    the result), and a marker event written through the audit chain and read back to prove the
    system's logging works; signed."""

    week = models.DateField(_("week starting"), unique=True)  # the Monday, local
    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="+"
    )
    moment = models.DateTimeField(_("moment to retrieve"))
    proposed_at = models.DateTimeField(_("started at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("test started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marker_sequence = models.PositiveBigIntegerField(_("marker event sequence"))
    marker_hash = models.CharField(_("marker event hash"), max_length=64)
    marker_verified = models.BooleanField(_("marker read back and verified"), default=False)
    retrieval_ok = models.BooleanField(_("footage retrieved"), null=True, blank=True)
    retrieval_note = models.TextField(_("retrieval result"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-week"]
        verbose_name = _("weekly function test")
        verbose_name_plural = _("weekly function tests")

    def __str__(self) -> str:
        return self.week.isoformat()

    def get_absolute_url(self) -> str:
        return reverse("maintenance_function_test", args=[self.pk])
