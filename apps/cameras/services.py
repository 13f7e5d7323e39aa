"""Writes to the camera registry.

M-1.3 / M-4.1a: only the maintenance vendor's engineers change camera settings or position, each
change under a work-order reference, with before/after values in the audit chain.
M-1.1a: credentials are replaced, never shown; the event says that they changed, not to what.
"""

from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.audit.services import changes_between, event_append
from apps.core.exceptions import RuleViolation
from apps.core.providers import provided

from .inputs import (
    camera_channel_check,
    camera_input_clean,
    camera_recorder_check,
    host_syntax_check,
    text_check,
)
from .models import CAMERA_SETTING_FIELDS, FORBIDDEN_AREA_KINDS, Camera, Location, Recorder, Site
from .selectors import camera_actions


def _full_clean(camera: Camera, exclude: list[str]) -> None:
    try:
        camera.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise RuleViolation("; ".join(exc.messages)) from None


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
    department = by.department
    if department is None or department.kind != Department.Kind.MAINTENANCE_VENDOR:
        raise RuleViolation(
            _(
                "Your account is not in a maintenance vendor company; the security office must "
                "put it in one before you change cameras."
            ),
            clause="M-1.3",
        )
    if vendor is not None and vendor.pk != by.department_id:
        raise RuleViolation(_("This camera is maintained by another company."), clause="M-1.3")


def _require_work_order(by: User | None, work_order: str, camera: Camera | None = None) -> str:
    work_order = (work_order or "").strip()
    if by is not None and not work_order:
        raise RuleViolation(_("A work-order reference is required for any change."), clause="M-1.3")
    if "\x00" in work_order or len(work_order) > 64:
        raise RuleViolation(_("A work-order reference has up to 64 characters."), clause="M-1.3")
    if by is not None and camera is not None and camera.pk is not None:
        # Apps above say which work orders they hold the camera to (maintenance: the open
        # fault ticket's number); cameras knows none of them (apps/core/providers.py).
        refusals = provided("work_order_refusals", user=by, camera=camera, work_order=work_order)
        if refusals:
            raise RuleViolation(str(refusals[0]), clause="M-1.3")
    return work_order


