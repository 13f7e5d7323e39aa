"""``manage.py probe URI``: probe any camera by URI without registering it (M-2.1).

Thin: it parses the arguments and prints what ``apps.cameras.probe`` returns.
"""

import getpass
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.cameras.networks import HostRefused, host_check, parse_networks
from apps.cameras.probe import (
    DEFAULT_TIMEOUTS,
    FAULT,
    UNKNOWN,
    ProbeResult,
    parse_target,
    probe_camera,
)
from apps.cameras.probe.diagnosis import DiagnosisThresholds

EXIT_CODES = {"ok": 0, "degraded": 0, FAULT: 1, UNKNOWN: 2}
PASSWORD_ENV = "CAMPUSCCTV_PROBE_PASSWORD"


class Command(BaseCommand):
    help = (
        "Probe one camera (rtsp://[user[:password]@]host[:port]/path or "
        "onvif://user[:password]@host[:port][?profile=TOKEN]) through TCP, ONVIF, RTSP, frames "
        "and image diagnosis, without registering it. Exit code: 0 ok or degraded, 1 fault, "
        f"2 unknown. A user without a password in the URI takes it from ${PASSWORD_ENV} or "
        "asks for it, so it need not appear in the process list or shell history (M-1.1a). "
        "Hosts outside CAMERA_NETWORKS are refused without a connection (exit code 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("uri")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--reference", type=Path, help="reference snapshot (JPEG) for the scene check"
        )
        parser.add_argument("--snapshot", type=Path, help="write the snapshot JPEG here")
        parser.add_argument(
            "--threshold",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="override a diagnosis threshold (repeatable)",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="seconds for each network wait (default: the probe's own bounds)",
        )

    def handle(self, *args, **options):
        try:
            target = parse_target(options["uri"])
            thresholds = DiagnosisThresholds.from_overrides(
                dict(_name_value(item) for item in options["threshold"])
            )
        except ValueError as exc:
            raise CommandError(str(exc), returncode=EXIT_CODES[UNKNOWN]) from None
        if target.username and not target.password:
            password = os.environ.get(PASSWORD_ENV)
            if password is None and sys.stdin.isatty():
                password = getpass.getpass(f"password for {target.username}: ")
            target = replace(target, password=password or "")
        timeouts = DEFAULT_TIMEOUTS
        if options["timeout"]:
            t = options["timeout"]
            timeouts = replace(timeouts, connect_s=t, onvif_s=t, rtsp_s=t, read_s=t)
        reference = options["reference"].read_bytes() if options["reference"] else None

        try:  # only inside the camera networks: the command is no network scanner
            networks = parse_networks(settings.CAMERA_NETWORKS)
            target = replace(target, networks=networks)
            host_check(target.host, networks)
        except HostRefused as refused:
            result = ProbeResult(
                target=target.display_uri, verdict=UNKNOWN, failing_layer="tcp", reason=str(refused)
            )
        else:
            result = probe_camera(
                target, thresholds=thresholds, reference=reference, timeouts=timeouts
            )

        if options["snapshot"] and result.snapshot_jpeg:
            options["snapshot"].write_bytes(result.snapshot_jpeg)
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2))
        else:
            self.stdout.write(report(result))
        if EXIT_CODES[result.verdict]:
            sys.exit(EXIT_CODES[result.verdict])


def _name_value(item: str) -> tuple[str, float]:
    name, sep, value = item.partition("=")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise ValueError(f"--threshold wants NAME=NUMBER, not {item!r}") from None


def report(result: ProbeResult) -> str:
    """The result as a duty operator reads it."""
    data = result.to_dict()
    verdict = data["verdict"].upper()
    if data["failing_layer"]:
        verdict += f" at {data['failing_layer']}"
    lines = [
        f"camera    {data['target']}",
        f"verdict   {verdict}: {data['reason']}",
        "layers    " + ", ".join(f"{k} {v:.0f} ms" for k, v in data["latency_ms"].items()),
    ]
    if data["device"]:
        d = data["device"]
        lines.append(
            f"device    {d.get('manufacturer', '')} {d.get('model', '')}, firmware "
            f"{d.get('firmware', '')}, serial {d.get('serial', '')}"
        )
    if data["clock_drift_s"] is not None:
        lines.append(f"clock     {data['clock_drift_s']:+.0f} s against this server")
    if data["stream_uri"]:
        s = data["stream"]
        size = f" {s['width']}x{s['height']}" if "width" in s else ""
        rate = f" @ {s['fps']} fps" if "fps" in s else ""
        lines.append(f"stream    {data['stream_uri']} {s.get('codec', '')}{size}{rate}".rstrip())
    for finding in data["findings"]:
        lines.append(f"finding   {finding['severity']:<8} {finding['code']}: {finding['message']}")
    if data["scene_changed"]:
        lines.append("ALARM     the scene differs from the reference snapshot (M-4.1a)")
    if data["metrics"]:
        lines.append(
            "metrics   "
            + ", ".join(f"{k}={v}" for k, v in data["metrics"].items() if v is not None)
        )
    return "\n".join(lines)
