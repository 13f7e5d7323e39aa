"""Writes to the camera registry.

M-1.3 / M-4.1a: only the maintenance vendor's engineers change camera settings or position, each
change under a work-order reference, with before/after values in the audit chain.
M-1.1a: credentials are replaced, never shown; the event says that they changed, not to what.
"""

import ipaddress
import re
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.audit.services import changes_between, event_append
from apps.core.exceptions import RuleViolation

from .models import CAMERA_SETTING_FIELDS, FORBIDDEN_AREA_KINDS, Camera, Location, Recorder, Site
from .networks import HostRefused, host_check, parse_networks
from .probe.targets import split_userinfo
from .selectors import camera_actions

# Where a camera's address is typed; each may carry "user:password@" that must not stay there.
URI_FIELDS = ("rtsp_main_uri", "rtsp_sub_uri")
CREDENTIAL_FIELDS = (*URI_FIELDS, "onvif_host")
STREAM_SCHEMES = ("rtsp", "rtsps")
ONVIF_SCHEMES = ("http", "https", "onvif")
USERNAME_MAX = 120
PASSWORD_MAX = 256
# Query parameters some cameras take a password in (…?user=admin&password=…).
_SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "pass", "passwort"})
_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
    r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?"
)
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # NUL, control characters and spaces


