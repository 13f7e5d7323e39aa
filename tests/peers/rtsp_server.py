"""RTSP camera peer for the probe tests and the patrol benchmark (M-2.1).

Run with Debian's ``/usr/bin/python3`` (it has ``gi``; the project's venv does not):

    /usr/bin/python3 tests/peers/rtsp_server.py [--port 0] [--user U --password P]
    /usr/bin/python3 tests/peers/rtsp_server.py --bench 1000

Three GStreamer RTSP servers bound to 127.0.0.1 in one process:

* the open server (no auth at all) with one mount per camera condition:
  /normal   ball + time overlay moving over a detailed background (a healthy camera)
  /moved    the same ball + time overlay over a different background (camera turned, M-4.1a)
  /black    black picture           /snow     television snow
  /frozen   static SMPTE 100 % bars (plain 'smpte' has a noise patch: not frozen)
  /white    100 % white (overexposed)
  /dark     a dim ball moving over black (dark with content: too dark, not black)
  /night    the same over a dim scene with sensor noise, like a night camera (too dark)
  /clock    black with a small ticking OSD clock (too dark, not black)
  /frozen-clock     static bars with a small ticking clock (frozen: below the line)
  /frozen-bigclock  static bars with a big ticking clock (not caught: docs/diagnosis.md)
  /mjpeg    the /normal scene as Motion JPEG   /hevc     the /normal scene as H.265
  /stall    like /normal, then stops sending after --stall-after seconds while the
            session stays open (a stream that stops mid-read)
  /ended    like /normal, then ends (EOS) after --stall-after seconds
  /switch/<name>  a camera that can be broken and repaired while the server runs, one
            mount per --switch NAME (needs --control-dir DIR): each new session shows the
            condition written in the file DIR/<name> (normal, moved, black, snow, frozen or
            white; --switch-default, black, when the file is missing or says something
            else). `echo normal > DIR/gate-1` repairs /switch/gate-1 for the next client.
* two protected servers, each with /protected (the /normal scene), one behind Digest and
  one behind Basic auth. They have no default (anonymous) token: with one, GStreamer
  answers 404 instead of 401. Their ports are chosen freely.

``--bench N`` serves /cam/1 ... /cam/N on the open server instead, all sharing ONE
pipeline and encoder (a constant media key), so the benchmark measures the prober, not
the peer. When all servers listen it prints ``READY <port> <digest_port> <basic_port>``.

``--elements`` prints every GStreamer element this peer uses (its launch lines and the
ones the RTSP server adds per session), one per line, and exits without serving; it needs
no element to be installed. tests/peers/test_gst_packages.py checks that each comes from a
Debian package scripts/install.sh brings.
"""

from __future__ import annotations

import argparse
import re
import shlex
import signal
import sys
import time
from pathlib import Path

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def _encoder(fps: int, *, aggregate: bool = False, codec: str = "h264") -> str:
    """H.264 or H.265 with a key frame every half second, so a client joining a shared
    stream decodes soon. ``aggregate`` bundles parameter sets with the frame in one
    aggregation packet (STAP-A / AP), as many cameras do; otherwise each travels alone."""
    mode = "zero-latency" if aggregate else "none"
    return (
        f"videoconvert ! video/x-raw,format=I420 ! x{codec[1:]}enc tune=zerolatency "
        f"speed-preset=ultrafast bitrate=400 key-int-max={max(1, fps // 2)} "
        f"! rtp{codec}pay name=pay0 pt=96 config-interval=1 aggregate-mode={mode}"
    )


def _raw(width: int, height: int, fps: int, fmt: str = "") -> str:
    fmt = f",format={fmt}" if fmt else ""
    return f"video/x-raw{fmt},width={width},height={height},framerate={fps}/1"


def _scene(background: str, width: int, height: int, fps: int, encoder: str = "") -> str:
    """A moving ball and an on-screen clock over a static, detailed background.

    Both follow the wall clock, like a camera's OSD, so every session shows a different
    picture of the same scene (a reference snapshot never equals a later frame).
    """
    return (
        f"compositor name=mix background=black ! {_raw(width, height, fps)} "
        f'! clockoverlay time-format="%Y-%m-%d %H:%M:%S" font-desc="Sans 10" '
        f"! {encoder or _encoder(fps, aggregate=True)} "
        f"videotestsrc is-live=true pattern={background} ! {_raw(width, height, fps, 'AYUV')} "
        f"! mix.sink_0 "
        f"videotestsrc is-live=true pattern=ball animation-mode=wall-time "
        f"background-color=0 "
        f"! {_raw(width, height, fps, 'AYUV')} ! mix.sink_1"
    )


def _plain(pattern: str, width: int, height: int, fps: int) -> str:
    return f"videotestsrc is-live=true pattern={pattern} ! {_raw(width, height, fps)} ! " + (
        _encoder(fps)
    )


def _clock(font: str) -> str:
    return f'clockoverlay time-format="%H:%M:%S" font-desc="{font}" halignment=left'


