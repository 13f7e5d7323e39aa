"""Writes to the camera registry.

M-1.3 / M-4.1a: only the maintenance vendor's engineers change camera settings or position, each
change under a work-order reference, with before/after values in the audit chain.
M-1.1a: credentials are replaced, never shown; the event says that they changed, not to what.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.audit.services import changes_between, event_append
from apps.core.exceptions import RuleViolation

from .models import CAMERA_SETTING_FIELDS, FORBIDDEN_AREA_KINDS, Camera, Location, Recorder, Site
from .selectors import camera_actions


def _snapshot(camera: Camera) -> dict[str, Any]:
    # Foreign keys by id: the audit event keeps plain values.
    return {name: getattr(camera, _attname(name)) for name in CAMERA_SETTING_FIELDS}


def _attname(name: str) -> str:
    return Camera._meta.get_field(name).attname


def _check_placement(location: Location) -> None:
    """国务院令799 Art. 8: no camera in dormitory rooms, bathrooms or changing rooms."""
    if location.area_kind in FORBIDDEN_AREA_KINDS:
        raise RuleViolation(
            _("A camera may not be placed in a %(kind)s (State Council Decree 799, Art. 8).")
            % {"kind": location.get_area_kind_display()},
            clause="M-4.1c",
        )


def _check_vendor_engineer(by: User | None, vendor: Department | None) -> None:
    if by is None:  # the system itself: demo data, migrations of data
        return
    if not by.is_vendor_engineer:
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may change camera settings."),
            clause="M-1.3",
        )
    if vendor is not None and vendor.pk != by.department_id:
        raise RuleViolation(_("This camera is maintained by another company."), clause="M-1.3")


def _require_work_order(by: User | None, work_order: str) -> str:
    work_order = (work_order or "").strip()
    if by is not None and not work_order:
        raise RuleViolation(_("A work-order reference is required for any change."), clause="M-1.3")
    return work_order


def _validate_overrides(overrides: dict) -> None:
    from .diagnosis import DiagnosisThresholds

    try:
        DiagnosisThresholds.from_overrides(overrides or {})
    except (ValueError, TypeError) as exc:
        raise RuleViolation(str(exc)) from exc


def _open_work_order(camera: Camera, work_order: str) -> None:
    if work_order:
        camera.work_order_ref = work_order
        camera.work_order_until = timezone.now() + timedelta(hours=settings.CAMERA_WORK_ORDER_HOURS)


@transaction.atomic
def camera_create(
    *,
    by: User | None,
    work_order: str = "",
    credential_username: str = "",
    credential_password: str = "",
    **fields: Any,
) -> Camera:
    """Register a camera (vendor engineer, under a work order)."""
    work_order = _require_work_order(by, work_order)
    if by is not None and fields.get("vendor") is None:
        fields["vendor"] = by.department
    _check_vendor_engineer(by, fields.get("vendor"))
    _check_placement(fields["location"])
    _validate_overrides(fields.get("diagnosis_overrides") or {})
    if Camera.objects.filter(code=fields["code"]).exists():
        raise RuleViolation(
            _("A camera with code %(code)s exists already.") % {"code": fields["code"]}
        )
    camera = Camera(
        credential_username=credential_username, credential_password=credential_password, **fields
    )
    _open_work_order(camera, work_order)
    camera.full_clean(exclude=["reference_snapshot", "last_snapshot", "last_thumbnail"])
    camera.save()
    event_append(
        actor=by,
        action="cameras.camera_create",
        target=camera,
        clause="M-1.3",
        data={
            "work_order": work_order,
            "after": _snapshot(camera),
            "credentials_set": camera.has_credentials,
        },
    )
    return camera


@transaction.atomic
def camera_update(*, camera: Camera, by: User, work_order: str, **changes: Any) -> Camera:
    """Change a camera's settings or position (M-1.3, M-4.1a): vendor engineers only."""
    if "change" not in camera_actions(user=by, camera=camera):
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may change camera settings."),
            clause="M-1.3",
        )
    work_order = _require_work_order(by, work_order)
    unknown = set(changes) - set(CAMERA_SETTING_FIELDS)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    before = _snapshot(camera)
    for name, value in changes.items():
        setattr(camera, name, value)
    _check_placement(camera.location)
    _check_vendor_engineer(by, camera.vendor)
    _validate_overrides(camera.diagnosis_overrides)
    diff = changes_between(before, _snapshot(camera))
    if not diff:
        return camera
    _open_work_order(camera, work_order)
    camera.full_clean(
        exclude=[
            "reference_snapshot",
            "last_snapshot",
            "last_thumbnail",
            "credential_username",
            "credential_password",
        ]
    )
    camera.save()
    moved = "location" in diff
    event_append(
        actor=by,
        action="cameras.camera_update",
        target=camera,
        clause="M-4.1a" if moved else "M-1.3",
        data={"work_order": work_order, "changes": diff},
    )
    return camera


