"""Virtual ONVIF camera peer (ipycam) on 127.0.0.1 for the probe tests (M-2.1).

Run with the project's venv Python:

    python tests/peers/onvif_camera.py --onvif-port P --rtsp-port Q [--clock-offset S]

ipycam's own ``start()`` binds 0.0.0.0 and joins the WS-Discovery multicast group; this
peer starts only its ONVIF/HTTP service and its native RTSP server, both on 127.0.0.1,
with discovery off. Frames are generated here: a static detailed scene with a moving
disc (ipycam draws its timestamp on top). ONVIF requires the given user and password
(WS-Security UsernameToken). ``--clock-offset`` makes the camera's clock run that many
seconds ahead, for the clock-drift check. Prints ``READY <onvif_port> <rtsp_port>``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

import cv2
import numpy as np
from ipycam import CameraConfig, IPCamera
from ipycam import onvif as ipycam_onvif
from ipycam.camera import ReusableThreadingTCPServer
from ipycam.http import IPCameraHTTPHandler
from ipycam.rtsp import NativeRTSPServer


class LoopbackCamera(IPCamera):
    """IPCamera serving ONVIF and RTSP on 127.0.0.1 only, without WS-Discovery."""

    def start(self) -> bool:
        config = self.config
        IPCameraHTTPHandler.camera = self
        self._http_server = ReusableThreadingTCPServer(
            ("127.0.0.1", config.onvif_port), IPCameraHTTPHandler
        )
        threading.Thread(target=self._http_server.serve_forever, daemon=True).start()

        self.rtsp_server = NativeRTSPServer(port=config.rtsp_port, host="127.0.0.1")
        for prefix in ("main", "sub"):
            self.rtsp_server.add_stream(
                name=getattr(config, f"{prefix}_stream_name"),
                width=getattr(config, f"{prefix}_width"),
                height=getattr(config, f"{prefix}_height"),
                fps=getattr(config, f"{prefix}_fps"),
                bitrate=getattr(config, f"{prefix}_bitrate"),
            )
        if not self.rtsp_server.start():
            raise RuntimeError(f"cannot listen on 127.0.0.1:{config.rtsp_port}")
        self._start_rtsp_fanout()
        self._streaming_mode = "native_rtsp"
        self._use_mjpeg_fallback = False
        self._running = True
        return True


def skew_clock(offset_s: float) -> None:
    """Make the camera's clock run ``offset_s`` ahead: its reported time and its check
    of WS-Security timestamps both, as on a real camera with a wrong clock."""

    def get_system_date_time(self: ipycam_onvif.ONVIFService) -> str:
        now = time.gmtime(time.time() + offset_s)
        body = self._render(
            "get_system_date_time",
            hour=now.tm_hour,
            minute=now.tm_min,
            second=now.tm_sec,
            year=now.tm_year,
            month=now.tm_mon,
            day=now.tm_mday,
        )
        return self._wrap_envelope(body)

    within_skew = ipycam_onvif._created_within_skew

    def created_within_skew(created: str, max_skew: int = ipycam_onvif.WSU_MAX_SKEW_SECONDS):
        # The token was stamped by a client that knows the offset (or not): allow both.
        return within_skew(created, max_skew + abs(int(offset_s)))

    ipycam_onvif.ONVIFService.get_system_date_time = get_system_date_time
    ipycam_onvif._created_within_skew = created_within_skew


def scene(width: int, height: int) -> np.ndarray:
    """A static scene with detail everywhere: bands, blocks and a grid (a car park)."""
    rng = np.random.default_rng(7)
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = np.linspace(60, 190, width, dtype=np.uint8)[None, :, None]
    for _ in range(40):
        x, y = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        w, h = int(rng.integers(10, width // 4)), int(rng.integers(10, height // 4))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(frame, (x, y), (x + w, y + h), colour, -1)
    for x in range(0, width, 24):
        cv2.line(frame, (x, 0), (x, height), (30, 30, 30), 1)
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onvif-port", type=int, required=True)
    parser.add_argument("--rtsp-port", type=int, required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="onvif-Pa55")
    parser.add_argument("--clock-offset", type=float, default=0.0, help="seconds ahead")
    parser.add_argument("--fps", type=int, default=10)
    args = parser.parse_args(argv)

    if args.clock_offset:
        skew_clock(args.clock_offset)
    config = CameraConfig(
        name="Peer Camera",
        manufacturer="PythonCam",
        model="VirtualCam-1",
        serial_number="PEER-0001",
        local_ip="127.0.0.1",
        onvif_port=args.onvif_port,
        rtsp_port=args.rtsp_port,
        username=args.user,
        password=args.password,
        main_width=640,
        main_height=480,
        main_fps=args.fps,
        main_bitrate="600K",
        sub_width=320,
        sub_height=240,
        sub_fps=args.fps,
        sub_bitrate="300K",
        hw_accel="cpu",
    )
    config.save = lambda *a, **k: True  # never write camera_config.json into the repo
    camera = LoopbackCamera(config)
    camera.start()
    print(f"READY {args.onvif_port} {args.rtsp_port}", flush=True)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    background = scene(640, 480)
    started = time.monotonic()
    while not stop.is_set():
        t = time.monotonic() - started
        frame = background.copy()
        centre = (int(320 + 250 * np.sin(t)), int(240 + 150 * np.cos(t * 0.7)))
        cv2.circle(frame, centre, 24, (250, 250, 250), -1)
        camera.stream(frame)  # paces itself to the configured fps
    camera.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