def _dark(width: int, height: int, fps: int, *, night: bool) -> str:
    """A dim lit ball moving over black; ``night`` adds a dim scene and sensor noise, like a
    night camera. Dark (95 % of the pixels at most luma 24) but a live picture."""
    layers = [
        f"videotestsrc is-live=true pattern=ball animation-mode=wall-time "
        f"foreground-color=0xff606060 background-color=0xff000000 "
        f"! {_raw(width, height, fps, 'AYUV')}"
    ]
    if night:
        layers.insert(
            0,
            f"videotestsrc is-live=true pattern={NORMAL_BACKGROUND} "
            f"! videobalance brightness=-0.9 contrast=0.15 ! {_raw(width, height, fps, 'AYUV')}",
        )
        layers.append(
            f"videotestsrc is-live=true pattern=snow ! {_raw(width, height, fps, 'AYUV')}"
        )
    sinks = " ".join(f"{layer} ! mix.sink_{i}" for i, layer in enumerate(layers))
    blend = "sink_2::alpha=0.04" if night else ""  # faint noise over the scene
    return (
        f"compositor name=mix background=black {blend} ! {_raw(width, height, fps)} "
        f"! {_encoder(fps, aggregate=True)} {sinks}"
    )


def _plain_clock(pattern: str, font: str, width: int, height: int, fps: int) -> str:
    """A static picture with a ticking OSD clock (wall time)."""
    return (
        f"videotestsrc is-live=true pattern={pattern} ! {_raw(width, height, fps)} "
        f"! {_clock(font)} ! {_encoder(fps)}"
    )


NORMAL_BACKGROUND = "pinwheel"
MOVED_BACKGROUND = "checkers-8"
PLAIN_PATTERNS = {"black": "black", "snow": "snow", "frozen": "smpte100", "white": "white"}
# Motion JPEG, as older cameras send it: a codec the prober hands to OpenCV's client.
MJPEG_ENCODER = (
    "videoconvert ! video/x-raw,format=I420 ! jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26"
)
# Elements GstRtspServer creates itself for every session, beside the launch line (measured
# with GST_DEBUG=GST_ELEMENT_FACTORY:5 while clients played each mount over UDP and TCP).
SERVER_ELEMENTS = (
    *("appsink", "appsrc", "capsfilter", "funnel", "multiudpsink", "rtpbin", "rtpsession"),
    *("rtpssrcdemux", "rtpstorage", "tee", "udpsrc"),
)


def pipelines(width: int, height: int, fps: int) -> dict[str, str]:
    """Every launch line the peer serves, by mount ("/protected": both protected servers;
    "/cam/N": the one pipeline all benchmark mounts share)."""
    scene = _scene(NORMAL_BACKGROUND, width, height, fps)
    lines = {
        f"/{mount}": _plain(pattern, width, height, fps)
        for mount, pattern in PLAIN_PATTERNS.items()
    }
    lines["/normal"] = scene
    lines["/mjpeg"] = _scene(NORMAL_BACKGROUND, width, height, fps, encoder=MJPEG_ENCODER)
    hevc = _encoder(fps, aggregate=True, codec="h265")
    lines["/hevc"] = _scene(NORMAL_BACKGROUND, width, height, fps, hevc)
    lines["/moved"] = _scene(MOVED_BACKGROUND, width, height, fps)
    lines["/dark"] = _dark(width, height, fps, night=False)
    lines["/night"] = _dark(width, height, fps, night=True)
    lines["/clock"] = _plain_clock("black", "Sans 12", width, height, fps)
    lines["/frozen-clock"] = _plain_clock("smpte100", "Sans 8", width, height, fps)
    lines["/frozen-bigclock"] = _plain_clock("smpte100", "Sans 60", width, height, fps)
    lines["/stall"] = lines["/ended"] = lines["/protected"] = lines["/cam/N"] = scene
    return lines


def launch_elements(launch: str) -> set[str]:
    """The element names in a gst-launch line, read from its text (no GStreamer needed).

    Tokens are "!", brackets, caps ("video/x-raw,..."), properties ("key=value", quoted
    values kept whole), pad references ("mix.sink_0") and element names: the bare words.
    """
    words = shlex.split(launch.replace("(", " ( ").replace(")", " ) ").replace("!", " ! "))
    return {w for w in words if w not in "()!" and not any(c in w for c in "=/.,:")}


def _launch(spec: str) -> str:
    return f"( {spec} )"


SWITCH_CONDITIONS = ("normal", "moved", *PLAIN_PATTERNS)
SWITCH_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class SwitchFactory(GstRtspServer.RTSPMediaFactory):
    """/switch/<name>: a pipeline per session, built from the condition the control file
    <control_dir>/<name> names when the client connects (so a repair shows at the next
    check, as a real camera's does, and sessions already open keep their picture)."""

    def __init__(self, lines: dict[str, str], control_file: Path, default: str):
        super().__init__()
        self.lines = lines
        self.control_file = control_file
        self.default = default
        self.set_shared(False)

    def condition(self) -> str:
        try:
            said = self.control_file.read_text().strip()
        except OSError:
            return self.default
        return said if said in SWITCH_CONDITIONS else self.default

    def do_create_element(self, url):  # noqa: N802 - GObject virtual method name
        return Gst.parse_launch(_launch(self.lines[f"/{self.condition()}"]))


