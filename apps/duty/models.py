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