def _validate_overrides(overrides: dict) -> None:
    from .probe.diagnosis import DiagnosisThresholds

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
    """Register a camera (vendor engineer, under a work order).

    M-1.1a: credentials in an address are moved into the encrypted fields before anything is
    saved or audited (``camera_input_clean``).
    """
    work_order = _require_work_order(by, work_order)
    _check_vendor_engineer(by, fields.get("vendor"))
    if by is not None and fields.get("vendor") is None:
        fields["vendor"] = by.department
    fields, credential_username, credential_password = camera_input_clean(
        fields=fields, username=credential_username, password=credential_password
    )
    camera_recorder_check(by, fields.get("recorder"))
    camera_channel_check(fields.get("channel"), fields.get("recorder"))
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
    _full_clean(camera, ["reference_snapshot", "last_snapshot", "last_thumbnail"])
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
    """Change a camera's settings or position (M-1.3, M-4.1a): vendor engineers only.

    M-1.1a: a user or password typed into an address replaces the stored credentials (the
    event says so, not to what); the address is kept without them.
    """
    if "change" not in camera_actions(user=by, camera=camera):
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may change camera settings."),
            clause="M-1.3",
        )
    work_order = _require_work_order(by, work_order, camera)
    unknown = set(changes) - set(CAMERA_SETTING_FIELDS)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    _check_vendor_engineer(by, camera.vendor)
    if "onvif_host" in changes and "onvif_port" not in changes:
        changes["onvif_port"] = camera.onvif_port  # a port in an ONVIF URL must agree with it
    changes, username, password = camera_input_clean(fields=changes)
    if (username or password) and "credentials" not in camera_actions(user=by, camera=camera):
        raise RuleViolation(
            _("Only the maintenance vendor's engineers may replace credentials."),
            clause="M-1.1a",
        )
    credentials_replaced = bool(
        (username and username != camera.credential_username)
        or (password and password != camera.credential_password)
    )
    before = _snapshot(camera)
    for name, value in changes.items():
        setattr(camera, name, value)
    if "recorder" in changes:
        camera_recorder_check(by, camera.recorder)
    camera_channel_check(camera.channel, camera.recorder)
    _check_placement(camera.location)
    _validate_overrides(camera.diagnosis_overrides)
    diff = changes_between(before, _snapshot(camera))
    if not diff and not credentials_replaced:
        return camera
    _open_work_order(camera, work_order)
    if credentials_replaced:
        camera.credential_username = username or camera.credential_username
        camera.credential_password = password or camera.credential_password
    _full_clean(
        camera,
        [
            "reference_snapshot",
            "last_snapshot",
            "last_thumbnail",
            "credential_username",
            "credential_password",
        ],
    )
    camera.save()
    moved = "location" in diff
    data: dict[str, Any] = {"work_order": work_order, "changes": diff}
    if credentials_replaced:
        data["credentials_replaced"] = True
    event_append(
        actor=by,
        action="cameras.camera_update",
        target=camera,
        clause="M-4.1a" if moved else ("M-1.3" if diff else "M-1.1a"),
        data=data,
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
    work_order = _require_work_order(by, work_order, camera)
    if not password:
        raise RuleViolation(_("Enter the new password."))
    _fields, username, password = camera_input_clean(
        fields={}, username=username or "", password=password
    )
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
    work_order = _require_work_order(by, work_order, camera)
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
    text_check(Site, code=code, name=name, address=address)
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
    text_check(Location, building=building, floor=floor, area=area, area_kind=area_kind)
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
def location_get_or_create(
    *, by: User | None, site: Site, building: str, floor: str = "", area: str = "", area_kind: str
) -> tuple[Location, bool]:
    """The place with this site, building, floor and area, or a new one made by
    location_create with its audit event (M-1.3; the CSV import creates places as needed).
    An existing place keeps its kind: the camera service then judges the placement."""
    existing = Location.objects.filter(site=site, building=building, floor=floor, area=area)
    location = existing.first()
    if location is not None:
        return location, False
    location = location_create(
        by=by, site=site, building=building, floor=floor, area=area, area_kind=area_kind
    )
    return location, True


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
    text_check(Recorder, code=code, name=name, host=host)
    if host:
        host_syntax_check(host, str(Recorder._meta.get_field("host").verbose_name))
    if isinstance(channels, bool) or not isinstance(channels, int) or not 1 <= channels <= 512:
        raise RuleViolation(_("A recorder has 1 to 512 channels."))
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


def camera_fault_health(failing_layer: str | None) -> str:
    """The state a failing check leaves (M-2.1): a picture fault when the camera streamed and
    the diagnosis found the picture unusable; offline when the probe failed at tcp, onvif,
    rtsp or frame (no connection, no stream, no frame) or did not say where."""
    if failing_layer == "diagnosis":
        return Camera.Health.PICTURE_FAULT
    return Camera.Health.OFFLINE


@transaction.atomic
def camera_health_record(
    *,
    camera: Camera,
    verdict: str,
    checked_at,
    failing_layer: str | None = None,
    reason: str = "",
    snapshot_jpeg: bytes | None = None,
    thumbnail_jpeg: bytes | None = None,
) -> Camera:
    """Keep the camera's health from a check (M-2.1, M-2.3).

    A failing check makes the camera offline or a picture fault (``camera_fault_health``).
    Either is a fault episode: one DownEpisode from the first failing check until a passing
    one, with down_since / up_since on the camera; the episode keeps its kind, the state before
    it (what a false alarm restores) and its latest failing check. An ``unknown`` verdict (the
    check itself could not decide) changes nothing but the time of the last check.
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
    if verdict == "fault":
        kind = camera_fault_health(failing_layer)
        if not camera.is_down:
            DownEpisode.objects.get_or_create(
                camera=camera,
                ended_at=None,
                defaults={
                    "started_at": checked_at,
                    "reason": reason[:300],
                    "kind": kind,
                    "health_before": camera.health,
                    "last_fault_at": checked_at,
                },
            )
            camera.down_since = checked_at
            fields.append("down_since")
            event_append(
                actor=None,
                action="cameras.camera_down",
                target=camera,
                clause="M-2.3",
                data={"reason": reason, "at": checked_at, "health": kind},
            )
        else:
            DownEpisode.objects.filter(camera=camera, ended_at=None).filter(
                models.Q(last_fault_at=None) | models.Q(last_fault_at__lt=checked_at)
            ).update(last_fault_at=checked_at)
            if camera.health != kind:
                event_append(
                    actor=None,
                    action="cameras.camera_fault_change",
                    target=camera,
                    clause="M-2.3",
                    data={"reason": reason, "at": checked_at, "from": camera.health, "to": kind},
                )
        camera.health = kind
        fields.append("health")
    elif verdict in ("ok", "degraded"):
        if camera.is_down:
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


class CheckLedger(Protocol):
    """What only the patrol knows about a camera's checks, asked by ``camera_false_alarm_clear``
    (cameras import no patrol). Times are check times; a *decided* check gave ok, degraded or
    fault (an undetermined one decides nothing)."""

    def faults_standing(self, *, since: datetime, until: datetime | None) -> bool:
        """A failing check in [since, until] (until None: up to now) not judged a false alarm."""
        ...

    def decided_after(self, *, at: datetime) -> bool:
        """A decided check came after ``at``."""
        ...

    def verdict_before(self, *, at: datetime) -> str | None:
        """The verdict of the latest decided check before ``at`` not judged a false alarm."""
        ...


@transaction.atomic
def camera_false_alarm_clear(
    *,
    camera: Camera,
    check_at: datetime,
    verdict: str,
    checks: CheckLedger,
    by: User,
    at: datetime,
    note: str = "",
):
    """The duty operator judged the check made at ``check_at`` a false alarm (M-1.4); undo what
    it caused, and nothing a check still standing caused.

    A failing check: its fault episode is a false alarm once every failing check in it has been
    judged one, in whatever order the reviews come (a confirmed or unreviewed one keeps it). An
    open episode then ends ``at`` (the review's time) and the camera returns to its state before
    it (normal if it had none); one a passing check already ended is only marked.
    A degraded check that is still the camera's latest decided one: the camera returns to the
    state before that check (normal if none known, or if that was a fault the check ended).

    Called by ``patrol_check_review``, which decides who may review. Returns the episode or
    camera cleared, or None.
    """
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if verdict == "degraded":
        return _degraded_false_alarm_clear(camera, check_at, checks, by, at, note)
    if verdict != "fault":
        return None
    return _episode_false_alarm_clear(camera, check_at, checks, by, at, note)


def _episode_false_alarm_clear(camera, check_at, checks, by, at, note):
    from .models import DownEpisode

    episode = (
        DownEpisode.objects.filter(camera=camera, false_alarm=False, started_at__lte=check_at)
        .filter(models.Q(ended_at=None) | models.Q(ended_at__gt=check_at))
        .order_by("-started_at")
        .first()
    )
    if episode is None:
        return None
    # Episodes from before last_fault_at was kept: every failing check until they ended.
    if checks.faults_standing(
        since=episode.started_at, until=episode.last_fault_at or episode.ended_at
    ):
        return None
    was_open = episode.ended_at is None
    # Conditional UPDATE, not select_for_update: SQLite (embedded) ignores row locks.
    won = DownEpisode.objects.filter(pk=episode.pk, false_alarm=False, ended_at=episode.ended_at)
    if not won.update(false_alarm=True, **({"ended_at": at} if was_open else {})):
        return None
    episode.refresh_from_db()
    was = camera.health
    fields = ["down_since"]
    if was_open:
        before = episode.health_before
        camera.health = (
            before if before in (Camera.Health.OK, Camera.Health.DEGRADED) else Camera.Health.OK
        )
        fields.append("health")
        if camera.up_since is None:
            camera.up_since = check_at
            fields.append("up_since")
    # The camera was up all along: its last real episode is what "down since" names.
    camera.down_since = (
        DownEpisode.objects.filter(camera=camera, false_alarm=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    camera.save(update_fields=fields)
    event_append(
        actor=by,
        action="cameras.false_alarm_clear",
        target=camera,
        clause="M-1.4",
        data={
            "episode": episode.pk,
            "check_at": check_at,
            "episode_was_open": was_open,
            "from": was,
            "to": camera.health,
            "note": note,
        },
    )
    return episode


def _degraded_false_alarm_clear(camera, check_at, checks, by, at, note):
    if camera.health != Camera.Health.DEGRADED or checks.decided_after(at=check_at):
        return None  # a later check decided the state: it stands
    restored = (
        Camera.Health.DEGRADED
        if checks.verdict_before(at=check_at) == "degraded"
        else Camera.Health.OK
    )
    if restored == camera.health:
        return None
    # Conditional UPDATE: only while the camera is still degraded.
    if not Camera.objects.filter(pk=camera.pk, health=Camera.Health.DEGRADED).update(
        health=restored
    ):
        return None
    camera.refresh_from_db()
    event_append(
        actor=by,
        action="cameras.false_alarm_clear",
        target=camera,
        clause="M-1.4",
        data={
            "check_at": check_at,
            "from": Camera.Health.DEGRADED,
            "to": restored,
            "note": note,
        },
    )
    return camera
