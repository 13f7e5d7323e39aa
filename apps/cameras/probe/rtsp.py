"""Layer 3 of the probe (M-2.1), our own RTSP client: DESCRIBE, SETUP and PLAY, with Digest
or Basic authentication, asking for RTP interleaved on the same TCP connection.

Why our own client: OpenCV's FFmpeg backend opens streams under one process-wide lock
(measured: six threads opening at once got their streams at 0.7, 1.4, ... 4.2 s), so at
~0.7 s per open a worker could start only ~1.4 cameras per second. The RTSP session
therefore runs on the event loop, for any number of cameras at once; ``rtp`` turns the
packets into access units and ``capture`` decodes them from memory (the lock is then held
~2 ms). Codecs we do not depacketize fall back to OpenCV's own RTSP client (``capture``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from .results import _LayerFailed
from .tcp import _os_error_reason

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
            raise _LayerFailed("rtsp", "rtsp_not_rtsp")
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
            raise _LayerFailed("rtsp", "rtsp_no_video")
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
            raise _LayerFailed("rtsp", "rtsp_no_tcp")
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
                "rtsp", "rtsp_no_answer", {"address": where, "seconds": timeout}
            ) from None
        raise _LayerFailed(
            "rtsp", "rtsp_step_timeout", {"step": step, "seconds": timeout}
        ) from None
    except asyncio.IncompleteReadError:
        raise _LayerFailed("rtsp", "rtsp_closed", {"step": step}) from None
    except (asyncio.LimitOverrunError, ValueError, UnicodeError):
        raise _LayerFailed("rtsp", "rtsp_not_rtsp") from None
    except OSError as exc:
        kind, params = _os_error_reason(exc, timeout)
        raise _LayerFailed("rtsp", f"rtsp_{kind}", {"address": where, **params}) from None


def _check_answer(answer: _RtspAnswer, step: str, username: str) -> None:
    if answer.status == 200:
        return
    if answer.status == 401:
        if username:
            raise _LayerFailed("rtsp", "auth_failed")
        raise _LayerFailed("rtsp", "auth_required")
    if answer.status == 404 and step == "DESCRIBE":
        raise _LayerFailed("rtsp", "stream_not_found")
    text = f"{answer.status} {answer.phrase}".strip()
    if step == "DESCRIBE":
        raise _LayerFailed("rtsp", "rtsp_status", {"status": text})
    raise _LayerFailed("rtsp", "rtsp_step_refused", {"step": step, "status": text})
