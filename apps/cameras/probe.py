"""Layered probe of one camera for the daily patrol signal check (M-2.1).

TCP reachability -> ONVIF (device information, clock drift, stream URI) -> RTSP (DESCRIBE,
SETUP, PLAY) -> frames (from the first key frame, over a window of ~1 s) -> image
diagnosis. Every layer is timed and bounded by ``ProbeTimeouts``, and the first one that
fails names the reason, so a duty operator reads "authentication failed (401)" or "no RTSP
answer ...: timed out after 3.0 s", not "no picture". Plain module: no Django import; a
service stores the results.

Why our own RTSP client: OpenCV's FFmpeg backend opens streams under one process-wide lock,
so one process could start about 1.4 cameras a second. Here the RTSP session and the RTP
depacketizing (H.264, H.265) run on the event loop for any number of cameras at once, and
OpenCV only decodes the collected access units from memory. Other codecs (MJPEG, MPEG-4)
fall back to ``cv2.VideoCapture`` on the RTSP URI, bounded by its open and read timeouts.

Credentials (M-1.1a): a ``ProbeTarget`` never shows its password (``repr`` hides it), and
every reason, log line and ``ProbeResult.to_dict()`` passes ``scrub_credentials`` first,
because FFmpeg and the ONVIF library echo whole URIs, passwords included; FFmpeg's own log
is silenced.

Many cameras per process: ``probe_many`` keeps a bounded number of probes in flight on one
event loop, the decoding in a thread pool of the same size (OpenCV releases the GIL).
Measured on 2 cores: 1,000 cameras in 24 s at the default concurrency of 64.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import io
import logging
import math
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

import cv2
import numpy as np

from apps.cameras import diagnosis
from apps.cameras.diagnosis import Diagnosis, DiagnosisThresholds, Finding

logger = logging.getLogger(__name__)

OK, DEGRADED, FAULT, UNKNOWN = "ok", "degraded", "fault", "unknown"
LAYERS = ("tcp", "onvif", "rtsp", "frame", "diagnosis")  # failing_layer values, in order

DEFAULT_PORTS = {"rtsp": 554, "onvif": 80}
THUMBNAIL_WIDTH = 320
DEFAULT_CONCURRENCY = 64

# For the fallback through OpenCV's RTSP client; read by its FFmpeg backend at every open,
# process-wide. Measured against the GStreamer peer: first frame 0.7 s with these values,
# 2 s with FFmpeg's defaults; lower analyzeduration makes opens fail. TCP because UDP
# loses packets under load.
_FFMPEG_CAPTURE_OPTIONS = (
    "rtsp_transport;tcp|analyzeduration;500000|probesize;32768|allowed_media_types;video"
)
_opencv_ready = threading.Lock()
_opencv_configured = False


# --- credentials (M-1.1a) -------------------------------------------------------------------

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


# --- targets --------------------------------------------------------------------------------


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


def _split_credentials(uri: str) -> tuple[str, str, str]:
    """(uri without userinfo, user, password), the latter two percent-decoded."""
    parts = urlsplit(uri)
    plain = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    return plain, unquote(parts.username or ""), unquote(parts.password or "")


def _with_credentials(uri: str, username: str, password: str) -> str:
    """``uri`` with percent-encoded credentials (FFmpeg decodes them)."""
    if not username:
        return uri
    parts = urlsplit(uri)
    userinfo = quote(username, safe="") + (":" + quote(password, safe="") if password else "")
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{userinfo}@{netloc}").geturl()


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbeTimeouts:
    """Bounds of each layer, in seconds (M-2.1: a dead camera must not stall the patrol).

    ``rtsp_s`` bounds each of DESCRIBE, SETUP and PLAY. ``read_s`` bounds the wait for the
    first key frame and then every gap in the data, so it must exceed the camera's
    key-frame interval; a stream that stops mid-read is reported ``read_s`` after its last
    packet. ``window_s`` is how long frames are collected after the first key frame, and
    ``samples`` how many of them are diagnosed (the frozen check compares them).
    """

    connect_s: float = 3.0
    onvif_s: float = 5.0
    rtsp_s: float = 3.0
    read_s: float = 3.0
    window_s: float = 1.0
    samples: int = 4

    def __post_init__(self) -> None:
        for name in ("connect_s", "onvif_s", "rtsp_s", "read_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if self.window_s < 0 or self.samples < 1:
            raise ValueError("window_s must be >= 0 and samples >= 1")


DEFAULT_TIMEOUTS = ProbeTimeouts()


@dataclass
class ProbeResult:
    """What the patrol records for one camera (M-2.1; M-2.3 symptom text in ``reason``).

    ``verdict``: ok, degraded, fault, or unknown when the probe itself could not run (an
    error on our side), so the camera's state is not known. ``latency_ms`` has one entry
    per layer reached: tcp (connect), onvif (the whole exchange), rtsp (DESCRIBE, SETUP,
    PLAY), frame (PLAY to the first key frame), diagnosis (decode, diagnose, JPEGs).
    ``scene_changed`` is the M-4.1a alarm; it does not change the verdict.
    """

    target: str
    verdict: str = UNKNOWN
    failing_layer: str | None = None
    reason: str = ""
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    latency_ms: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    scene_changed: bool = False
    device: dict[str, str] = field(default_factory=dict)
    clock_drift_s: float | None = None
    stream_uri: str | None = None
    stream: dict[str, object] = field(default_factory=dict)
    snapshot_jpeg: bytes | None = field(default=None, repr=False)
    thumbnail_jpeg: bytes | None = field(default=None, repr=False)
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-safe, without image bytes and without credentials."""
        data: dict[str, object] = {
            "target": scrub_credentials(self.target),
            "verdict": self.verdict,
            "failing_layer": self.failing_layer,
            "reason": scrub_credentials(self.reason),
            "started_at": self.started_at.isoformat(),
            "duration_ms": round(self.duration_ms, 1),
            "latency_ms": {k: round(v, 1) for k, v in self.latency_ms.items()},
            "metrics": {k: _json_number(v) for k, v in self.metrics.items()},
            "findings": [f.to_dict() for f in self.findings],
            "scene_changed": self.scene_changed,
            "device": dict(self.device),
            "clock_drift_s": self.clock_drift_s,
            "stream_uri": scrub_credentials(self.stream_uri) if self.stream_uri else None,
            "stream": dict(self.stream),
            "snapshot_bytes": len(self.snapshot_jpeg or b""),
            "thumbnail_bytes": len(self.thumbnail_jpeg or b""),
        }
        return data