def _label(name: str) -> str:
    try:
        return str(Camera._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - not a model field: its own name
        return {"username": _("device user"), "password": _("device password")}.get(name, name)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def text_check(model: type[models.Model], /, **values: Any) -> None:
    """No NUL character anywhere (PostgreSQL refuses them with a server error) and no text
    longer than its column, before anything is written."""
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a column of this model
            field = None
        if _has_nul(value):
            label = field.verbose_name if field else name
            raise RuleViolation(_("%(field)s contains a NUL character.") % {"field": label})
        if field is None:
            continue
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise RuleViolation(
                _("%(field)s is longer than %(n)d characters.")
                % {"field": field.verbose_name, "n": limit}
            )


def _credentials_split(
    fields: dict[str, Any], username: str, password: str
) -> tuple[dict[str, Any], str, str]:
    """Move ``user:password@`` out of the stream URIs and the ONVIF host into the credentials
    (M-1.1a). Refused when the URIs disagree with each other or with the credentials given:
    a camera has one set, and we will not guess which one is meant."""
    fields = dict(fields)
    found: list[tuple[str, str]] = []
    for name in CREDENTIAL_FIELDS:
        value = fields.get(name)
        if not value:
            continue
        plain, user, secret = split_userinfo(value)
        if plain != value:
            fields[name] = plain
            found.append((user, secret))
    for user, secret in found:
        if (user and username and user != username) or (secret and password and secret != password):
            raise RuleViolation(
                _(
                    "The user or password in the address differs from the device credentials. "
                    "Enter the credentials once, in the device user and password fields."
                ),
                clause="M-1.1a",
            )
        username, password = username or user, password or secret
    return fields, username, password


def _port_check(port: Any, label: str) -> None:
    if port is None:
        return
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise RuleViolation(_("%(field)s: a port is a number from 1 to 65535.") % {"field": label})


def _host_check_syntax(host: str, label: str) -> None:
    candidate = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(candidate)
        return
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(host):
        raise RuleViolation(
            _("%(field)s: give a host name or an IP address (no path, no spaces).")
            % {"field": label}
        )


def _stream_uri_check(uri: str, label: str) -> None:
    if "@" in uri:  # what is left after the split: an unencoded "/", "?" or "#" in a password
        raise RuleViolation(
            _(
                "%(field)s: write the address without user and password and enter them in "
                "their own fields."
            )
            % {"field": label},
            clause="M-1.1a",
        )
    if _UNSAFE.search(uri):
        raise RuleViolation(
            _("%(field)s contains spaces or control characters.") % {"field": label}
        )
    parts = urlsplit(uri)
    if parts.scheme.lower() not in STREAM_SCHEMES:
        raise RuleViolation(
            _("%(field)s: a stream address starts with rtsp:// or rtsps://.") % {"field": label}
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port is not None:
        _port_check(port, label)
    if not parts.hostname:
        raise RuleViolation(_("%(field)s has no host.") % {"field": label})
    _host_check_syntax(parts.hostname, label)
    if any(key.lower() in _SECRET_QUERY_KEYS for key, _v in parse_qsl(parts.query)):
        raise RuleViolation(
            _("%(field)s: no password in the address; enter it in the device password field.")
            % {"field": label},
            clause="M-1.1a",
        )


def _onvif_host_normalise(fields: dict[str, Any]) -> None:
    """An ONVIF host given as a URL (http://host:port/onvif/device_service) becomes host and
    port; a port in the URL must agree with the port given."""
    host = fields.get("onvif_host") or ""
    label = _label("onvif_host")
    if _UNSAFE.search(host):
        raise RuleViolation(
            _("%(field)s contains spaces or control characters.") % {"field": label}
        )
    if "://" in host:
        parts = urlsplit(host)
        if parts.scheme.lower() not in ONVIF_SCHEMES or parts.path not in (
            "",
            "/",
            "/onvif/device_service",
        ):
            raise RuleViolation(
                _("%(field)s: give the host name or address of the camera.") % {"field": label}
            )
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port is not None:
            _port_check(port, label)
            if fields.get("onvif_port") not in (None, port):
                raise RuleViolation(
                    _("The ONVIF host names port %(a)d, the ONVIF port is %(b)d.")
                    % {"a": port, "b": fields["onvif_port"]}
                )
            fields["onvif_port"] = port
        host = parts.hostname or ""
        fields["onvif_host"] = host
    if host:
        _host_check_syntax(host, label)


def camera_input_clean(
    *, fields: dict[str, Any], username: str = "", password: str = ""
) -> tuple[dict[str, Any], str, str]:
    """The one gate every path passes (form, API, import, onboarding) before anything is saved,
    audited or connected to: no NUL characters, no text over its column, credentials split out
    of the addresses (M-1.1a), stream URIs rtsp/rtsps only, ports 1–65535, channels from 1.

    Returns the fields with plain addresses, and the credentials. No message repeats a value.
    """
    text_check(Camera, **fields)
    for name, value in (("username", username), ("password", password)):
        if _has_nul(value):
            raise RuleViolation(_("%(field)s contains a NUL character.") % {"field": _label(name)})
    fields, username, password = _credentials_split(fields, username or "", password or "")
    if len(username) > USERNAME_MAX or len(password) > PASSWORD_MAX:
        raise RuleViolation(_("The device user or password is too long."), clause="M-1.1a")
    for name in URI_FIELDS:
        if fields.get(name):
            _stream_uri_check(fields[name], _label(name))
    if fields.get("onvif_host"):
        _onvif_host_normalise(fields)
    _port_check(fields.get("onvif_port"), _label("onvif_port"))
    channel = fields.get("channel")
    if channel is not None and (
        isinstance(channel, bool) or not isinstance(channel, int) or channel < 1
    ):
        raise RuleViolation(_("The channel is a number from 1."))
    return fields, username, password


def camera_recorder_check(by: User | None, recorder: Recorder | None) -> None:
    """A vendor engineer connects cameras only to recorders of their own company or of none
    (M-1.3): another company's recorder is outside their scope, as its cameras are."""
    if by is None or recorder is None or not by.is_vendor_engineer:
        return
    if recorder.vendor_id not in (None, by.department_id):
        raise RuleViolation(_("This recorder is maintained by another company."), clause="M-1.3")


def camera_channel_check(channel: int | None, recorder: Recorder | None) -> None:
    if channel is None:
        return
    top = recorder.channels if recorder else 32767
    if not 1 <= channel <= top:
        if recorder:
            raise RuleViolation(
                _("Recorder %(r)s has channels 1 to %(n)d.") % {"r": recorder.code, "n": top}
            )
        raise RuleViolation(_("The channel is a number from 1."))


def camera_host_allowed(host: str) -> None:
    """Onboarding connects only inside the camera networks (settings.CAMERA_NETWORKS)."""
    try:
        host_check(host, parse_networks(settings.CAMERA_NETWORKS))
    except HostRefused as refused:
        if refused.kind == "none_configured":
            message = _(
                "No camera networks are configured (CAMERA_NETWORKS): the server connects to "
                "no camera until the security office lists them."
            )
        elif refused.kind == "unresolvable":
            message = _("The host %(host)s cannot be resolved.") % {"host": refused.host}
        else:
            message = _(
                "%(host)s (%(address)s) is outside the camera networks; the server connects "
                "only to cameras there."
            ) % {"host": refused.host, "address": refused.address}
        raise RuleViolation(message) from None


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


def _require_work_order(by: User | None, work_order: str) -> str:
    work_order = (work_order or "").strip()
    if by is not None and not work_order:
        raise RuleViolation(_("A work-order reference is required for any change."), clause="M-1.3")
    if "\x00" in work_order or len(work_order) > 64:
        raise RuleViolation(_("A work-order reference has up to 64 characters."), clause="M-1.3")
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
    work_order = _require_work_order(by, work_order)
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
    work_order = _require_work_order(by, work_order)
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
        _host_check_syntax(host, str(Recorder._meta.get_field("host").verbose_name))
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
