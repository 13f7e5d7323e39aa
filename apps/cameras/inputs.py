"""Checks of what is typed for a camera, on every path (form, API, import, onboarding) before
anything is saved, audited or connected to (M-1.1a, M-1.3): credentials out of the addresses,
stream schemes, ports, hosts, channels, lengths, no NUL, the camera networks.
"""

import ipaddress
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import RuleViolation

from .models import Camera, Recorder
from .networks import HostRefused, host_check, parse_networks
from .probe.targets import split_userinfo

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


def _url_port_check(parts, label: str) -> int | None:
    """The port of a split URL, checked; None when it names none (a malformed one is 0)."""
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port is not None:
        _port_check(port, label)
    return port


def host_syntax_check(host: str, label: str) -> None:
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
    _url_port_check(parts, label)
    if not parts.hostname:
        raise RuleViolation(_("%(field)s has no host.") % {"field": label})
    host_syntax_check(parts.hostname, label)
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
        port = _url_port_check(parts, label)
        if port is not None:
            if fields.get("onvif_port") not in (None, port):
                raise RuleViolation(
                    _("The ONVIF host names port %(a)d, the ONVIF port is %(b)d.")
                    % {"a": port, "b": fields["onvif_port"]}
                )
            fields["onvif_port"] = port
        host = parts.hostname or ""
        fields["onvif_host"] = host
    if host:
        host_syntax_check(host, label)


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