@transaction.atomic
def camera_credentials_replace(
    *, camera: Camera, by: User, work_order: str, username: str, password: str
) -> Camera:
    """Replace the device credentials (M-1.1a). The event records the fact, not the values."""
    if "credentials" not in camera_actions(user=by, camera=camera):
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may replace credentials."), clause="M-1.1a"
        )
    work_order = _require_work_order(by, work_order)
    if not password:
        raise RuleViolation(_("Enter the new password."))
    camera.credential_username = username
    camera.credential_password = password
    camera.save(update_fields=["credential_username", "credential_password", "updated_at"])
    event_append(
        actor=by,
        action="cameras.credentials_replace",
        target=camera,
        clause="M-1.1a",
        data={"work_order": work_order},
    )
    return camera


@transaction.atomic
def camera_reference_set(
    *, camera: Camera, by: User | None, jpeg: bytes, work_order: str = ""
) -> Camera:
    """Take a new reference snapshot (the picture scene changes are judged against)."""
    if by is not None and "change" not in camera_actions(user=by, camera=camera):
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may re-take the reference picture."),
            clause="M-4.1a",
        )
    work_order = _require_work_order(by, work_order)
    camera.reference_snapshot.save(f"{camera.code}.jpg", ContentFile(jpeg), save=False)
    camera.save(update_fields=["reference_snapshot", "updated_at"])
    event_append(
        actor=by,
        action="cameras.reference_set",
        target=camera,
        clause="M-4.1a",
        data={"work_order": work_order},
    )
    return camera


@transaction.atomic
def site_create(*, by: User | None, code: str, name: str, address: str = "") -> Site:
    _check_vendor_engineer(by, None)
    site = Site.objects.create(code=code, name=name, address=address)
    event_append(
        actor=by,
        action="cameras.site_create",
        target=site,
        clause="M-1.3",
        data={"code": code, "name": name},
    )
    return site


@transaction.atomic
def location_create(
    *, by: User | None, site: Site, building: str, floor: str = "", area: str = "", area_kind: str
) -> Location:
    _check_vendor_engineer(by, None)
    location = Location(site=site, building=building, floor=floor, area=area, area_kind=area_kind)
    location.full_clean()
    location.save()
    event_append(
        actor=by,
        action="cameras.location_create",
        target=location,
        clause="M-1.3",
        data={
            "site": site.code,
            "building": building,
            "floor": floor,
            "area": area,
            "area_kind": area_kind,
        },
    )
    return location


@transaction.atomic
def recorder_create(
    *,
    by: User | None,
    code: str,
    name: str,
    site: Site,
    host: str = "",
    vendor: Department | None = None,
    channels: int = 16,
) -> Recorder:
    _check_vendor_engineer(by, vendor)
    recorder = Recorder.objects.create(
        code=code,
        name=name,
        site=site,
        host=host,
        vendor=vendor or (by.department if by else None),
        channels=channels,
    )
    event_append(
        actor=by,
        action="cameras.recorder_create",
        target=recorder,
        clause="M-1.3",
        data={"code": code, "name": name, "host": host},
    )
    return recorder


@transaction.atomic
def camera_health_record(
    *,
    camera: Camera,
    verdict: str,
    checked_at,
    reason: str = "",
    snapshot_jpeg: bytes | None = None,
    thumbnail_jpeg: bytes | None = None,
) -> Camera:
    """Keep the camera's health from a check (M-2.1, M-2.3).

    A camera is down from its first failing check until a passing one: one DownEpisode per
    span, with down_since / up_since on the camera. An ``unknown`` verdict (the check itself
    could not decide) changes nothing but the time of the last check.
    """
    from .models import DownEpisode

    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    camera.last_checked_at = checked_at
    fields = ["last_checked_at"]
    if snapshot_jpeg:
        camera.last_snapshot.save(f"{camera.code}.jpg", ContentFile(snapshot_jpeg), save=False)
        fields.append("last_snapshot")
    if thumbnail_jpeg:
        camera.last_thumbnail.save(f"{camera.code}.jpg", ContentFile(thumbnail_jpeg), save=False)
        fields.append("last_thumbnail")
    if verdict == "fault" and camera.health != Camera.Health.DOWN:
        camera.health = Camera.Health.DOWN
        camera.down_since = checked_at
        fields += ["health", "down_since"]
        DownEpisode.objects.get_or_create(
            camera=camera,
            ended_at=None,
            defaults={"started_at": checked_at, "reason": reason[:300]},
        )
        event_append(
            actor=None,
            action="cameras.camera_down",
            target=camera,
            clause="M-2.3",
            data={"reason": reason, "at": checked_at},
        )
    elif verdict in ("ok", "degraded"):
        if camera.health == Camera.Health.DOWN:
            camera.up_since = checked_at
            fields.append("up_since")
            DownEpisode.objects.filter(camera=camera, ended_at=None).update(ended_at=checked_at)
            event_append(
                actor=None,
                action="cameras.camera_up",
                target=camera,
                clause="M-2.3",
                data={"at": checked_at, "down_since": camera.down_since},
            )
        elif camera.up_since is None:
            camera.up_since = checked_at
            fields.append("up_since")
        camera.health = Camera.Health.OK if verdict == "ok" else Camera.Health.DEGRADED
        fields.append("health")
    camera.save(update_fields=fields)
    return camera
