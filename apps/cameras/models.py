"""The camera registry: sites, locations, recorders (NVR) and cameras (M-1.3, M-2.1, M-4.1a)."""

import os
import uuid
from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import Department
from apps.core.crypto import EncryptedTextField

# Filing (备案) is due within this many days of commissioning.
FILING_DUE_DAYS = 30


@deconstructible
class RandomImagePath:
    """``upload_to`` for pictures of cameras: ``PREFIX/YYYY/MM/<uuid4 hex>.jpg``.

    The name says nothing about the camera and cannot be guessed (M-3.1); pictures are served
    only by views that check the camera is in the user's scope. Files stored under the older,
    camera-named paths stay readable: the field keeps whatever name it was saved with.
    """

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()
        if not (ext[1:].isalnum() and len(ext) <= 5):
            ext = ".jpg"
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomImagePath) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


class Site(models.Model):
    """A campus."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    class AreaKind(models.TextChoices):
        ENTRANCE = "entrance", _("Gate / entrance")
        ROAD = "road", _("Road / outdoor area")
        TEACHING = "teaching", _("Teaching building")
        LAB = "lab", _("Laboratory")
        LIBRARY = "library", _("Library")
        OFFICE = "office", _("Office")
        CANTEEN = "canteen", _("Canteen")
        SPORTS = "sports", _("Sports ground")
        PARKING = "parking", _("Car park")
        DORMITORY_PUBLIC = "dormitory_public", _("Dormitory public area")
        STORE = "store", _("Finance / store room")
        DORMITORY_ROOM = "dormitory_room", _("Student dormitory room")
        BATHROOM = "bathroom", _("Toilet / bathroom")
        CHANGING_ROOM = "changing_room", _("Changing room")
        OTHER = "other", _("Other")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="locations"
    )
    building = models.CharField(_("building"), max_length=120)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    area = models.CharField(_("area"), max_length=120, blank=True)
    area_kind = models.CharField(_("area kind"), max_length=32, choices=AreaKind.choices)

    class Meta:
        ordering = ["site", "building", "floor", "area"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "building", "floor", "area"], name="location_unique_place"
            )
        ]

    def __str__(self) -> str:
        parts = [self.building, self.floor, self.area]
        return " ".join(part for part in parts if part)


# 国务院令第799号 Art. 8: no cameras in these places (privacy).
FORBIDDEN_AREA_KINDS = frozenset(
    {Location.AreaKind.DORMITORY_ROOM, Location.AreaKind.BATHROOM, Location.AreaKind.CHANGING_ROOM}
)


class Recorder(models.Model):
    """A network video recorder (NVR) holding the footage of its channels."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="recorders"
    )
    host = models.CharField(_("host"), max_length=255, blank=True)
    vendor = models.ForeignKey(
        Department,
        verbose_name=_("maintenance vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": Department.Kind.MAINTENANCE_VENDOR},
        related_name="recorders",
    )
    channels = models.PositiveSmallIntegerField(_("channels"), default=16)

    class Meta:
        ordering = ["code"]
        verbose_name = _("recorder")
        verbose_name_plural = _("recorders")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Camera(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In service")
        SUSPENDED = "suspended", _("Suspended")
        DECOMMISSIONED = "decommissioned", _("Decommissioned")

    class Health(models.TextChoices):
        """What the duty desk sees (M-2.1, M-2.3). *Offline*: no connection or no stream (the
        probe failed at tcp/onvif/rtsp, or no frame arrived). *Picture fault*: it streams, but
        the diagnosis found the picture unusable (black, snow, frozen, white …). Both are
        fault episodes (DownEpisode). *Unchecked*: never decided by a check."""

        UNCHECKED = "unchecked", pgettext_lazy("camera health", "Not checked")
        OK = "ok", pgettext_lazy("camera health", "Normal")
        DEGRADED = "degraded", pgettext_lazy("camera health", "Degraded")
        PICTURE_FAULT = "picture_fault", pgettext_lazy("camera health", "Picture fault")
        OFFLINE = "offline", pgettext_lazy("camera health", "Offline")

    # The states of a fault episode (M-2.3): the camera is "down" in either.
    FAULT_HEALTH = (Health.OFFLINE, Health.PICTURE_FAULT)

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="cameras"
    )
    recorder = models.ForeignKey(
        Recorder,
        verbose_name=_("recorder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cameras",
    )
    channel = models.PositiveSmallIntegerField(_("channel"), null=True, blank=True)
    onvif_host = models.CharField(_("ONVIF host"), max_length=255, blank=True)
    onvif_port = models.PositiveIntegerField(_("ONVIF port"), null=True, blank=True)
    rtsp_main_uri = models.CharField(_("RTSP main stream"), max_length=500, blank=True)
    rtsp_sub_uri = models.CharField(_("RTSP sub stream"), max_length=500, blank=True)
    # M-1.1a: stored encrypted, never displayed, exported or logged.
    credential_username = EncryptedTextField(_("device user"), blank=True)
    credential_password = EncryptedTextField(_("device password"), blank=True)
    vendor = models.ForeignKey(
        Department,
        verbose_name=_("maintenance vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": Department.Kind.MAINTENANCE_VENDOR},
        related_name="cameras",
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    firmware = models.CharField(_("firmware"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=120, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on (备案)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    diagnosis_overrides = models.JSONField(_("diagnosis thresholds"), default=dict, blank=True)
    reference_snapshot = models.ImageField(
        _("reference snapshot"), upload_to=RandomImagePath("cameras/reference"), blank=True
    )
    # Kept by the patrol (not settings): the camera's health over time.
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.UNCHECKED
    )
    down_since = models.DateTimeField(_("down since"), null=True, blank=True)
    up_since = models.DateTimeField(_("up since"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_snapshot = models.ImageField(
        _("last snapshot"), upload_to=RandomImagePath("cameras/snapshots"), blank=True
    )
    last_thumbnail = models.ImageField(
        _("thumbnail"), upload_to=RandomImagePath("cameras/thumbs"), blank=True
    )
    # The work order under which a vendor engineer last changed the camera; a scene change
    # seen before work_order_until is covered by it (M-4.1a).
    work_order_ref = models.CharField(_("work order"), max_length=64, blank=True)
    work_order_until = models.DateTimeField(_("work order covers until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        indexes = [
            models.Index(fields=["status", "health"]),
            # A vendor engineer's scope (M-2.4) as ids off an index alone: the company's
            # cameras are a third of a campus of wide rows (issue 15).
            models.Index(fields=["vendor", "id"], name="camera_vendor_ids"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("camera_detail", args=[self.pk])

    @property
    def filing_due_on(self):
        if self.commissioned_on is None:
            return None
        return self.commissioned_on + timedelta(days=FILING_DUE_DAYS)

    @property
    def filing_overdue(self) -> bool:
        due = self.filing_due_on
        return bool(due and self.filed_on is None and timezone.localdate() > due)

    @property
    def has_credentials(self) -> bool:
        return bool(self.credential_password)

    @property
    def is_down(self) -> bool:
        """In a fault episode: offline or picture fault (M-2.3)."""
        return self.health in self.FAULT_HEALTH


# A camera's settings (M-1.3): what only its vendor's engineers change, each change audited
# with before/after values. One list for the form, the API and the service.
CAMERA_SETTING_FIELDS = (
    "code",
    "name",
    "location",
    "recorder",
    "channel",
    "onvif_host",
    "onvif_port",
    "rtsp_main_uri",
    "rtsp_sub_uri",
    "manufacturer",
    "model",
    "firmware",
    "serial_number",
    "commissioned_on",
    "filed_on",
    "status",
    "diagnosis_overrides",
)


class DownEpisode(models.Model):
    """A fault episode (M-2.3): from a camera's first failing check to a passing one, or to the
    duty operator's review that found the check opening it a false alarm (M-1.4)."""

    class Kind(models.TextChoices):
        OFFLINE = Camera.Health.OFFLINE.value, Camera.Health.OFFLINE.label
        PICTURE_FAULT = Camera.Health.PICTURE_FAULT.value, Camera.Health.PICTURE_FAULT.label

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="down_episodes"
    )
    started_at = models.DateTimeField(_("down since"))
    ended_at = models.DateTimeField(_("up again at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind of fault"), max_length=20, choices=Kind.choices, default=Kind.OFFLINE
    )
    # What a false alarm of the opening check restores, and the latest failing check of the
    # episode: a false alarm clears only what no later check confirmed.
    health_before = models.CharField(
        _("health before"), max_length=20, choices=Camera.Health.choices, blank=True
    )
    last_fault_at = models.DateTimeField(_("last failing check"), null=True, blank=True)
    false_alarm = models.BooleanField(_("false alarm"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("down episode")
        verbose_name_plural = _("down episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["camera"],
                condition=models.Q(ended_at=None),
                name="one_open_down_episode_per_camera",
            )
        ]

    def __str__(self) -> str:
        # Local time: the label is kept in audit events, read beside local times.
        return f"{self.camera.code} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"
