"""The duty roster of the monitoring center (M-1.2: staffed 24 hours a day).

A shift template says when a shift starts and how long it lasts; a roster assignment puts one
duty operator on one template's shift of one local day, with the concrete start and end it
works out to in the site's time zone (a night shift ends the next day).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.masking import id_number_mask


class ShiftTemplate(models.Model):
    class Preset(models.TextChoices):
        """The patterns every office starts from: three 8-hour or two 12-hour shifts."""

        EIGHT_NIGHT = "8h_night", _("Night shift 00:00–08:00 (8 hours)")
        EIGHT_DAY = "8h_day", _("Day shift 08:00–16:00 (8 hours)")
        EIGHT_EVENING = "8h_evening", _("Evening shift 16:00–24:00 (8 hours)")
        TWELVE_DAY = "12h_day", _("Day shift 08:00–20:00 (12 hours)")
        TWELVE_NIGHT = "12h_night", _("Night shift 20:00–08:00 (12 hours)")

    name = models.CharField(_("name"), max_length=80, unique=True)
    # A preset is shown by its translated label; the office's own templates by their name.
    preset = models.CharField(
        _("preset"), max_length=20, choices=Preset.choices, blank=True, default=""
    )
    start_time = models.TimeField(_("start time"))
    length_hours = models.PositiveSmallIntegerField(_("length (hours)"))
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["start_time", "length_hours", "id"]
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(length_hours__gte=1, length_hours__lte=24),
                name="duty_template_length_1_to_24h",
            ),
            models.UniqueConstraint(
                fields=["preset"], condition=~Q(preset=""), name="duty_template_preset_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_preset_display()) if self.preset else self.name


class RosterAssignment(models.Model):
    """One duty operator on one shift (M-1.2). Never deleted: unassigning marks it cancelled,
    so the roster as it was planned stays on record (M-1.3)."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.ForeignKey(
        ShiftTemplate, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="+"
    )
    # The local day the shift starts on; starts_at/ends_at are what it works out to.
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("unassigned at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unassigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The operator's own check-in and check-out of the shift (lateness, missed: M-1.2).
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster assignment")
        verbose_name_plural = _("roster assignments")
        # The month calendar and the API read a time window; the overlap check one operator's.
        indexes = [
            models.Index(fields=["starts_at"], name="duty_assign_starts"),
            models.Index(fields=["operator", "starts_at"], name="duty_assign_operator_starts"),
            # The attendance filters "missed" and "not checked in yet".
            models.Index(
                fields=["ends_at"],
                condition=Q(checked_in_at=None, cancelled_at=None),
                name="duty_assign_no_check_in",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_ends_after"),
            models.CheckConstraint(
                condition=Q(checked_out_at=None) | Q(checked_in_at__isnull=False),
                name="duty_check_out_after_in",
            ),
            models.UniqueConstraint(
                fields=["operator", "template", "date"],
                condition=Q(cancelled_at=None),
                name="duty_assign_once",
            ),
        ]
        # PostgreSQL also refuses two overlapping live shifts of one operator in the database
        # (an exclusion constraint, migration 0002), whatever the code path (M-1.2).

    def __str__(self) -> str:
        return f"{self.operator} · {self.template} · {self.date:%Y-%m-%d}"


class CenterAccess(models.Model):
    """A person authorised to enter the monitoring center (M-1.2, M-4.1a: only watch,
    management and maintenance staff). Revoking marks the grant; it is never deleted."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monitoring-center authorisation")
        verbose_name_plural = _("monitoring-center authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at=None), name="duty_access_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class CenterEntry(models.Model):
    """One person's stay in the monitoring center (M-1.2, M-4.1a): a registered person or a
    visitor with their ID document (encrypted at rest, shown masked), why, who escorted them,
    time in and out. Someone not on the authorised list comes in escorted, and the entry is
    flagged to the security chief."""

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        OTHER = "other", _("Other ID document")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visitor_name = models.CharField(_("visitor name"), max_length=60, blank=True)
    visitor_id_type = models.CharField(
        _("ID document type"), max_length=20, choices=IdType.choices, blank=True
    )
    # PIPL: encrypted at rest; pages, exports and the API show visitor_id_masked.
    visitor_id_number = EncryptedTextField(_("ID document number"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escorted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whether the person was on the authorised list when they came in (visitors never are).
    authorised = models.BooleanField(_("authorised"))
    entered_at = models.DateTimeField(_("time in"))
    left_at = models.DateTimeField(_("time out"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    left_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("time out recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monitoring-center entry")
        verbose_name_plural = _("monitoring-center entries")
        indexes = [
            models.Index(fields=["-entered_at", "-id"], name="duty_entry_entered"),
            # The register's filters: still inside; not authorised (flagged).
            models.Index(
                fields=["entered_at"], condition=Q(left_at=None), name="duty_entry_inside"
            ),
            models.Index(
                fields=["-entered_at"], condition=Q(authorised=False), name="duty_entry_flagged"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(visitor_name=""))
                | (Q(person__isnull=True) & ~Q(visitor_name="")),
                name="duty_entry_person_or_visitor",
            ),
            models.CheckConstraint(
                condition=Q(authorised=True) | Q(escort__isnull=False),
                name="duty_entry_unauthorised_escorted",
            ),
            models.CheckConstraint(
                condition=Q(left_at=None) | Q(left_at__gte=F("entered_at")),
                name="duty_entry_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        who = self.person if self.person_id else self.visitor_name
        return f"{who} · {self.entered_at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        return str(self.person) if self.person_id else self.visitor_name

    @property
    def visitor_id_masked(self) -> str:
        return id_number_mask(self.visitor_id_number)


class Handover(models.Model):
    """The outgoing shift's handover (M-1.2): a note written by its duty operator, the open
    items the apps supply (``handover_items`` providers, apps/core/providers.py) kept as they
    stood, and the incoming shift's acknowledgement. One handover per shift."""

    shift = models.OneToOneField(
        RosterAssignment,
        verbose_name=_("shift handed over"),
        on_delete=models.PROTECT,
        related_name="handover",
    )
    note = models.TextField(_("handover note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("handed over at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")
        indexes = [models.Index(fields=["-written_at", "-id"], name="duty_handover_written")]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at=None) | Q(acknowledged_by__isnull=False),
                name="duty_handover_ack_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.written_by} · {self.written_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty_handover", args=[self.pk])


class HandoverItem(models.Model):
    """One open item of a handover, as its provider described it then. ``open_since`` is the
    first handover of the unbroken run that listed the same key: an item carried over from
    shift to shift stays one item until its app no longer lists it (closed)."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=80)
    label = models.CharField(_("open item"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    source = models.CharField(_("from"), max_length=40)
    open_since = models.DateTimeField(_("open since the handover of"))

    class Meta:
        ordering = ["source", "open_since", "id"]
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        constraints = [
            models.UniqueConstraint(fields=["handover", "key"], name="duty_handover_item_once")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def carried_over(self) -> bool:
        return self.open_since < self.handover.written_at


class AbnormalEvent(models.Model):
    """An abnormal situation a duty operator found while monitoring (M-1.4): handled, reported
    to a superior at once and recorded; the superior acknowledges. Unacknowledged after
    DUTY_ABNORMAL_ESCALATE_MINUTES it is escalated to the security chief (once)."""

    class Category(models.TextChoices):
        INTRUSION = "intrusion", _("Intrusion or break-in")
        SUSPICIOUS = "suspicious", _("Suspicious person or vehicle")
        FIRE = "fire", _("Fire or smoke")
        FIGHT = "fight", _("Fight or crowd gathering")
        TRAFFIC = "traffic", _("Traffic incident")
        EQUIPMENT = "equipment", _("Equipment abnormal")
        OTHER = "other", _("Other")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    camera = models.ForeignKey(
        "cameras.Camera",
        verbose_name=_("camera"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("time seen"))
    description = models.TextField(_("what was seen"))
    action_taken = models.TextField(_("action taken"))
    reported_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("abnormal event")
        verbose_name_plural = _("abnormal events")
        indexes = [
            models.Index(fields=["-reported_at", "-id"], name="duty_abnormal_reported"),
            # The escalation task reads the unacknowledged, not yet escalated reports.
            models.Index(
                fields=["reported_at"],
                condition=Q(acknowledged_at=None, escalated_at=None),
                name="duty_abnormal_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(camera__isnull=False) | ~Q(location=""),
                name="duty_abnormal_camera_or_location",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at=None) | Q(acknowledged_by__isnull=False),
                name="duty_abnormal_ack_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty_abnormal", args=[self.pk])

    @property
    def where(self) -> str:
        if self.camera_id and self.location:
            return f"{self.camera} — {self.location}"
        return str(self.camera) if self.camera_id else self.location


class Incident(models.Model):
    """An emergency (突发事件, M-1.5) recorded by the security office: besides reporting and
    handling it, the footage of named cameras over a time range is put under a preservation
    hold so it is not destroyed or lost."""

    title = models.CharField(_("incident"), max_length=200)
    occurred_at = models.DateTimeField(_("time it happened"))
    description = models.TextField(_("description"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("incident record")
        verbose_name_plural = _("incident records")
        indexes = [models.Index(fields=["-opened_at", "-id"], name="duty_incident_opened")]

    def __str__(self) -> str:
        return f"{self.title} · {self.occurred_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty_incident", args=[self.pk])


class PreservationHold(models.Model):
    """A preservation hold (M-1.5) of an incident: the footage of these cameras from
    ``starts_at`` to ``ends_at`` is kept whatever the retention says, until the security chief
    lifts the hold (kept on record, marked)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="holds"
    )
    cameras = models.ManyToManyField("cameras.Camera", verbose_name=_("cameras"), related_name="+")
    starts_at = models.DateTimeField(_("footage from"))
    ends_at = models.DateTimeField(_("footage to"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("preservation hold")
        verbose_name_plural = _("preservation holds")
        indexes = [
            models.Index(
                fields=["starts_at", "ends_at"],
                condition=Q(lifted_at=None),
                name="duty_hold_live_span",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_hold_span"),
            models.CheckConstraint(
                condition=Q(lifted_at=None) | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="duty_hold_lift_by_reason",
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.incident.title} · {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