class SharedFactory(GstRtspServer.RTSPMediaFactory):
    """One media (pipeline + encoder) for every mount it is added to."""

    def do_gen_key(self, url):  # noqa: N802 - GObject virtual method name
        return "bench"


class StallingFactory(GstRtspServer.RTSPMediaFactory):
    """A per-client pipeline that stops producing (stall) or ends (EOS) after a delay."""

    def __init__(self, after_s: float, mode: str):
        super().__init__()
        self.after_s = after_s
        self.mode = mode

    def do_configure(self, media):  # noqa: N802
        GstRtspServer.RTSPMediaFactory.do_configure(self, media)
        pipeline = media.get_element()
        started: list[float] = []

        def on_frame(pad, info):
            now = time.monotonic()
            if not started:
                started.append(now)
            if now - started[0] < self.after_s:
                return Gst.PadProbeReturn.OK
            if self.mode == "eos":
                pad.remove_probe(info.id)
                GLib.idle_add(lambda: pipeline.send_event(Gst.Event.new_eos()) and False)
            # stall: drop raw frames before the encoder; the RTSP session stays open but
            # nothing more is sent, like a camera whose encoder hung.
            return Gst.PadProbeReturn.DROP

        mix = pipeline.get_by_name("mix")
        mix.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_frame)


def _factory(launch: str, *, shared: bool, factory: GstRtspServer.RTSPMediaFactory | None = None):
    factory = factory or GstRtspServer.RTSPMediaFactory()
    factory.set_launch(_launch(launch))
    factory.set_shared(shared)
    return factory


def _server(port: int) -> GstRtspServer.RTSPServer:
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    # Many probes connect at once during the benchmark.
    server.set_backlog(1024)
    return server


def build_open_server(args: argparse.Namespace) -> GstRtspServer.RTSPServer:
    lines = pipelines(args.width, args.height, args.fps)
    server = _server(args.port)
    mounts = server.get_mount_points()
    if args.bench:
        shared = _factory(lines["/cam/N"], shared=True, factory=SharedFactory())
        for i in range(1, args.bench + 1):
            mounts.add_factory(f"/cam/{i}", shared)
        return server
    for mount in (
        *(f"/{m}" for m in PLAIN_PATTERNS),
        *("/normal", "/mjpeg", "/hevc", "/moved"),
        *("/dark", "/night", "/clock", "/frozen-clock", "/frozen-bigclock"),
    ):
        mounts.add_factory(mount, _factory(lines[mount], shared=True))
    for mount, mode in (("/stall", "stall"), ("/ended", "eos")):
        factory = StallingFactory(args.stall_after, mode)
        mounts.add_factory(mount, _factory(lines[mount], shared=False, factory=factory))
    for name in args.switch:
        control = Path(args.control_dir) / name
        mounts.add_factory(f"/switch/{name}", SwitchFactory(lines, control, args.switch_default))
    return server


def build_protected_server(args: argparse.Namespace, method: str) -> GstRtspServer.RTSPServer:
    """/protected behind one auth method (GObject takes one method per server, not a set)."""
    server = _server(0)
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
    if method == "digest":
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    server.set_auth(auth)  # no default token on purpose: anonymous clients get 401

    factory = _factory(pipelines(args.width, args.height, args.fps)["/protected"], shared=True)
    role = Gst.Structure.new_from_string(
        "camera-user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
    )
    factory.add_role_from_structure(role)
    server.get_mount_points().add_factory("/protected", factory)
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="open server port (0: any free)")
    parser.add_argument("--user", default="operator")
    parser.add_argument("--password", default="s3cret-Pa55")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--stall-after", type=float, default=0.6, help="seconds, /stall and /ended")
    parser.add_argument("--control-dir", help="folder of the /switch/<name> control files")
    parser.add_argument(
        "--switch", action="append", default=[], metavar="NAME", help="serve /switch/NAME"
    )
    parser.add_argument("--switch-default", default="black", choices=SWITCH_CONDITIONS)
    parser.add_argument("--bench", type=int, default=0, metavar="N", help="N shared mounts /cam/i")
    parser.add_argument("--elements", action="store_true", help="list the elements used, exit")
    args = parser.parse_args(argv)
    bad = [name for name in args.switch if not SWITCH_NAME.match(name)]
    if bad or (args.switch and not args.control_dir):
        parser.error("--switch needs --control-dir and names of a-z, 0-9, - and _")
    if args.elements:
        lines = pipelines(args.width, args.height, args.fps).values()
        print("\n".join(sorted(set(SERVER_ELEMENTS).union(*map(launch_elements, lines)))))
        return 0

    Gst.init(None)
    loop = GLib.MainLoop()
    open_server = build_open_server(args)
    servers = [open_server] + [build_protected_server(args, m) for m in ("digest", "basic")]
    for server in servers:
        if server.attach(None) == 0:
            print(f"cannot listen on 127.0.0.1:{server.get_service()}", file=sys.stderr)
            return 1

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, lambda *_: loop.quit() or False)
    print("READY " + " ".join(str(server.get_bound_port()) for server in servers), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
