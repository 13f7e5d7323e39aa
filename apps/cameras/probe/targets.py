"""What a probe is pointed at, and how credentials stay out of every text it writes (M-1.1a).

A ``ProbeTarget`` never shows its password (``repr`` hides it), and every reason, log line
and ``ProbeResult.to_dict()`` passes ``scrub_credentials`` first, because FFmpeg and the
ONVIF library echo whole URIs, passwords included. Camera URIs come in two kinds (M-2.1):
an RTSP stream, or an ONVIF device that is asked for its stream URI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

DEFAULT_PORTS = {"rtsp": 554, "onvif": 80}

# scheme://userinfo@ : userinfo runs to the LAST "@" before the host, so an unencoded "@"
# in a password is removed too.
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^\s/?#\"'<>]*@")
# Some cameras take credentials in the query: ...?user=admin&password=...
_QUERY_SECRET = re.compile(r"(?i)\b(password|passwd|pwd|pass)=[^&\s\"'<>]*")


def scrub_credentials(text: str, *, passwords: Iterable[str] = ()) -> str:
    """``text`` with ``user:password@`` removed from every URI, and known passwords masked.

    FFmpeg, OpenCV and the ONVIF library put the whole URI into their messages (M-1.1a).
    ``passwords`` catches a password that appears outside a URI (as given or URL-encoded)
    in a library's message; our own messages never contain one.
    """
    text = _USERINFO.sub(r"\g<scheme>", str(text))
    text = _QUERY_SECRET.sub(r"\1=***", text)
    for secret in passwords:
        if secret and len(secret) >= 3:  # masking "a" would mangle every word
            for form in {secret, quote(secret, safe="")}:
                text = text.replace(form, "***")
    return text


@dataclass(frozen=True)
class ProbeTarget:
    """One camera to probe: an RTSP stream, or an ONVIF device whose stream URI we ask for.

    ``profile`` is the ONVIF media profile token to stream; None picks the profile with
    the smallest resolution (the sub stream: the same sensor at a fraction of the decode
    cost, which is what lets one worker patrol a thousand cameras).
    """

    scheme: str
    host: str
    port: int
    path: str = "/"
    username: str = ""
    password: str = field(default="", repr=False)
    profile: str | None = None
    # The camera networks (settings.CAMERA_NETWORKS, parsed): the stream address an ONVIF
    # device answers with must lie in them too. None: the caller checked nothing (tests, tools).
    networks: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def display_uri(self) -> str:
        """The target without credentials: safe to show, log and store."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        path = self.path if self.scheme == "rtsp" else ""
        return f"{self.scheme}://{host}:{self.port}{path}"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.password,) if self.password else ()


def parse_target(uri: str) -> ProbeTarget:
    """Parse ``rtsp://[user:pass@]host[:port]/path`` or ``onvif://user:pass@host[:port]``.

    Percent-encoded user names and passwords are decoded. An ONVIF URI may name a media
    profile with ``?profile=TOKEN``. Raises ValueError (message without credentials).
    """
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(scrub_credentials(f"not a camera URI: {uri} ({exc})")) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(scrub_credentials(f"not an rtsp:// or onvif:// URI: {uri}"))
    if not parts.hostname:
        raise ValueError(scrub_credentials(f"no host in {uri}"))
    profile = None
    path = parts.path or "/"
    if scheme == "rtsp":
        if parts.query:
            path = f"{path}?{parts.query}"
    else:
        profile = (parse_qs(parts.query).get("profile") or [None])[0]
    return ProbeTarget(
        scheme=scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[scheme],
        path=path,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        profile=profile,
    )


def split_userinfo(uri: str) -> tuple[str, str, str]:
    """(``uri`` without ``user:password@``, user, password), the latter two percent-decoded.

    The one splitter of credentials (M-1.1a) for stream URIs, ONVIF URLs and bare
    ``user:password@host[:port]`` hosts. It reads the authority by hand rather than through
    ``urlsplit``, so a URI with a bad port or scheme still loses its password before any
    check names what is wrong with it. The userinfo runs to the LAST "@" of the authority.
    """
    uri = str(uri)
    scheme_end = uri.find("://")
    if scheme_end >= 0 and re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*", uri[:scheme_end]):
        prefix, rest = uri[: scheme_end + 3], uri[scheme_end + 3 :]
    elif uri.startswith("//"):
        prefix, rest = "//", uri[2:]
    else:
        prefix, rest = "", uri
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" not in authority:
        return uri, "", ""
    userinfo, _at, host = authority.rpartition("@")
    user, _colon, password = userinfo.partition(":")
    return prefix + host + tail, unquote(user), unquote(password)


def _split_credentials(uri: str) -> tuple[str, str, str]:
    """(uri without userinfo, user, password), the latter two percent-decoded."""
    return split_userinfo(uri)


def _with_credentials(uri: str, username: str, password: str) -> str:
    """``uri`` with percent-encoded credentials (FFmpeg decodes them)."""
    if not username:
        return uri
    parts = urlsplit(uri)
    userinfo = quote(username, safe="") + (":" + quote(password, safe="") if password else "")
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{userinfo}@{netloc}").geturl()