def _json_number(value: float | None) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value
    )


class _LayerFailed(Exception):
    """A layer could not pass; ``reason`` is what the duty operator reads."""

    def __init__(self, layer: str, reason: str, verdict: str = FAULT):
        super().__init__(reason)
        self.layer, self.reason, self.verdict = layer, reason, verdict


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _timed_out(seconds: float) -> str:
    return f"timed out after {seconds:.1f} s"


def _os_error_reason(exc: BaseException, seconds: float) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return _timed_out(seconds)
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the camera"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return f"{type(exc).__name__}: {exc}"


# --- layer 1: TCP ---------------------------------------------------------------------------


async def _tcp_check(host: str, port: int, timeout: float) -> None:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as exc:
        raise _LayerFailed("tcp", f"{host}:{port} {_os_error_reason(exc, timeout)}") from None
    writer.close()


# --- layer 2: ONVIF -------------------------------------------------------------------------


def _import_onvif():
    """Import the ONVIF client without its import-time ``logging.basicConfig(INFO)``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import onvif  # noqa: PLC0415 - only ONVIF targets pay for zeep

    root.handlers[:], root.level = handlers, level
    return onvif


@dataclass
class _OnvifAnswer:
    device: dict[str, str]
    clock_drift_s: float | None
    stream_uri: str


async def _onvif_query(target: ProbeTarget, timeout: float) -> _OnvifAnswer:
    """Device information, clock drift and the stream URI of the chosen profile."""
    onvif = _import_onvif()
    camera = onvif.ONVIFCamera(
        target.host,
        target.port,
        target.username or None,
        target.password or None,
        no_cache=True,
        adjust_time=True,
    )
    try:
        # adjust_time: ask the clock without auth first and sign later requests with the
        # camera's time, so a skewed clock is measured instead of failing authentication.
        await camera.update_xaddrs()
        drift = camera.dt_diff.total_seconds() if camera.dt_diff is not None else None
        devicemgmt = await camera.create_devicemgmt_service()
        info = await devicemgmt.GetDeviceInformation()
        device = {
            "manufacturer": str(info.Manufacturer or ""),
            "model": str(info.Model or ""),
            "firmware": str(info.FirmwareVersion or ""),
            "serial": str(info.SerialNumber or ""),
        }
        media = await camera.create_media_service()
        profiles = list(await media.GetProfiles() or [])
        if not profiles:
            raise _LayerFailed("onvif", "camera has no media profile")
        profile = _pick_profile(profiles, target.profile)
        answer = await media.GetStreamUri(
            {
                "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                "ProfileToken": profile.token,
            }
        )
        uri = str(answer.Uri)
        if urlsplit(uri).hostname in {None, "0.0.0.0", "::"}:
            uri = (
                urlsplit(uri)._replace(netloc=f"{target.host}:{urlsplit(uri).port or 554}").geturl()
            )
        device["profile"] = str(profile.token)
        return _OnvifAnswer(device=device, clock_drift_s=drift, stream_uri=uri)
    finally:
        try:
            await camera.close()
        except Exception:  # noqa: BLE001 - closing must not mask the real outcome
            logger.debug("closing the ONVIF client failed", exc_info=True)


def _pick_profile(profiles: Sequence[object], token: str | None) -> object:
    if token:
        for profile in profiles:
            if profile.token == token:
                return profile
        raise _LayerFailed("onvif", f"camera has no media profile {token!r}")

    def pixels(profile: object) -> int:
        try:
            resolution = profile.VideoEncoderConfiguration.Resolution
            return int(resolution.Width) * int(resolution.Height)
        except (AttributeError, TypeError):
            return 1 << 62

    return min(profiles, key=pixels)


def _onvif_reason(exc: BaseException, timeout: float) -> str:
    text = str(getattr(exc, "message", "") or exc)
    lowered = text.lower()
    if isinstance(exc, TimeoutError | asyncio.TimeoutError) or "timeout" in lowered:
        return _timed_out(timeout)
    if any(s in lowered for s in ("not authorized", "notauthorized", "unauthorized", "401")):
        return f"authentication failed ({text.strip() or '401'})"
    if "refused" in lowered or "cannot connect" in lowered:
        return "connection refused"
    return f"ONVIF error: {type(exc).__name__}: {text}"


# --- layer 3: RTSP, our own client ----------------------------------------------------------
#
# OpenCV's FFmpeg backend opens streams under one process-wide lock (measured: six threads
# opening at once got their streams at 0.7, 1.4, ... 4.2 s), so at ~0.7 s per open a worker
# could start only ~1.4 cameras per second. The RTSP session (DESCRIBE, SETUP, PLAY, RTP
# over the TCP connection) therefore runs here on the event loop, for any number of
# cameras at once; only the collected H.264/H.265 access units go to OpenCV, decoded from
# memory (the lock is then held ~2 ms). Other codecs fall back to OpenCV's own RTSP client.

_START_CODE = b"\x00\x00\x00\x01"
_H264_KEY = {5}  # IDR
_H265_KEY = set(range(16, 22))  # IRAP: BLA, IDR, CRA
_USER_AGENT = "campuscctv-probe"


@dataclass
class _RtspAnswer:
    status: int
    phrase: str
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or [""])[0]


def _challenge_params(header: str) -> dict[str, str]:
    return {k.lower(): v for k, v in re.findall(r'(\w+)="?([^",]*)"?', header)}


class _RtspSession:
    """One RTSP connection to a camera: requests with its auth scheme, then RTP packets.

    Digest (what cameras use) is preferred over Basic (RFC 2617); the answer is computed
    for each request's method and URI. Reading is bounded by the caller.
    """

    def __init__(self, uri: str, username: str, password: str):
        self.uri, self.username, self.password = uri, username, password
        parts = urlsplit(uri)
        self.address = (parts.hostname, parts.port or 554)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.challenge: tuple[str, dict[str, str]] | None = None
        self.session_id: str | None = None
        self.channels = (0, 1)  # interleaved RTP and RTCP
        self.cseq = 0
        self._nonce_count = 0

    async def connect(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(*self.address)

    def _authorization(self, method: str, uri: str) -> str | None:
        if not self.challenge:
            return None
        scheme, p = self.challenge
        if scheme == "basic":
            return "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        realm, nonce = p.get("realm", ""), p.get("nonce", "")
        ha1 = hashlib.md5(f"{self.username}:{realm}:{self.password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        answer = [
            f'username="{self.username}"',
            f'realm="{realm}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
        ]
        if "auth" in p.get("qop", "").split(","):
            self._nonce_count += 1
            nc, cnonce = f"{self._nonce_count:08x}", secrets.token_hex(8)
            digest = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
            answer += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            digest = hashlib.md5(f"{ha1}:{nonce}:{ha2}".encode()).hexdigest()
        answer.append(f'response="{digest}"')
        if "opaque" in p:
            answer.append(f'opaque="{p["opaque"]}"')
        return "Digest " + ", ".join(answer)

    def _learn_challenge(self, answer: _RtspAnswer) -> bool:
        challenges = answer.headers.get("www-authenticate", [])
        for scheme in ("digest", "basic"):
            for challenge in challenges:
                if challenge.lower().startswith(scheme):
                    self.challenge = (scheme, _challenge_params(challenge[len(scheme) :]))
                    return True
        return False

    async def request(
        self, method: str, uri: str, headers: dict[str, str] | None = None
    ) -> _RtspAnswer:
        """Send one request; on a first 401 answer the challenge and send it once more."""
        if self.writer is None:
            await self.connect()
        answer = await self._send(method, uri, headers or {})
        if answer.status == 401 and self.username and self._learn_challenge(answer):
            try:
                answer = await self._send(method, uri, headers or {})
            except (asyncio.IncompleteReadError, ConnectionError):
                await self.connect()  # some servers hang up after a 401
                answer = await self._send(method, uri, headers or {})
        return answer

    async def _send(self, method: str, uri: str, headers: dict[str, str]) -> _RtspAnswer:
        self.cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}", f"User-Agent: {_USER_AGENT}"]
        authorization = self._authorization(method, uri)
        if authorization:
            lines.append(f"Authorization: {authorization}")
        if self.session_id:
            lines.append(f"Session: {self.session_id}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        while True:
            first = await self.reader.readexactly(1)
            if first == b"$":  # an RTP packet that arrived before the answer
                await self._skip_interleaved()
                continue
            return await self._read_answer(first)

    async def _read_answer(self, first: bytes) -> _RtspAnswer:
        head = first + await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("RTSP/") or not parts[1].isdigit():
            raise _LayerFailed("rtsp", "the server does not speak RTSP")
        headers: dict[str, list[str]] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = int((headers.get("content-length") or ["0"])[0] or 0)
        body = await self.reader.readexactly(length) if length else b""
        return _RtspAnswer(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body)

    async def _skip_interleaved(self) -> None:
        size = int.from_bytes((await self.reader.readexactly(3))[1:3], "big")
        await self.reader.readexactly(size)

    async def packet(self) -> tuple[int, bytes] | None:
        """The next interleaved packet as (channel, data); None for an RTSP message."""
        first = await self.reader.readexactly(1)
        if first != b"$":
            await self._read_answer(first)
            return None
        header = await self.reader.readexactly(3)
        return header[0], await self.reader.readexactly(int.from_bytes(header[1:3], "big"))

    async def teardown(self) -> None:
        """Polite end of the session; a camera limits its sessions. Best effort."""
        if self.writer is None or self.session_id is None or self.writer.is_closing():
            return
        self.cseq += 1
        lines = [
            f"TEARDOWN {self.uri} RTSP/1.0",
            f"CSeq: {self.cseq}",
            f"Session: {self.session_id}",
        ]
        authorization = self._authorization("TEARDOWN", self.uri)
        if authorization:
            lines.append(f"Authorization: {authorization}")
        with contextlib.suppress(OSError):
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class _Sdp:
    """The first video stream of a DESCRIBE answer."""

    codec: str
    payload_type: int
    control: str
    parameter_sets: list[bytes]


def _parse_sdp(sdp: str, base: str) -> _Sdp | None:
    video = re.search(r"^m=video .*?(?=^m=|\Z)", sdp, re.M | re.S)
    if not video:
        return None
    section = video.group(0)
    payload = re.match(r"m=video \d+(?:/\d+)? \S+ (\d+)", section)
    payload_type = int(payload.group(1)) if payload else 96
    rtpmap = re.search(rf"^a=rtpmap:{payload_type} ([\w.-]+)/", section, re.M)
    codec = rtpmap.group(1).upper() if rtpmap else "UNKNOWN"
    codec = {"HEVC": "H265"}.get(codec, codec)
    control = re.search(r"^a=control:\s*(\S+)", section, re.M)
    control_uri = base
    if control and control.group(1) != "*":
        value = control.group(1)
        control_uri = value if "://" in value else base.rstrip("/") + "/" + value.lstrip("/")
    fmtp = re.search(rf"^a=fmtp:{payload_type} (.*)$", section, re.M)
    sets: list[bytes] = []
    if fmtp:
        params = dict(p.strip().split("=", 1) for p in fmtp.group(1).split(";") if "=" in p)
        names = (
            ["sprop-parameter-sets"] if codec == "H264" else ["sprop-vps", "sprop-sps", "sprop-pps"]
        )
        for name in names:
            for encoded in params.get(name, "").split(","):
                with contextlib.suppress(ValueError):
                    if encoded.strip():
                        sets.append(
                            base64.b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4))
                        )
    return _Sdp(codec=codec, payload_type=payload_type, control=control_uri, parameter_sets=sets)


@dataclass
class _AccessUnit:
    data: bytes
    key: bool
    arrived: float


class _Depacketizer:
    """RTP payloads (RFC 6184 H.264, RFC 7798 H.265) to Annex-B access units.

    An access unit ends at the RTP marker bit or when the timestamp changes. A fragmented
    NAL unit that lost a packet is dropped; the decoder conceals the rest.
    """

    def __init__(self, codec: str, payload_type: int):
        self.h265 = codec == "H265"
        self.payload_type = payload_type
        self.units: list[_AccessUnit] = []
        self._nals: list[bytes] = []
        self._key = False
        self._timestamp: int | None = None
        self._fragment: bytearray | None = None
        self._sequence: int | None = None

    def feed(self, packet: bytes, now: float) -> None:
        if len(packet) < 12 or packet[0] >> 6 != 2 or packet[1] & 0x7F != self.payload_type:
            return  # not RTP of our stream (RTCP travels on the other channel)
        marker = packet[1] & 0x80
        sequence = int.from_bytes(packet[2:4], "big")
        timestamp = int.from_bytes(packet[4:8], "big")
        offset = 12 + 4 * (packet[0] & 0x0F)
        if packet[0] & 0x10 and len(packet) >= offset + 4:
            offset += 4 + 4 * int.from_bytes(packet[offset + 2 : offset + 4], "big")
        end = len(packet) - (packet[-1] if packet[0] & 0x20 else 0)
        if self._sequence is not None and sequence != (self._sequence + 1) & 0xFFFF:
            self._fragment = None  # lost packets: the NAL unit being reassembled is broken
        self._sequence = sequence
        if self._timestamp is not None and timestamp != self._timestamp:
            self._finish(now)
        self._timestamp = timestamp
        self._payload(packet[offset:end])
        if marker:
            self._finish(now)

    def _payload(self, payload: bytes) -> None:
        if len(payload) < 3:
            return
        if self.h265:
            kind = (payload[0] >> 1) & 0x3F
            if kind == 48:  # aggregation packet
                self._aggregate(payload[2:])
            elif kind == 49:  # fragmentation unit
                fu = payload[2]
                header = bytes([(payload[0] & 0x81) | ((fu & 0x3F) << 1), payload[1]])
                self._fragmented(fu & 0x80, fu & 0x40, header, payload[3:])
            elif kind < 48:
                self._nal(payload)
            return
        kind = payload[0] & 0x1F
        if kind == 24:  # STAP-A
            self._aggregate(payload[1:])
        elif kind == 28:  # FU-A
            fu = payload[1]
            header = bytes([(payload[0] & 0xE0) | (fu & 0x1F)])
            self._fragmented(fu & 0x80, fu & 0x40, header, payload[2:])
        elif 1 <= kind <= 23:
            self._nal(payload)

    def _aggregate(self, data: bytes) -> None:
        while len(data) > 2:
            size = int.from_bytes(data[:2], "big")
            self._nal(data[2 : 2 + size])
            data = data[2 + size :]

    def _fragmented(self, start: int, end: int, header: bytes, data: bytes) -> None:
        if start:
            self._fragment = bytearray(header + data)
        elif self._fragment is not None:
            self._fragment += data
        if end and self._fragment is not None:
            self._nal(bytes(self._fragment))
            self._fragment = None

    def _nal(self, nal: bytes) -> None:
        if len(nal) < 3:
            return
        if self.h265:
            # first_slice_segment_in_pic_flag: the first bit after the 2-byte header
            key = (nal[0] >> 1) & 0x3F in _H265_KEY and nal[2] & 0x80
        else:
            # first_mb_in_slice == 0 is ue(v) "1": a key frame seen from its first slice,
            # not the tail of one we joined halfway (it would decode mostly black)
            key = nal[0] & 0x1F in _H264_KEY and nal[1] & 0x80
        self._key |= bool(key)
        self._nals.append(nal)

    def _finish(self, now: float) -> None:
        if self._nals:
            data = b"".join(_START_CODE + nal for nal in self._nals)
            self.units.append(_AccessUnit(data=data, key=self._key, arrived=now))
        self._nals, self._key = [], False


@dataclass
class _Received:
    """What the RTSP layer hands to the decoder, and how long each part took."""

    codec: str
    parameter_sets: list[bytes]
    units: list[_AccessUnit]
    first_key_ms: float = 0.0
    layer: str | None = None
    reason: str = ""


async def _rtsp_open(
    session: _RtspSession, timeout: float
) -> tuple[_Sdp | None, dict[str, object]]:
    """Layer 3: DESCRIBE (stream exists, credentials accepted), then SETUP and PLAY.

    Returns the SDP of the video stream, or None when its codec is not one we depacketize
    (the caller falls back to OpenCV).
    """
    where = f"{session.address[0]}:{session.address[1]}"
    step = "DESCRIBE"
    try:
        answer = await asyncio.wait_for(
            session.request("DESCRIBE", session.uri, {"Accept": "application/sdp"}), timeout
        )
        _check_answer(answer, step, session.username)
        base = answer.header("content-base") or answer.header("content-location") or session.uri
        sdp = _parse_sdp(answer.body.decode("latin-1", "replace"), base)
        if sdp is None:
            raise _LayerFailed("rtsp", "the stream has no video")
        facts: dict[str, object] = {"codec": sdp.codec}
        if sdp.codec not in {"H264", "H265"}:
            return None, facts
        step = "SETUP"
        answer = await asyncio.wait_for(
            session.request(
                "SETUP", sdp.control, {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"}
            ),
            timeout,
        )
        _check_answer(answer, step, session.username)
        session.session_id = answer.header("session").split(";")[0].strip() or None
        channels = re.search(r"interleaved=(\d+)-(\d+)", answer.header("transport"))
        if not channels:
            raise _LayerFailed("rtsp", "camera does not offer RTP over the RTSP connection (TCP)")
        # the camera may pick other channels than we asked for
        session.channels = (int(channels.group(1)), int(channels.group(2)))
        step = "PLAY"
        answer = await asyncio.wait_for(
            session.request("PLAY", base, {"Range": "npt=0.000-"}), timeout
        )
        _check_answer(answer, step, session.username)
        return sdp, facts
    except _LayerFailed:
        raise
    except TimeoutError:
        if step == "DESCRIBE":
            raise _LayerFailed(
                "rtsp", f"no RTSP answer from {where}: {_timed_out(timeout)}"
            ) from None
        raise _LayerFailed("rtsp", f"no answer to {step}: {_timed_out(timeout)}") from None
    except asyncio.IncompleteReadError:
        raise _LayerFailed(
            "rtsp", f"connection closed by the camera without an answer to {step}"
        ) from None
    except (asyncio.LimitOverrunError, ValueError, UnicodeError):
        raise _LayerFailed("rtsp", "the server does not speak RTSP") from None
    except OSError as exc:
        raise _LayerFailed("rtsp", f"RTSP {where} {_os_error_reason(exc, timeout)}") from None


def _check_answer(answer: _RtspAnswer, step: str, username: str) -> None:
    if answer.status == 200:
        return
    if answer.status == 401:
        if username:
            raise _LayerFailed("rtsp", "authentication failed (401): wrong user name or password")
        raise _LayerFailed("rtsp", "authentication required (401): no credentials configured")
    if answer.status == 404 and step == "DESCRIBE":
        raise _LayerFailed("rtsp", "stream not found (404): wrong path or channel")
    text = f"{answer.status} {answer.phrase}".strip()
    if step == "DESCRIBE":
        raise _LayerFailed("rtsp", f"RTSP server answered {text}")
    raise _LayerFailed("rtsp", f"camera refused {step}: {text}")


async def _receive(session: _RtspSession, sdp: _Sdp, timeouts: ProbeTimeouts) -> _Received:
    """Layer 4: collect access units from the first key frame for ``window_s`` seconds.

    Each wait for data is bounded by ``read_s``; so is the wait for the first key frame
    (FFmpeg cannot show a picture before one).
    """
    received = _Received(codec=sdp.codec, parameter_sets=sdp.parameter_sets, units=[])
    depacketizer = _Depacketizer(sdp.codec, sdp.payload_type)
    loop = asyncio.get_running_loop()
    started = loop.time()
    first_key: float | None = None
    while True:
        now = loop.time()
        if first_key is None:
            wait = started + timeouts.read_s - now
            if wait <= 0:
                received.layer = "frame"
                received.reason = (
                    f"no key frame within {timeouts.read_s:.1f} s"
                    if depacketizer.units
                    else f"no video data within {timeouts.read_s:.1f} s"
                )
                return received
        else:
            wait = timeouts.read_s
        try:
            packet = await asyncio.wait_for(session.packet(), wait)
        except TimeoutError:
            if first_key is None:
                continue  # the loop above reports what was missing
            frames = len(received.units)
            received.layer = "frame"
            received.reason = (
                f"stream stopped mid-read: no data for {timeouts.read_s:.1f} s "
                f"after {frames} frame{'s' if frames != 1 else ''}"
            )
            return received
        except (asyncio.IncompleteReadError, ConnectionError):
            return _ended(received, first_key, loop.time())
        if packet is None:
            continue  # an RTSP message from the camera
        channel, data = packet
        if channel == session.channels[1]:
            if _rtcp_bye(data):  # the camera ended the stream but keeps the connection
                return _ended(received, first_key, loop.time())
            continue
        if channel != session.channels[0]:
            continue
        depacketizer.feed(data, loop.time())
        if first_key is None:
            keys = [i for i, unit in enumerate(depacketizer.units) if unit.key]
            if keys:
                del depacketizer.units[: keys[0]]  # frames before it cannot be decoded
                first_key = depacketizer.units[0].arrived
                received.first_key_ms = (first_key - started) * 1000
        received.units = depacketizer.units
        if first_key is not None and received.units[-1].arrived - first_key >= timeouts.window_s:
            return received


def _ended(received: _Received, first_key: float | None, now: float) -> _Received:
    received.layer = "frame"
    if first_key is None:
        received.reason = "stream ended by the camera before the first frame"
    else:
        received.reason = (
            f"stream ended by the camera {now - first_key:.1f} s after the first frame"
        )
    return received


def _rtcp_bye(data: bytes) -> bool:
    """Whether an RTCP compound packet holds a BYE (packet type 203, RFC 3550)."""
    while len(data) >= 4:
        if data[1] == 203:
            return True
        data = data[4 + 4 * int.from_bytes(data[2:4], "big") :]
    return False


def _decode(received: _Received, samples: int) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """Decode the access units from memory: (last sample at full size, samples shrunk).

    Every unit is decoded (``grab``: H.264 needs its references); only the samples,
    spread over the window, are converted to BGR (``retrieve``). The last one is the
    snapshot: the picture once the stream has settled.
    """
    units = received.units
    if not units:
        return None, []
    start = units[0].arrived
    span = units[-1].arrived - start
    targets = [start + span * k / max(1, samples - 1) for k in range(samples)]
    wanted = sorted(
        {min(range(len(units)), key=lambda i: abs(units[i].arrived - t)) for t in targets}
    )
    data = b"".join(_START_CODE + ps for ps in received.parameter_sets)
    data += b"".join(unit.data for unit in units)
    _configure_opencv()
    # Keep our own reference to the stream: OpenCV reads it until release() and does
    # not hold one itself (an inline BytesIO crashed the process at release).
    source = io.BytesIO(data)
    cap = cv2.VideoCapture(source, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    last, frames = None, []
    try:
        index = 0
        while cap.isOpened() and index <= wanted[-1] and cap.grab():
            if index in wanted:
                ok, frame = cap.retrieve()
                if ok and frame is not None:
                    last = frame
                    frames.append(diagnosis.analysis_frame(frame))
            index += 1
    finally:
        cap.release()
        source.close()
    return last, frames


# --- OpenCV (blocking, runs in a worker thread) ---------------------------------------------


def _configure_opencv() -> None:
    """Set FFmpeg capture options and silence FFmpeg's log once, before the first open.

    Both are process-wide. FFmpeg's log must stay quiet: it prints URIs with passwords
    (M-1.1a), and this module reports the reasons itself.
    """
    global _opencv_configured
    with _opencv_ready:
        if _opencv_configured:
            return
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = _FFMPEG_CAPTURE_OPTIONS
        os.environ["OPENCV_FFMPEG_LOGLEVEL"] = "-8"  # AV_LOG_QUIET
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        _opencv_configured = True


@dataclass
class _Capture:
    frames: list[np.ndarray]
    snapshot: np.ndarray | None
    open_ms: float
    frame_ms: float
    stream: dict[str, object]
    layer: str | None = None
    reason: str = ""


def _capture(uri: str, timeouts: ProbeTimeouts) -> _Capture:
    """Fallback for codecs we do not depacketize: OpenCV's own RTSP client (serialised).

    Open the stream, decode the first frame, then keep a few frames over the window.

    Only the kept frames are converted to BGR (``retrieve``) and shrunk to analysis size
    at once; the others are only decoded (``grab``), which H.264 needs anyway.
    """
    _configure_opencv()
    read_ms = int(timeouts.read_s * 1000)
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        int(timeouts.rtsp_s * 1000),
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        read_ms,
        cv2.CAP_PROP_N_THREADS,
        1,  # many small decodes in parallel beat one wide one
    ]
    start = time.perf_counter()
    cap = cv2.VideoCapture(uri, cv2.CAP_FFMPEG, params)
    open_ms = _ms_since(start)
    result = _Capture(frames=[], snapshot=None, open_ms=open_ms, frame_ms=0.0, stream={})
    try:
        if not cap.isOpened():
            result.layer = "rtsp"
            if open_ms >= timeouts.rtsp_s * 1000 * 0.9:
                result.reason = f"stream did not start: {_timed_out(timeouts.rtsp_s)}"
            else:
                result.reason = "stream could not be opened (SETUP or PLAY refused, or bad codec)"
            return result
        result.stream = {
            "width": int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            "height": int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            "fps": round(float(cap.get(cv2.CAP_PROP_FPS)), 2),
        }
        start = time.perf_counter()
        ok, frame = cap.read()
        result.frame_ms = _ms_since(start)
        if not ok or frame is None:
            result.layer = "frame"
            result.reason = f"no frame decoded within {timeouts.read_s:.1f} s"
            return result
        result.snapshot = frame
        result.frames.append(diagnosis.analysis_frame(frame))
        _sample_window(cap, result, timeouts)
        return result
    finally:
        cap.release()


def _sample_window(cap: cv2.VideoCapture, result: _Capture, timeouts: ProbeTimeouts) -> None:
    """Keep ``samples`` frames spread over ``window_s`` after the first one."""
    if timeouts.samples < 2 or timeouts.window_s <= 0:
        return
    step = timeouts.window_s / (timeouts.samples - 1)
    first = time.perf_counter()
    grabbed = 0
    while len(result.frames) < timeouts.samples:
        before = time.perf_counter()
        if not cap.grab():
            blocked = time.perf_counter() - before
            since = time.perf_counter() - first
            if blocked >= timeouts.read_s * 0.8:
                result.reason = (
                    f"stream stopped mid-read: no frame for {timeouts.read_s:.1f} s "
                    f"after {grabbed + 1} frames"
                )
            else:
                result.reason = f"stream ended by the camera {since:.1f} s after the first frame"
            result.layer = "frame"
            return
        grabbed += 1
        if time.perf_counter() - first >= step * len(result.frames):
            ok, frame = cap.retrieve()
            if ok and frame is not None:
                result.snapshot = frame  # the last sample: the settled picture
                result.frames.append(diagnosis.analysis_frame(frame))


def _jpeg(frame: np.ndarray, width: int | None = None, quality: int = 85) -> bytes:
    if width and frame.shape[1] > width:
        height = max(1, round(frame.shape[0] * width / frame.shape[1]))
        frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buffer.tobytes() if ok else b""


def _reference_frame(reference: np.ndarray | bytes | None) -> np.ndarray | None:
    """The reference snapshot as an image; None (no scene check) if it cannot be read.

    A damaged reference must not turn a working camera's verdict into "unknown".
    """
    if reference is None or isinstance(reference, np.ndarray):
        return reference
    image = cv2.imdecode(np.frombuffer(reference, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        logger.warning("reference snapshot is not a decodable image; scene check skipped")
    return image


@dataclass
class _Picture:
    snapshot_jpeg: bytes | None = None
    thumbnail_jpeg: bytes | None = None
    diagnosis: Diagnosis | None = None
    stream: dict[str, object] = field(default_factory=dict)
    diagnosis_ms: float = 0.0


def _picture(
    snapshot: np.ndarray | None,
    frames: list[np.ndarray],
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
    *,
    judge: bool,
) -> _Picture:
    """Snapshot, thumbnail and (when ``judge``) the diagnosis of the decoded frames."""
    if snapshot is None:
        return _Picture()
    start = time.perf_counter()
    picture = _Picture(
        snapshot_jpeg=_jpeg(snapshot),
        thumbnail_jpeg=_jpeg(snapshot, THUMBNAIL_WIDTH, quality=75),
        stream={"width": int(snapshot.shape[1]), "height": int(snapshot.shape[0])},
    )
    if judge:
        picture.diagnosis = diagnosis.diagnose(
            frames, reference=_reference_frame(reference), thresholds=thresholds
        )
    picture.diagnosis_ms = _ms_since(start)
    return picture


def _units_picture(
    received: _Received,
    timeouts: ProbeTimeouts,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
) -> _Picture:
    """Worker-thread part of the main path: decode from memory, diagnose, encode JPEGs."""
    start = time.perf_counter()
    last, frames = _decode(received, timeouts.samples)
    decode_ms = _ms_since(start)
    picture = _picture(last, frames, thresholds, reference, judge=received.layer is None)
    picture.diagnosis_ms += decode_ms
    units = received.units
    if len(units) > 1 and units[-1].arrived > units[0].arrived:
        fps = (len(units) - 1) / (units[-1].arrived - units[0].arrived)
        picture.stream["fps"] = round(fps, 1)
    return picture


def _capture_picture(
    uri: str,
    timeouts: ProbeTimeouts,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None,
) -> tuple[_Capture, _Picture]:
    """Worker-thread part of the fallback path: OpenCV reads, diagnose, encode JPEGs."""
    capture = _capture(uri, timeouts)
    picture = _picture(
        capture.snapshot, capture.frames, thresholds, reference, judge=capture.layer is None
    )
    picture.stream.update(capture.stream)
    return capture, picture


# --- the probe ------------------------------------------------------------------------------


async def probe_camera_async(
    target: ProbeTarget,
    *,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None = None,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
    executor: Executor | None = None,
) -> ProbeResult:
    """Probe one camera through every layer (M-2.1); never raises for a camera's fault.

    ``reference`` is the camera's reference snapshot (BGR array or JPEG bytes) for the
    scene-change alarm (M-4.1a). ``executor`` runs the blocking decode and diagnosis;
    pass the pool of ``probe_many`` to share it (None: asyncio's default pool).
    """
    result = ProbeResult(target=target.display_uri)
    began = layer_start = time.perf_counter()
    layer = "tcp"
    loop = asyncio.get_running_loop()
    try:
        await _tcp_check(target.host, target.port, timeouts.connect_s)
        result.latency_ms["tcp"] = _ms_since(layer_start)

        stream_uri, username, password = target.display_uri, target.username, target.password
        if target.scheme == "onvif":
            layer, layer_start = "onvif", time.perf_counter()
            answer = await _onvif_layer(target, timeouts.onvif_s)
            result.latency_ms["onvif"] = _ms_since(layer_start)
            result.device, result.clock_drift_s = answer.device, answer.clock_drift_s
            # Cameras rarely embed credentials in the stream URI; ours take precedence.
            stream_uri, uri_user, uri_password = _split_credentials(answer.stream_uri)
            if not username:
                username, password = uri_user, uri_password
        result.stream_uri = stream_uri

        layer, layer_start = "rtsp", time.perf_counter()
        session = _RtspSession(stream_uri, username, password)
        try:
            sdp, result.stream = await _rtsp_open(session, timeouts.rtsp_s)
            result.latency_ms["rtsp"] = _ms_since(layer_start)
            if sdp is not None:
                layer, layer_start = "frame", time.perf_counter()
                received = await _receive(session, sdp, timeouts)
                result.latency_ms["frame"] = received.first_key_ms or _ms_since(layer_start)
                await session.teardown()
            else:
                # A codec we do not depacketize: OpenCV's RTSP client. Our connection stays
                # open meanwhile: a server that prepared a shared stream for our DESCRIBE
                # tears it down when we hang up and answers 503 in that moment (GStreamer).
                capture, picture = await loop.run_in_executor(
                    executor,
                    _capture_picture,
                    _with_credentials(stream_uri, username, password),
                    timeouts,
                    thresholds,
                    reference,
                )
        finally:
            session.close()

        if sdp is None:
            result.latency_ms["rtsp"] += capture.open_ms
            if capture.layer == "rtsp":
                raise _LayerFailed("rtsp", capture.reason)
            layer = "frame"
            result.latency_ms["frame"] = capture.frame_ms
            failure = (capture.layer, capture.reason)
        else:
            picture = await loop.run_in_executor(
                executor, _units_picture, received, timeouts, thresholds, reference
            )
            failure = (received.layer, received.reason)
            if not failure[0] and picture.diagnosis is None:
                failure = ("frame", "video data arrived but no frame could be decoded")
        result.stream.update(picture.stream)
        result.snapshot_jpeg, result.thumbnail_jpeg = picture.snapshot_jpeg, picture.thumbnail_jpeg
        if failure[0]:
            result.findings = list(diagnosis.diagnose([], thresholds=thresholds).findings)
            raise _LayerFailed(*failure)

        layer = "diagnosis"
        result.latency_ms["diagnosis"] = picture.diagnosis_ms
        _apply_diagnosis(result, picture.diagnosis, thresholds)
    except _LayerFailed as failed:
        result.verdict, result.failing_layer = failed.verdict, failed.layer
        result.reason = failed.reason
        result.latency_ms.setdefault(failed.layer, _ms_since(layer_start))
    except Exception as exc:  # noqa: BLE001 - a probe bug must not pass for a camera fault
        logger.error(
            "probe of %s failed in layer %s: %s",
            target.display_uri,
            layer,
            scrub_credentials(repr(exc), passwords=target.secrets),
        )
        result.verdict, result.failing_layer = UNKNOWN, layer
        reason = f"probe error: {type(exc).__name__}: {exc}"
        result.reason = scrub_credentials(reason, passwords=target.secrets)
    result.reason = scrub_credentials(result.reason)
    result.duration_ms = _ms_since(began)
    logger.debug("probe %s: %s (%s)", target.display_uri, result.verdict, result.reason)
    return result


async def _onvif_layer(target: ProbeTarget, timeout: float) -> _OnvifAnswer:
    try:
        return await asyncio.wait_for(_onvif_query(target, timeout), timeout)
    except _LayerFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - zeep, aiohttp and onvif raise anything
        reason = scrub_credentials(_onvif_reason(exc, timeout), passwords=target.secrets)
        raise _LayerFailed("onvif", reason) from None


def _apply_diagnosis(
    result: ProbeResult, found: Diagnosis, thresholds: DiagnosisThresholds
) -> None:
    """Verdict and reason from the picture's findings and the camera clock."""
    findings = list(found.findings)
    drift = diagnosis.clock_drift_finding(result.clock_drift_s, thresholds=thresholds)
    if drift:
        findings.append(drift)
    result.findings, result.metrics, result.scene_changed = (
        findings,
        found.metrics,
        found.scene_changed,
    )
    result.verdict = diagnosis.worst(*(f.severity for f in findings))
    if result.verdict != OK:
        result.failing_layer = "diagnosis"
    # Faults first, then degradations, then the scene alarm (M-4.1a).
    order = {FAULT: 0, DEGRADED: 1, diagnosis.ALARM: 2}
    shown = sorted(findings, key=lambda f: order.get(f.severity, 3))
    result.reason = " ".join(f.message for f in shown) or "picture ok"


def probe_camera(
    target: ProbeTarget,
    *,
    thresholds: DiagnosisThresholds,
    reference: np.ndarray | bytes | None = None,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
) -> ProbeResult:
    """Synchronous ``probe_camera_async`` for one camera.

    Called from a thread that already runs an event loop (an async view, a browser driver),
    it probes on a thread of its own instead of failing.
    """

    def run() -> ProbeResult:
        return asyncio.run(
            probe_camera_async(
                target, thresholds=thresholds, reference=reference, timeouts=timeouts
            )
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe-sync") as pool:
        return pool.submit(run).result()


@dataclass(frozen=True)
class ProbeJob:
    """One camera of a patrol run: its target, its thresholds, its reference snapshot."""

    target: ProbeTarget
    thresholds: DiagnosisThresholds = field(default_factory=DiagnosisThresholds)
    reference: np.ndarray | bytes | None = field(default=None, repr=False, compare=False)
    key: object = None


async def probe_many(
    jobs: Iterable[ProbeJob],
    *,
    timeouts: ProbeTimeouts = DEFAULT_TIMEOUTS,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> AsyncIterator[tuple[ProbeJob, ProbeResult]]:
    """Probe many cameras from one process, ``concurrency`` at a time (M-2.1 daily patrol).

    Yields ``(job, result)`` as each probe finishes, so the caller can store results as
    they come. At most ``concurrency`` probes (sockets, FFmpeg sessions, threads) are open.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    slots = asyncio.Semaphore(concurrency)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="probe") as pool:

        async def run(job: ProbeJob) -> tuple[ProbeJob, ProbeResult]:
            async with slots:
                result = await probe_camera_async(
                    job.target,
                    thresholds=job.thresholds,
                    reference=job.reference,
                    timeouts=timeouts,
                    executor=pool,
                )
            return job, result

        tasks = [asyncio.ensure_future(run(job)) for job in jobs]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
