"""Daily patrol benchmark (M-2.1): N cameras patrolled by one process, against sequential ffprobe.

    .venv/bin/python benchmarks/patrol.py [--cameras 1000] [--concurrency 64] [--sample 20]

Starts the GStreamer peer with N mounts sharing one encoder (tests/peers/rtsp_server.py
--bench N), registers N cameras in a fresh embedded database (SQLite in a temporary data
folder; or the database of DATABASE_URL), and runs one patrol through the product's own code
path: ``patrol_run_start`` then ``execution.run_pending_checks`` (RTSP session, first key
frame, a one-second window, decode, diagnosis, snapshot files, one check row and the camera's
health per camera, the run's finish event). Then it times ``ffprobe`` on a sample of the
mounts one after another, scales that to N, and prints the ratio. The last line reads
``patrol: N cameras in T s, R x faster than sequential ffprobe``.
Target: 1,000 cameras in at most 60 s on 2 cores, at least 30x.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pages import percentile  # noqa: E402 (beside this script: the benchmarks' one nearest rank)


def ffprobe_once(uri: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-rtsp_transport",
            "tcp",
            "-select_streams",
            "v",
            "-show_entries",
            "stream=codec_name,width,height",
            "-of",
            "json",
            uri,
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return time.monotonic() - started


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def setup_django(concurrency: int) -> None:
    """A throwaway embedded installation: the benchmark never touches a real one."""
    os.environ.setdefault("CAMPUSCCTV_DATA_DIR", tempfile.mkdtemp(prefix="campuscctv-bench-"))
    os.environ.setdefault("DEBUG", "true")
    os.environ["PATROL_CONCURRENCY"] = str(concurrency)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuscctv.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def register_cameras(uris: list[str]):
    from apps.cameras.models import Camera
    from apps.cameras.services import location_create, site_create

    site = site_create(by=None, code="BENCH", name="Benchmark campus")
    location = location_create(by=None, site=site, building="Bench", area_kind="road")
    # Setup only: the patrol under test reads these rows like any others.
    Camera.objects.bulk_create(
        Camera(code=f"B{i:05d}", name=f"bench {i}", location=location, rtsp_main_uri=uri)
        for i, uri in enumerate(uris, start=1)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--sample", type=int, default=20, help="cameras timed with ffprobe")
    args = parser.parse_args(argv)

    setup_django(args.concurrency)
    from apps.patrol import execution
    from apps.patrol.models import PatrolCheck, PatrolRun
    from apps.patrol.selectors import run_progress
    from apps.patrol.services import patrol_run_start
    from tests.peers.fixtures import SYSTEM_PYTHON, start_peer, stop_peer

    peer, ports = start_peer(
        [SYSTEM_PYTHON, str(ROOT / "tests/peers/rtsp_server.py"), "--bench", str(args.cameras)],
        name="GStreamer bench",
    )
    try:
        uris = [f"rtsp://127.0.0.1:{ports[0]}/cam/{i}" for i in range(1, args.cameras + 1)]
        register_cameras(uris)
        peer_cpu, own_cpu = cpu_seconds(peer.pid), time.process_time()
        started = time.monotonic()
        run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
        execution.run_pending_checks(run.pk)
        wall = time.monotonic() - started
        own_cpu, peer_cpu = time.process_time() - own_cpu, cpu_seconds(peer.pid) - peer_cpu

        run.refresh_from_db()
        checks = PatrolCheck.objects.filter(run=run)
        durations = [c.latency_ms["total"] / 1000 for c in checks.only("latency_ms")]
        verdicts = collections.Counter(checks.values_list("verdict", flat=True))
        reasons = collections.Counter(checks.exclude(verdict="ok").values_list("reason", flat=True))
        progress = run_progress(run=run, user=None)  # the whole run, unscoped
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"cameras           {args.cameras} (concurrency {args.concurrency}), "
            f"run {run.state}, coverage {progress['checked']}/{progress['active_cameras']}"
        )
        print(f"wall time         {wall:.1f} s, {args.cameras / wall:.1f} cameras/s")
        print(
            f"per camera        p50 {percentile(durations, 0.5):.2f} s, "
            f"p95 {percentile(durations, 0.95):.2f} s, max {max(durations):.2f} s"
        )
        print(f"verdicts          {dict(verdicts)}")
        for reason, count in reasons.most_common(5):
            print(f"  {count} x {reason}")
        print(
            f"patrol CPU        {own_cpu:.1f} s ({own_cpu / wall:.0%} of one core), "
            f"peak RSS {peak_rss_mb:.0f} MB"
        )
        print(f"peer CPU          {peer_cpu:.1f} s")

        sample = uris[:: max(1, len(uris) // max(1, args.sample))][: args.sample]
        times = [ffprobe_once(uri) for uri in sample]
        sequential = statistics.mean(times) * args.cameras
        print(
            f"ffprobe           {len(times)} cameras one by one: mean "
            f"{statistics.mean(times):.2f} s -> {sequential:.0f} s for {args.cameras}"
        )
        print(
            f"patrol: {args.cameras} cameras in {wall:.1f} s, "
            f"{sequential / wall:.0f} x faster than sequential ffprobe"
        )
    finally:
        stop_peer(peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
