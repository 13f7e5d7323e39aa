"""Layer 4 of the probe (M-2.1): frames arriving as RTP over the RTSP connection.

Reads the interleaved packets of an RTSP session that is playing, depacketizes H.264
(RFC 6184) and H.265 (RFC 7798) into Annex-B access units, and keeps them from the first
key frame for the sampling window. Every wait is bounded by ``ProbeTimeouts.read_s``, and a
stream that stops or ends is reported with how far it got. No decoding here: ``capture``
decodes the units from memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .results import ProbeTimeouts
from .rtsp import _RtspSession, _Sdp

_START_CODE = b"\x00\x00\x00\x01"  # Annex-B, the form the decoder reads
_H264_KEY = {5}  # IDR
_H265_KEY = set(range(16, 22))  # IRAP: BLA, IDR, CRA


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
    code: str = ""  # why the layer failed (reasons.REASONS), with its params
    params: dict[str, object] = field(default_factory=dict)


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
                received.code = "no_key_frame" if depacketizer.units else "no_video_data"
                received.params = {"seconds": timeouts.read_s}
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
            received.code = "stream_stalled"
            received.params = {"seconds": timeouts.read_s, "frames": frames}
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
        received.code = "stream_ended_early"
    else:
        received.code, received.params = "stream_ended", {"seconds": round(now - first_key, 1)}
    return received


def _rtcp_bye(data: bytes) -> bool:
    """Whether an RTCP compound packet holds a BYE (packet type 203, RFC 3550)."""
    while len(data) >= 4:
        if data[1] == 203:
            return True
        data = data[4 + 4 * int.from_bytes(data[2:4], "big") :]
    return False
