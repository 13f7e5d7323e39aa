"""Pages at campus scale (issue 15): p50/p95 of every list, detail and dashboard page and every
API list endpoint on bulk-loaded PostgreSQL data, served by gunicorn as in production.

    .venv/bin/python benchmarks/pages.py [--size small|big|both] [--reuse] [--repeat 20]
                                        [--passes 3]

For each size it creates a fresh PostgreSQL database (``bench_pages_<size>`` on BENCH_PG_URL,
default postgres://postgres@127.0.0.1:5432), migrates it and loads the data set with COPY
(psycopg 3 ``cursor.copy()``):

* SMALL: 1,000 cameras, 300 daily runs x 1,000 = 300,000 checks, 100,000 audit events;
* BIG: 10,000 cameras, 300 daily runs x 10,000 = 3,000,000 checks, 1,000,000 audit events.

SMALL is one tenth of each count the issue names: the same 300 days of patrols over a tenth of
the cameras. (Until 2b42fe0 it had 30 runs, checks one hundredth: its run lists showed 30 runs
against BIG's 50 and a camera's history was a tenth as long, so "growth" measured rendering more
rows, not scale.) For the same reason each filter the pages ask for selects at least a page of
rows at both sizes (5 % of cameras suspended, not 1 %).

Mixes: ~3 % faults (offline or picture fault), ~2 % degraded, ~0.5 % undetermined, ~0.5 % not
checked, a few scene changes; flagged results of all runs but the last two reviewed (M-1.4)
and those runs countersigned (M-2.2); a fault episode per failing check, a fault record per
confirmed fault (M-2.3); locations ~ cameras/4, recorders ~ cameras/32, 3 maintenance vendors.
The audit chain is built in time order with ``apps.audit.chain.event_hash`` and its signed
witness written with ``apps.audit.witness``, so ``manage.py audit_verify`` says OK (checked
after the load). ``--reuse`` keeps a database whose load finished (``data/bench/<db>/``).

It then starts the Procfile's ``web:`` command (gunicorn, 2 workers x 4 threads) with DEBUG
off, the test secrets of tests/settings.py and DATABASE_URL at the bench database, logs in one
user per role that reads the pages (duty operator, auditor, a vendor engineer for the scoped
views; none of them needs a second factor), and times every page ``--repeat`` times one after
another (after one warm-up request) and then with 8 concurrent clients. With ``--size both``
the two sites run side by side and each page's requests alternate between them, and
``--passes`` (3) goes through all the pages that many times and pools each page's requests
(60 at the default ``--repeat 20``): the machine's other load then falls on both sizes alike,
so the growth ratio is measured side by side in one run, and a busy minute cannot decide a
page's p95 alone. p50 and p95 are nearest-rank percentiles. A request that does not
answer 200 counts as an error and is listed. The last line reads
``pages: worst p95 X ms at full data, growth Y x`` (growth = p50 at BIG / p50 at SMALL, the
worst page; it needs both sizes, this run's or a previous run's results in data/bench/).

``--no-compress`` (the smoke test's, tests/benchmarks): collectstatic without whitenoise's gzip
and brotli copies, into a static folder of its own. The pages timed are HTML and no static file
is ever requested, so the figures do not depend on it; the copies cost minutes of CPU.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "data" / "bench"
# The code under test: this checkout, or a commit exported by --at (the loader child gets it
# in BENCH_SRC); its database and static files are its own.
SRC = Path(os.environ.get("BENCH_SRC", ROOT))
sys.path.insert(0, str(SRC))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Bench-pages-2026!"
CLIENTS = 8
COMPRESS = True  # --no-compress: collectstatic without the compressed copies
# The deepest page a register lists (apps.core.registers.PAGE_ROWS_CAP rows; past it the user
# narrows the search or exports): a "deep page" is half-way through the rows, at most there, so
# that the commit before the cap and the one after it are asked for the same page.
ROWS_CAP = 10_000
SIZES = {
    "small": {"cameras": 1_000, "runs": 300, "events": 100_000},
    "big": {"cameras": 10_000, "runs": 300, "events": 1_000_000},
    # A smoke test of the loader and every page (tests/benchmarks), not a figure.
    "tiny": {"cameras": 100, "runs": 10, "events": 5_000},
}
# Who reads what: roles without a second factor that may open the page (M-1.2, M-1.3).
USERS = {
    "ops": ("duty_operator", "Duty Operator"),
    "staff": ("security_staff", "Security Staff"),
    "auditor": ("auditor", "Audit Reader"),
    "vendor": ("vendor_engineer", "Vendor Engineer"),
}
VENDORS = ["Hikvision Service Co.", "Dahua Maintenance Ltd.", "Uniview Field Service"]
TZ = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE's default, the one the site runs with


def site_env(db: str) -> dict[str, str]:
    """Production settings (DEBUG off) with the test secrets of tests/settings.py."""
    data_dir = BENCH_DIR / db
    return {
        **os.environ,
        "BENCH_SRC": str(SRC),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "campuscctv.settings",
        "DEBUG": "false",
        "DATABASE_URL": f"{PG_URL}/{db}",
        "CAMPUSCCTV_DATA_DIR": str(data_dir),
        "SECRET_KEY": "test-secret-key-" + "k" * 50,
        "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHQta2V5LTAwMDA=",
        "AUDIT_WITNESS_KEY": "test-only-audit-witness-key-" + "w" * 20,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CAMERA_NETWORKS": "127.0.0.0/8,::1/128",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "CACHE_KEY_PREFIX": f"bench-{db}",
        "STATIC_ROOT": str(BENCH_DIR / f"static-{SRC.name}"),
        "LOG_LEVEL": "WARNING",
        # Production's default is 60 s; longer keeps each worker's database backend for the
        # whole run, so its CPU is counted (server_cpu), at no cost to the figures.
        "CONN_MAX_AGE": "3600",
    }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below
    it. (Until 2026-12-02 this took the value one rank higher: with 20 requests "p95" was the
    slowest one, so a single slow request of 20 decided a page's figure.)"""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --------------------------------------------------------------------------------------------
# Loading (runs in a child process whose environment points Django at the bench database)


class Loader:
    def __init__(self, size: str, seed: int = 15):
        import django

        django.setup()
        import apps

        print(f"  code under test: {Path(apps.__file__).parent.parent}", flush=True)
        self.spec = SIZES[size]
        self.rng = random.Random(seed)
        self.info: dict = {"size": size, **self.spec}

    def copy(self, model, columns: list[str], rows) -> int:
        """COPY ``rows`` (tuples in ``columns`` order) into the model's table."""
        from django.db import connection

        table = model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def run(self) -> None:
        from django.core.management import call_command
        from django.db import connection, transaction
        from pages_apps import load as load_apps  # beside this script

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"  migrated in {time.monotonic() - started:.0f} s", flush=True)
        with transaction.atomic():
            self.people()
            self.places()
            self.patrols()
            self.tallies()
            self.extra_models = []  # the newer apps' tables (benchmarks/pages_apps.py)
            self.info.update(load_apps(self, TZ))
        with transaction.atomic():
            self.audit()
        with connection.cursor() as cursor:
            for model in self.models():
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
                )
            # As autovacuum leaves a table after inserts (insert-triggered since PostgreSQL
            # 13): statistics and the visibility map, without which no index-only scan is
            # chosen (a freshly COPYed table counts by reading every heap page).
            cursor.execute("VACUUM (ANALYZE)")
        self.witness()
        self.info["load_seconds"] = round(time.monotonic() - started, 1)
        print(f"  loaded in {self.info['load_seconds']} s", flush=True)

    def tallies(self) -> None:
        """A finished run's stored counts, where the code under test keeps them (issue 15),
        computed by its own selector as patrol_run_finish does."""
        from apps.patrol import selectors
        from apps.patrol.models import PatrolRun

        if not hasattr(selectors, "run_tally"):
            return
        started = time.monotonic()
        for run in PatrolRun.objects.exclude(state=PatrolRun.State.RUNNING):
            PatrolRun.objects.filter(pk=run.pk).update(tally=selectors.run_tally(run=run))
        print(f"  run counts in {time.monotonic() - started:.0f} s", flush=True)

    def models(self):
        from apps.cameras.models import Camera, DownEpisode, Location, Recorder
        from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun

        return [
            Location,
            Recorder,
            Camera,
            PatrolRun,
            PatrolCheck,
            DownEpisode,
            FaultRecord,
            *self.extra_models,
        ]

    def people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from apps.accounts.models import Department, User

        office = Department.objects.create(name="Security office", kind="security_office")
        self.vendors = [
            Department.objects.create(name=name, kind="maintenance_vendor") for name in VENDORS
        ]
        password = make_password(PASSWORD)
        self.users = {}
        for username, (role, full_name) in USERS.items():
            user = User.objects.create(
                username=username,
                full_name=full_name,
                password=password,
                department=self.vendors[0] if role == "vendor_engineer" else office,
            )
            user.groups.add(Group.objects.get(name=role))
            self.users[username] = user
        # Colleagues who appear in the audit chain as actors.
        for i in range(1, 21):
            user = User.objects.create(
                username=f"op{i:02d}",
                full_name=f"Operator {i}",
                password=password,
                department=office,
            )
            user.groups.add(Group.objects.get(name="duty_operator"))
            self.users[user.username] = user

    def places(self) -> None:
        from apps.cameras.models import Location, Recorder, Site

        n = self.spec["cameras"]
        self.sites = [
            Site.objects.create(code=code, name=name)
            for code, name in [("MAIN", "Main campus"), ("EAST", "East campus")]
        ]
        kinds = [
            "entrance",
            "road",
            "teaching",
            "lab",
            "library",
            "office",
            "canteen",
            "sports",
            "parking",
            "dormitory_public",
            "store",
        ]
        n_loc = max(1, n // 4)
        locations = []
        for i in range(1, n_loc + 1):
            building = f"Building {((i - 1) // 20) + 1}"
            locations.append(
                (
                    i,
                    self.sites[i % 2].pk,
                    building,
                    f"{(i % 6) + 1}F",
                    f"Area {i}",
                    kinds[i % len(kinds)],
                )
            )
        self.copy(Location, ["id", "site_id", "building", "floor", "area", "area_kind"], locations)
        n_rec = max(1, n // 32)
        self.copy(
            Recorder,
            ["id", "code", "name", "site_id", "host", "vendor_id", "channels"],
            (
                (
                    i,
                    f"NVR{i:04d}",
                    f"Recorder {i}",
                    self.sites[i % 2].pk,
                    f"10.1.{i // 250}.{i % 250}",
                    self.vendors[i % 3].pk,
                    32,
                )
                for i in range(1, n_rec + 1)
            ),
        )
        self.camera_ids = list(range(1, n + 1))
        self.camera_vendor = {c: self.vendors[((c - 1) // 32) % 3].pk for c in self.camera_ids}
        self.camera_code = {c: f"C{c:05d}" for c in self.camera_ids}
        self.camera_name = {
            c: f"Camera {c} {kinds[(c // 4) % len(kinds)]}" for c in self.camera_ids
        }
        self.n_loc, self.n_rec = n_loc, n_rec
        self.camera_columns = [
            "id",
            "code",
            "name",
            "location_id",
            "recorder_id",
            "channel",
            "onvif_host",
            "onvif_port",
            "rtsp_main_uri",
            "rtsp_sub_uri",
            "credential_username",
            "credential_password",
            "vendor_id",
            "manufacturer",
            "model",
            "firmware",
            "serial_number",
            "commissioned_on",
            "filed_on",
            "status",
            "diagnosis_overrides",
            "reference_snapshot",
            "health",
            "down_since",
            "up_since",
            "last_checked_at",
            "last_snapshot",
            "last_thumbnail",
            "work_order_ref",
            "work_order_until",
            "created_at",
            "updated_at",
        ]

    def patrols(self) -> None:
        from apps.cameras.models import Camera, DownEpisode
        from apps.patrol.models import FaultRecord, PatrolCheck, PatrolRun

        rng = self.rng
        n_runs = self.spec["runs"]
        today = datetime.now(TZ).date()
        days = [today - timedelta(days=n_runs - 1 - i) for i in range(n_runs)]
        self.days = days
        staff, reviewers = self.users["staff"], [self.users[f"op{i:02d}"] for i in range(1, 21)]
        runs = []
        for run_id, day in enumerate(days, start=1):
            started = datetime.combine(day, dtime(6, 0), TZ)
            signed = run_id <= n_runs - 2
            runs.append(
                (
                    run_id,
                    "daily",
                    day,
                    started,
                    started + timedelta(minutes=25),
                    "schedule",
                    None,
                    None,
                    None,
                    "signed" if signed else "finished",
                    len(self.camera_ids),
                    staff.pk if signed else None,
                    started + timedelta(hours=10) if signed else None,
                    "",
                )
            )
        self.copy(
            PatrolRun,
            [
                "id",
                "kind",
                "scheduled_for",
                "started_at",
                "finished_at",
                "trigger",
                "started_by_id",
                "site_id",
                "camera_id",
                "state",
                "active_cameras",
                "signed_by_id",
                "signed_at",
                "sign_note",
            ],
            runs,
        )
        self.runs = runs
        faults = [
            (
                "tcp",
                "tcp_refused",
                lambda c: {"address": f"10.2.{c // 250}.{c % 250}:554"},
                "offline",
            ),
            (
                "tcp",
                "tcp_timeout",
                lambda c: {"address": f"10.2.{c // 250}.{c % 250}:554", "seconds": 3.0},
                "offline",
            ),
            ("rtsp", "rtsp_no_video", lambda c: {}, "offline"),
            ("picture", "black", lambda c: {}, "picture_fault"),
            ("picture", "frozen", lambda c: {"frames": 5}, "picture_fault"),
            ("picture", "snow", lambda c: {}, "picture_fault"),
        ]
        degraded = [
            ("picture", "blur", lambda c: {}),
            ("picture", "too_dark", lambda c: {}),
            ("picture", "colour_cast", lambda c: {"hue": "green"}),
        ]
        from apps.cameras.probe.reasons import REASONS

        def reason(code, params):
            template = REASONS[code]
            return (template if isinstance(template, str) else template[0]) % params

        n = len(self.camera_ids)
        check_id = 0
        self.flagged_reviews = []  # (check_id, run_id, camera, when, reviewer, review, verdict)
        episodes, records = [], []
        last = {}  # camera -> (verdict, kind, checked_at, check_id)
        columns = [
            "id",
            "run_id",
            "camera_id",
            "state",
            "attempts",
            "checked_at",
            "verdict",
            "failing_layer",
            "reason",
            "reason_code",
            "reason_params",
            "findings",
            "metrics",
            "latency_ms",
            "scene_changed",
            "covered_by_work_order",
            "snapshot",
            "thumbnail",
            "review",
            "review_note",
            "reviewed_by_id",
            "reviewed_at",
        ]

        def checks():
            nonlocal check_id
            for run in runs:
                run_id, started = run[0], run[3]
                reviewed = run_id <= n_runs - 2
                for index, camera in enumerate(self.camera_ids):
                    check_id += 1
                    when = started + timedelta(seconds=1500 * index / n + rng.random())
                    roll = rng.random()
                    layer = code = text = ""
                    params, findings, scene, wo = {}, [], False, ""
                    metrics = {
                        "luma_mean": round(rng.uniform(60, 160), 1),
                        "luma_std": round(rng.uniform(20, 60), 1),
                        "sharpness": round(rng.uniform(80, 400), 1),
                    }
                    latency = {
                        "tcp": rng.randint(1, 8),
                        "rtsp": rng.randint(20, 90),
                        "frames": rng.randint(1000, 1300),
                    }
                    latency["total"] = sum(latency.values())
                    kind = None
                    if roll < 0.005:
                        state, verdict, when_ = "not_checked", "", None
                        text = "no answer after 3 attempts"
                    else:
                        state, when_ = "done", when
                        if roll < 0.035:
                            verdict = "fault"
                            layer, code, make, kind = faults[rng.randrange(len(faults))]
                            params = make(camera)
                        elif roll < 0.055:
                            verdict = "degraded"
                            layer, code, make = degraded[rng.randrange(len(degraded))]
                            params = make(camera)
                        elif roll < 0.06:
                            verdict, layer, code = "unknown", "onvif", "onvif_auth_failed"
                            params = {"detail": "401"}
                        else:
                            verdict, code = "ok", "picture_ok"
                            if rng.random() < 0.003:
                                scene = True
                                wo = f"WO-{run_id}-{camera}" if rng.random() < 0.5 else ""
                        text = reason(code, params)
                        if layer == "picture":
                            findings = [
                                {
                                    "code": code,
                                    "severity": verdict,
                                    "message": text,
                                    "metrics": {},
                                    "params": params,
                                }
                            ]
                    flagged = state == "done" and (verdict != "ok" or (scene and not wo))
                    review, reviewer, reviewed_at = "", None, None
                    if flagged and reviewed:
                        reviewer = rng.choice(reviewers).pk
                        reviewed_at = started + timedelta(hours=2 + rng.random() * 4)
                        review = "false_alarm" if rng.random() < 0.15 else "confirmed_fault"
                        self.flagged_reviews.append(
                            (check_id, run_id, camera, reviewed_at, reviewer, review, verdict)
                        )
                    if verdict == "fault":
                        ended = None if run_id == n_runs else started + timedelta(days=1)
                        false_alarm = review == "false_alarm"
                        if false_alarm:
                            ended = reviewed_at
                        episodes.append(
                            (
                                len(episodes) + 1,
                                camera,
                                when_,
                                ended,
                                text[:300],
                                kind,
                                "ok",
                                when_,
                                false_alarm,
                            )
                        )
                        if review == "confirmed_fault":
                            records.append(
                                (
                                    len(records) + 1,
                                    camera,
                                    len(episodes),
                                    check_id,
                                    when_,
                                    text[:300],
                                    reviewer,
                                    reviewed_at,
                                    ended,
                                )
                            )
                    if state == "done":
                        last[camera] = (verdict, kind, when_)
                    yield (
                        check_id,
                        run_id,
                        camera,
                        state,
                        1 if state == "done" else 3,
                        when_,
                        verdict,
                        layer,
                        text[:300],
                        code,
                        json.dumps(params),
                        json.dumps(findings),
                        json.dumps(metrics),
                        json.dumps(latency),
                        scene,
                        wo,
                        "",
                        "",
                        review,
                        "",
                        reviewer,
                        reviewed_at,
                    )

        started = time.monotonic()
        # Cameras first (checks point at them), with health as the last run leaves it below.
        created = datetime.combine(self.days[0] - timedelta(days=400), dtime(9), TZ)
        self.copy(
            Camera, self.camera_columns, (self.camera_row(c, created) for c in self.camera_ids)
        )
        total = self.copy(PatrolCheck, columns, checks())
        print(f"  {total} checks in {time.monotonic() - started:.0f} s", flush=True)
        self.copy(
            DownEpisode,
            [
                "id",
                "camera_id",
                "started_at",
                "ended_at",
                "reason",
                "kind",
                "health_before",
                "last_fault_at",
                "false_alarm",
            ],
            episodes,
        )
        self.copy(
            FaultRecord,
            [
                "id",
                "camera_id",
                "episode_id",
                "first_check_id",
                "occurred_at",
                "symptom",
                "confirmed_by_id",
                "confirmed_at",
                "cleared_at",
            ],
            records,
        )
        # Each camera's state is what its latest decided check says (M-2.1, M-2.3).
        health = {"ok": "ok", "degraded": "degraded", "unknown": "ok"}
        by_health: dict[str, list[int]] = {}
        for camera, (verdict, kind, _when) in last.items():
            by_health.setdefault(kind or health[verdict], []).append(camera)
        for value, ids in by_health.items():
            Camera.objects.filter(pk__in=ids).update(health=value)
        last_run_start = runs[-1][3]
        Camera.objects.filter(health__in=Camera.FAULT_HEALTH).update(down_since=last_run_start)
        Camera.objects.exclude(health__in=Camera.FAULT_HEALTH).update(up_since=created)
        Camera.objects.update(last_checked_at=runs[-1][4])
        self.info.update(
            checks=total,
            episodes=len(episodes),
            fault_records=len(records),
            reviews=len(self.flagged_reviews),
            locations=self.n_loc,
            recorders=self.n_rec,
            last_run=runs[-1][0],
            mid_run=runs[len(runs) // 2][0],
            camera=1,
            check=check_id - n // 2,
        )

    def camera_row(self, c: int, created) -> tuple:
        n_loc, n_rec = self.n_loc, self.n_rec
        recorder = ((c - 1) // 32) % n_rec + 1
        # 5 % suspended: the status filter lists a full page (48) at SMALL too (52 of 1,000).
        status = "suspended" if c % 19 == 0 else ("decommissioned" if c % 211 == 0 else "active")
        commissioned = (created + timedelta(days=c % 60)).date()
        return (
            c,
            self.camera_code[c],
            self.camera_name[c],
            (c - 1) % n_loc + 1,
            recorder,
            (c - 1) % 32 + 1,
            f"10.2.{c // 250}.{c % 250}",
            80,
            f"rtsp://10.2.{c // 250}.{c % 250}:554/Streaming/Channels/101",
            f"rtsp://10.2.{c // 250}.{c % 250}:554/Streaming/Channels/102",
            "",
            "",
            self.camera_vendor[c],
            ["Hikvision", "Dahua", "Uniview"][c % 3],
            f"DS-2CD{2000 + c % 40}",
            "V5.7.3",
            f"SN{c:08d}",
            commissioned,
            commissioned + timedelta(days=10) if c % 13 else None,
            status,
            "{}",
            "",
            "unchecked",
            None,
            None,
            None,
            "",
            "",
            "",
            None,
            created,
            created,
        )

    def audit(self) -> None:
        from apps.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
        from apps.audit.models import AuditEvent

        rng = self.rng
        budget = self.spec["events"]
        reviews_by_day: dict[int, list] = {}
        for row in self.flagged_reviews:
            reviews_by_day.setdefault(row[1], []).append(row)
        people = [u for name, u in self.users.items() if name.startswith("op")]
        usernames = {u.pk: u.username for u in self.users.values()}
        staff, vendor = self.users["staff"], self.users["vendor"]
        structural = 3 * len(self.runs) + len(self.flagged_reviews)
        filler_per_day = max(0, budget - structural) // len(self.runs)
        extra = max(0, budget - structural) - filler_per_day * len(self.runs)
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        state = {
            "seq": last["sequence"] if last else 0,
            "hash": last["hash"] if last else GENESIS_HASH,
        }

        def user_fields(user):
            return user.pk, user.username

        def camera_target(c):
            return "cameras.camera", str(c), f"{self.camera_code[c]} {self.camera_name[c]}"

        def day_events(index, run):
            run_id, _, day, started = run[0], run[1], run[2], run[3]
            label = f"#{run_id} {started:%Y-%m-%d %H:%M}"
            out = [
                (
                    started,
                    None,
                    "",
                    "patrol.run_start",
                    "patrol.patrolrun",
                    str(run_id),
                    label,
                    "M-2.1",
                    {"trigger": "schedule", "cameras": len(self.camera_ids)},
                ),
                (
                    run[4],
                    None,
                    "",
                    "patrol.run_finish",
                    "patrol.patrolrun",
                    str(run_id),
                    label,
                    "M-2.1",
                    {"checked": len(self.camera_ids)},
                ),
            ]
            sign_at = run[12] or started + timedelta(hours=10)
            out.append(
                (
                    sign_at,
                    *user_fields(staff),
                    "patrol.run_sign",
                    "patrol.patrolrun",
                    str(run_id),
                    label,
                    "M-2.2",
                    {"note": ""},
                )
            )
            for check_id, _, camera, when, reviewer, review, verdict in reviews_by_day.get(
                run_id, []
            ):
                out.append(
                    (
                        when,
                        reviewer,
                        usernames[reviewer],
                        "patrol.check_review",
                        "patrol.patrolcheck",
                        str(check_id),
                        f"{run_id}/{camera} {verdict}",
                        "M-1.4",
                        {"review": review, "note": ""},
                    )
                )
            fill = filler_per_day + (extra if index == len(self.runs) - 1 else 0)
            day_start = datetime.combine(day, dtime(7), TZ)
            for _ in range(fill):
                when = day_start + timedelta(seconds=rng.random() * 16 * 3600)
                roll = rng.random()
                user = rng.choice(people)
                if roll < 0.45:
                    out.append(
                        (
                            when,
                            *user_fields(user),
                            "accounts.login",
                            "accounts.user",
                            str(user.pk),
                            user.username,
                            "M-1.2",
                            {},
                        )
                    )
                elif roll < 0.8:
                    out.append(
                        (
                            when,
                            *user_fields(user),
                            "accounts.logout",
                            "accounts.user",
                            str(user.pk),
                            user.username,
                            "M-1.2",
                            {},
                        )
                    )
                elif roll < 0.9:
                    c = rng.choice(self.camera_ids)
                    out.append(
                        (
                            when,
                            *user_fields(vendor),
                            "cameras.camera_update",
                            *camera_target(c),
                            "M-1.3",
                            {"changed": ["firmware"], "work_order": f"WO-{c}"},
                        )
                    )
                elif roll < 0.95:
                    c = rng.choice(self.camera_ids)
                    out.append(
                        (
                            when,
                            None,
                            "",
                            "cameras.camera_down",
                            *camera_target(c),
                            "M-2.3",
                            {"reason": "connection refused"},
                        )
                    )
                elif roll < 0.98:
                    out.append(
                        (
                            when,
                            *user_fields(user),
                            "core.permission_denied",
                            "",
                            "",
                            "",
                            "M-1.2",
                            {"path": "/admin/"},
                        )
                    )
                else:
                    out.append(
                        (
                            when,
                            None,
                            "",
                            "accounts.login_failed",
                            "accounts.user",
                            user.username,
                            user.username,
                            "M-1.2",
                            {"ip": "10.0.0.8"},
                        )
                    )
            out.sort(key=lambda e: e[0])
            return out

        columns = [*HASHED_FIELDS, "prev_hash", "hash"]

        def rows():
            for index, run in enumerate(self.runs):
                for (
                    when,
                    actor_id,
                    actor_label,
                    action,
                    ttype,
                    tid,
                    tlabel,
                    clause,
                    data,
                ) in day_events(index, run):
                    state["seq"] += 1
                    fields = {
                        "sequence": state["seq"],
                        "occurred_at": when,
                        "actor_id": actor_id,
                        "actor_label": actor_label,
                        "action": action,
                        "target_type": ttype,
                        "target_id": tid,
                        "target_label": tlabel[:200],
                        "clause": clause,
                        "data": data,
                    }
                    prev = state["hash"]
                    state["hash"] = event_hash(prev_hash=prev, fields=fields)
                    yield (
                        state["seq"],
                        when,
                        actor_id,
                        actor_label,
                        action,
                        ttype,
                        tid,
                        tlabel[:200],
                        clause,
                        json.dumps(data, ensure_ascii=False),
                        prev,
                        state["hash"],
                    )

        started = time.monotonic()
        total = self.copy(AuditEvent, columns, rows())
        print(f"  {total} audit events in {time.monotonic() - started:.0f} s", flush=True)
        self.info.update(events=total, event=state["seq"] // 2, last_sequence=state["seq"])

    def witness(self) -> None:
        """Sign the head as the site's own commit hook would have, event by event."""
        from apps.audit.models import AuditEvent
        from apps.audit.witness import Witness, witness_replace

        first = AuditEvent.objects.get(sequence=1)
        head = AuditEvent.objects.order_by("-sequence").first()
        witness_replace(Witness(chain_id=first.hash, sequence=head.sequence, hash=head.hash))


# --------------------------------------------------------------------------------------------
# The database and the site


def pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


def database_ready(db: str) -> bool:
    with pg_admin() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
    return bool(exists) and (BENCH_DIR / db / "bench-info.json").exists()


def load(size: str, db: str) -> dict:
    info_file = BENCH_DIR / db / "bench-info.json"
    info_file.unlink(missing_ok=True)
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    (BENCH_DIR / db / "audit-witness.json").unlink(missing_ok=True)
    print(f"{size}: loading {db} ...", flush=True)
    env = site_env(db)
    # cwd: Celery puts the working directory first on sys.path.
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--load-into", size],
        env=env,
        cwd=SRC,
        check=True,
    )
    verify = subprocess.run(
        [sys.executable, str(SRC / "manage.py"), "audit_verify"],
        env=env,
        cwd=SRC,
        capture_output=True,
        text=True,
    )
    print(f"  {(verify.stdout + verify.stderr).strip()}", flush=True)
    if verify.returncode:
        raise SystemExit(f"{db}: audit_verify failed")
    return json.loads(info_file.read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# collectstatic with Django's manifest storage: the same staticfiles.json (hashed names) that
# the site's whitenoise storage reads, without its gzip and brotli copies of ~500 files (~2.5 min
# of CPU on a loaded 2-core machine, most of the tiny smoke test's time).
COLLECT_UNCOMPRESSED = """
import django
from django.conf import settings

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
django.setup()
from django.core.management import call_command

call_command("collectstatic", interactive=False, verbosity=0)
"""


def start_site(db: str) -> tuple[subprocess.Popen, str]:
    """The Procfile's web command, on a free port, after collectstatic as a deployment runs it
    (whitenoise's manifest storage when DEBUG is off; without its compressed copies, in a
    folder of their own, with --no-compress)."""
    env = site_env(db)
    if not COMPRESS:
        env["STATIC_ROOT"] += "-uncompressed"
    manifest = Path(env["STATIC_ROOT"], "staticfiles.json")
    if SRC == ROOT or not manifest.exists():  # an exported commit's files never change
        collect = [str(SRC / "manage.py"), "collectstatic", "--noinput", "-v", "0"]
        subprocess.run(
            [sys.executable, *(collect if COMPRESS else ["-c", COLLECT_UNCOMPRESSED])],
            env=env,
            cwd=SRC,
            check=True,
        )
    line = next(
        line for line in (SRC / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    args = shlex.split(line.split(":", 1)[1])
    port = free_port()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[0] = str(ROOT / args[0])  # this checkout's .venv
    # Its own control socket: gunicorn's default path is shared by every gunicorn of the user.
    args += ["--control-socket", str(BENCH_DIR / db / "gunicorn.ctl")]
    log = open(BENCH_DIR / db / "gunicorn.log", "w")  # noqa: SIM115 (the child writes it)
    proc = subprocess.Popen(args, cwd=SRC, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(120):
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code < 500:
                return proc, base
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or a busy machine
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    stop_site(proc)
    raise SystemExit(f"gunicorn did not start, see {BENCH_DIR / db / 'gunicorn.log'}")


def stop_site(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def new_session():
    """A client session that, like a browser, sends a GET once more when the keep-alive
    connection it picked was closed by the server meanwhile (gunicorn closes idle ones after
    2 s: a client idle during another page's turn found its pooled connection gone and
    counted a "no answer"). Answers are never retried; a second failure counts."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods={"GET"})
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def login(base: str, username: str):
    session = new_session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise SystemExit(f"login as {username} failed: {answer.status_code}")
    return session


# --------------------------------------------------------------------------------------------
# The pages


def pages(info: dict) -> list[tuple[str, str, str]]:
    """(name, user, path): every list, detail and dashboard page and every API list endpoint,
    first page, a deep page (half-way through), each filter and search."""
    n, runs, events = info["cameras"], info["runs"], info["events"]
    checks = info["checks"]

    def deep(rows: int, size: int = 50) -> int:
        return max(1, min(rows // 2, ROWS_CAP) // size)

    day = info["mid_day"]
    run, last_run, camera = info["mid_run"], info["last_run"], info["camera"]
    code_part = f"C{n // 2:05d}"[:5]  # a code prefix matching 10 cameras at either size
    return [
        ("home dashboard", "ops", "/"),
        ("camera list", "ops", "/cameras/"),
        ("camera list deep", "ops", f"/cameras/?page={deep(n, 48)}"),
        ("camera search", "ops", f"/cameras/?q={code_part}"),
        ("camera search place", "ops", "/cameras/?q=Area+12"),
        ("camera filter health", "ops", "/cameras/?health=down"),
        ("camera filter status", "ops", "/cameras/?status=suspended"),
        ("camera filter site", "ops", f"/cameras/?site={info['site']}"),
        ("camera list (vendor)", "vendor", "/cameras/"),
        ("camera detail", "ops", f"/cameras/{camera}/"),
        ("camera places", "ops", "/cameras/places/"),
        ("camera history", "ops", f"/patrol/cameras/{camera}/history/"),
        ("run list", "ops", "/patrol/"),
        ("run list deep", "ops", f"/patrol/?page={deep(runs)}"),
        ("run filter state", "ops", "/patrol/?state=signed"),
        ("run filter date", "ops", f"/patrol/?date_from={day}&date_to={day}"),
        ("run filter kind", "ops", "/patrol/?kind=all"),
        ("run list (vendor)", "vendor", "/patrol/"),
        ("run detail", "ops", f"/patrol/{run}/"),
        ("run detail latest", "ops", f"/patrol/{last_run}/"),
        ("run progress", "ops", f"/patrol/{last_run}/progress/"),
        ("run detail (vendor)", "vendor", f"/patrol/{run}/"),
        ("fault register", "ops", "/patrol/faults/"),
        ("fault register deep", "ops", f"/patrol/faults/?page={deep(info['fault_records'])}"),
        ("fault filter open", "ops", "/patrol/faults/?open=true"),
        ("fault filter camera", "ops", f"/patrol/faults/?camera={code_part}"),
        ("audit register", "auditor", "/audit/"),
        ("audit register deep", "auditor", f"/audit/?page={deep(events)}"),
        ("audit filter action", "auditor", "/audit/?action=check_review"),
        (
            "audit filter action deep",
            "auditor",
            f"/audit/?action=check_review&page={deep(info['reviews'])}",
        ),
        ("audit filter actor", "auditor", "/audit/?actor=op07"),
        ("audit filter target", "auditor", f"/audit/?target={code_part}"),
        ("audit filter clause", "auditor", "/audit/?clause=M-2.2"),
        ("audit filter date", "auditor", f"/audit/?date_from={day}&date_to={day}"),
        ("audit event detail", "auditor", f"/audit/{info['event']}/"),
        ("api cameras", "ops", "/api/cameras/"),
        ("api cameras deep", "ops", f"/api/cameras/?page={deep(n)}"),
        ("api cameras search", "ops", f"/api/cameras/?q={code_part}"),
        ("api cameras health", "ops", "/api/cameras/?health=down"),
        ("api cameras (vendor)", "vendor", "/api/cameras/"),
        ("api camera detail", "ops", f"/api/cameras/{camera}/"),
        ("api runs", "ops", "/api/patrol/runs/"),
        ("api runs deep", "ops", f"/api/patrol/runs/?page={deep(runs)}"),
        ("api runs date", "ops", f"/api/patrol/runs/?date_from={day}&date_to={day}"),
        ("api run detail", "ops", f"/api/patrol/runs/{run}/"),
        ("api checks", "ops", "/api/patrol/checks/"),
        ("api checks deep", "ops", f"/api/patrol/checks/?page={deep(checks)}"),
        ("api checks verdict", "ops", "/api/patrol/checks/?verdict=fault"),
        ("api checks camera", "ops", f"/api/patrol/checks/?camera={code_part}"),
        ("api checks run", "ops", f"/api/patrol/checks/?run={run}"),
        ("api checks (vendor)", "vendor", "/api/patrol/checks/"),
        ("api check detail", "ops", f"/api/patrol/checks/{info['check']}/"),
        ("api audit events", "auditor", "/api/audit/events/"),
        ("api audit deep", "auditor", f"/api/audit/events/?page={deep(events)}"),
        ("api audit action", "auditor", "/api/audit/events/?action=check_review"),
        ("api audit date", "auditor", f"/api/audit/events/?date_from={day}&date_to={day}"),
        ("api audit target", "auditor", f"/api/audit/events/?target={code_part}"),
        *apps_pages(info, deep, code_part),
    ]


def apps_pages(info: dict, deep, code_part: str) -> list[tuple[str, str, str]]:
    """The newer apps' pages, where the code under test has them (benchmarks/pages_apps.py)."""
    rows = []
    if "tickets" in info:
        rows += [
            ("ticket register", "ops", "/maintenance/tickets/"),
            ("ticket register deep", "ops", f"/maintenance/tickets/?page={deep(info['tickets'])}"),
            ("ticket filter open", "ops", "/maintenance/tickets/?open=true"),
            ("ticket filter camera", "ops", f"/maintenance/tickets/?camera={code_part}"),
            ("ticket register (vendor)", "vendor", "/maintenance/tickets/"),
            ("ticket detail", "ops", f"/maintenance/tickets/{info['ticket']}/"),
            ("contract register", "staff", "/maintenance/contracts/"),
            ("api tickets", "ops", "/api/maintenance/tickets/"),
            ("api tickets (vendor)", "vendor", "/api/maintenance/tickets/"),
        ]
    if "requests" in info:
        rows += [
            ("request register", "staff", "/requests/"),
            ("request register deep", "staff", f"/requests/?page={deep(info['requests'])}"),
            ("request filter state", "staff", "/requests/?state=in_approval"),
            ("request detail", "staff", f"/requests/{info['request']}/"),
            ("access register", "staff", "/requests/access-register/"),
            (
                "access register deep",
                "staff",
                f"/requests/access-register/?page={deep(info['retrievals'])}",
            ),
            ("api requests", "staff", "/api/requests/"),
            ("api access register", "staff", "/api/requests/access-register/"),
        ]
    if "entries" in info:
        rows += [
            ("duty roster", "ops", "/duty/roster/"),
            ("entry register", "ops", "/duty/entries/"),
            ("entry register deep", "ops", f"/duty/entries/?page={deep(info['entries'])}"),
            ("check-in register", "staff", "/duty/check-ins/"),
            ("api roster", "ops", "/api/duty/assignments/"),
            ("api entries", "ops", "/api/duty/entries/"),
        ]
    if "notifications" in info:
        rows += [("notifications", "ops", "/notifications/"), ("exports", "ops", "/exports/")]
    return rows


def timed(session, url: str) -> tuple[float, int, int]:
    """Milliseconds, status (0: no answer, timed out or connection lost) and size."""
    import requests

    started = time.perf_counter()
    try:
        answer = session.get(url, timeout=120, allow_redirects=False)
    except requests.RequestException:
        return (time.perf_counter() - started) * 1000, 0, 0
    return (time.perf_counter() - started) * 1000, answer.status_code, len(answer.content)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(site: subprocess.Popen, db: str) -> dict[int, float]:
    """CPU seconds so far of gunicorn and of the database's backends, by process: what a
    request costs the machine, steadier than wall time on a machine others share."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == site.pid:
                workers.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    with pg_admin() as conn:
        backends = [
            row[0]
            for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db])
        ]
    return {pid: cpu_seconds(pid) for pid in [site.pid, *workers, *backends]}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """A process that started meanwhile counts from zero (a backend that ended meanwhile is
    lost: CONN_MAX_AGE is raised for the run so that none does)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def measure(sites: dict[str, dict], repeat: int, passes: int = 1, only: str = "") -> dict:
    """Every page of every size, sequentially and then with CLIENTS concurrent clients.

    With both sizes the two sites run side by side and each page's requests alternate between
    them (SMALL, BIG, BIG, SMALL, ...), so that the machine's other load falls on both sizes
    alike and the growth ratio compares like with like; ``passes`` goes through all pages that
    many times, each page ``repeat`` times a pass, and pools the requests, so that a busy
    minute cannot decide a page's figures alone."""
    plans: dict[str, dict[str, tuple[str, str]]] = {}
    for size, site in sites.items():
        listed = pages(site["info"])
        site["sessions"] = {user: login(site["base"], user) for user in {u for _, u, _ in listed}}
        plans[size] = {
            name: (user, site["base"] + path)
            for name, user, path in listed
            if not only or re.search(only, name)
        }
    names = list(dict.fromkeys(name for plan in plans.values() for name in plan))
    sequential = {size: {name: [] for name in plan} for size, plan in plans.items()}
    cpu = {size: dict.fromkeys(plan, 0.0) for size, plan in plans.items()}
    first: dict[str, dict[str, tuple[int, int]]] = {size: {} for size in sites}

    def alive(size: str) -> None:
        if sites[size]["proc"].poll() is not None:
            raise SystemExit(f"{size}: gunicorn stopped, see {BENCH_DIR / sites[size]['db']}")

    for number in range(passes):
        started = time.perf_counter()
        for name in names:
            here = [size for size in sites if name in plans[size]]
            for size in here:  # a warm-up request each pass, not timed
                user, url = plans[size][name]
                _, status, nbytes = timed(sites[size]["sessions"][user], url)
                first[size].setdefault(name, (status, nbytes))
                alive(size)
            before = {s: server_cpu(sites[s]["proc"], sites[s]["db"]) for s in here}
            for i in range(repeat):
                for size in here if i % 2 == 0 else here[::-1]:
                    user, url = plans[size][name]
                    sequential[size][name].append(timed(sites[size]["sessions"][user], url))
            for size in here:
                used = server_cpu(sites[size]["proc"], sites[size]["db"])
                cpu[size][name] += cpu_used(before[size], used)
        print(
            f"  pass {number + 1}/{passes}: {len(names)} pages x {repeat} requests x "
            f"{len(sites)} sizes in {time.perf_counter() - started:.0f} s, "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    local = threading.local()

    def client(size: str, user: str):
        cache = getattr(local, "sessions", None)
        if cache is None:
            cache = local.sessions = {}
        if (size, user) not in cache:
            session = new_session()
            session.cookies.update(sites[size]["sessions"][user].cookies)
            cache[size, user] = session
        return cache[size, user]

    results: dict[str, list[dict]] = {size: [] for size in sites}
    with ThreadPoolExecutor(CLIENTS) as pool:
        for size, plan in plans.items():
            for name, (user, url) in plan.items():
                concurrent = list(
                    pool.map(
                        lambda _, size=size, user=user, url=url: timed(client(size, user), url),
                        range(max(repeat, 2 * CLIENTS)),
                    )
                )
                alive(size)
                timings = sequential[size][name]
                seq_ms = [t for t, _, _ in timings]
                con_ms = [t for t, _, _ in concurrent]
                statuses = [s for _, s, _ in timings + concurrent]
                status, nbytes = first[size][name]
                results[size].append(
                    {
                        "page": name,
                        "user": user,
                        "path": url.removeprefix(sites[size]["base"]),
                        "status": status,
                        "bytes": nbytes,
                        "requests": len(seq_ms),
                        "p50": percentile(seq_ms, 0.5),
                        "p95": percentile(seq_ms, 0.95),
                        "max": max(seq_ms),
                        "c_p50": percentile(con_ms, 0.5),
                        "c_p95": percentile(con_ms, 0.95),
                        "c_max": max(con_ms),
                        "cpu_ms": cpu[size][name] / len(seq_ms) * 1000,
                        "errors": sum(1 for s in statuses if s != 200),
                        "bad": sorted({s for s in statuses if s != 200}),
                    }
                )
    return results


def print_table(size: str, rows: list[dict]) -> None:
    print(
        f"{size}:\n  {'page (ms)':26} {'p50':>8} {'p95':>8} {'max':>8} {'8c p50':>8} "
        f"{'8c p95':>8} {'8c max':>8} {'cpu/req':>8} {'size':>9}"
    )
    for row in rows:
        print(
            f"  {row['page']:26} {row['p50']:8.0f} {row['p95']:8.0f} {row['max']:8.0f} "
            f"{row['c_p50']:8.0f} {row['c_p95']:8.0f} {row['c_max']:8.0f} {row['cpu_ms']:8.0f} "
            f"{row['bytes'] // 1024:6d} KB"
            + (
                f"  {row['errors']} not 200 (status {row['bad']}; 0: no answer)"
                if row["errors"]
                else ""
            )
        )


def tag() -> str:
    """Databases and results of an exported commit are named after it (and BENCH_DB_TAG, so
    that a smoke test of this checkout does not meet a measurement of it)."""
    own = os.environ.get("BENCH_DB_TAG", "")
    return ("" if SRC == ROOT else "_" + SRC.name.removeprefix("src-")) + (own and f"_{own}")


def export(commit: str) -> None:
    """The commit's files (git archive, the repository untouched) as the code under test,
    with this checkout's node_modules and its compiled translations."""
    global SRC
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    SRC = BENCH_DIR / f"src-{sha}"
    if not (SRC / "manage.py").exists():
        SRC.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(SRC)], stdin=archive.stdout, check=True)
        archive.wait()
        (SRC / "node_modules").symlink_to(ROOT / "node_modules")
        subprocess.run(
            [sys.executable, "manage.py", "compilemessages", "--ignore=node_modules", "-v", "0"],
            cwd=SRC,
            env={
                **os.environ,
                "DEBUG": "true",
                "PYTHONPATH": str(SRC),
                "CAMPUSCCTV_DATA_DIR": str(BENCH_DIR / "compile"),
            },
            check=True,
        )
    sys.path.insert(0, str(SRC))
    print(f"measuring {sha} from {SRC}")


# ``--db-at COMMIT``: measure the code under test on the databases loaded for COMMIT.
DB_TAG: str | None = None


def db_at(commit: str) -> None:
    """Use the databases loaded for ``commit`` (a load takes minutes at BIG): allowed only when
    its migrations are those of the code under test, so the schema is the one the code expects."""
    global DB_TAG
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    under_test = SRC.name.removeprefix("src-") if SRC != ROOT else "HEAD"
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "--name-only", sha, under_test, "--", "apps/*/migrations"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if changed:
        raise SystemExit(f"--db-at {sha}: migrations differ from the code under test: {changed}")
    DB_TAG = "_" + sha


def prepare(size: str, reuse: bool) -> tuple[str, dict]:
    """The size's bench database, loaded now or kept from an earlier load."""
    db = f"bench_pages_{size}{DB_TAG if DB_TAG is not None else tag()}"
    if DB_TAG is not None and not database_ready(db):
        raise SystemExit(f"--db-at: {db} is not loaded")
    reuse = reuse or DB_TAG is not None
    (BENCH_DIR / db).mkdir(parents=True, exist_ok=True)
    if reuse and database_ready(db):
        info = json.loads((BENCH_DIR / db / "bench-info.json").read_text())
        print(f"{size}: reusing {db} (loaded in {info.get('load_seconds')} s)", flush=True)
    else:
        info = load(size, db)
    print(
        f"{size}: {info['cameras']} cameras, {info['runs']} runs, {info['checks']} checks, "
        f"{info['events']} audit events, {info['locations']} locations, "
        f"{info['recorders']} recorders, {info['fault_records']} fault records"
    )
    return db, info


def run_sizes(
    sizes: list[str], reuse: bool, repeat: int, passes: int = 1, only: str = ""
) -> dict[str, list[dict]]:
    """Load (or reuse) each size, start a site per size and measure them side by side."""
    sites: dict[str, dict] = {}
    for size in sizes:
        db, info = prepare(size, reuse)
        sites[size] = {"db": db, "info": info}
    try:
        for site in sites.values():
            site["proc"], site["base"] = start_site(site["db"])
        before = os.getloadavg()[0]
        results = measure(sites, repeat, passes, only)
        after = os.getloadavg()[0]
    finally:
        for site in sites.values():
            if "proc" in site:
                stop_site(site["proc"])
    for size, rows in results.items():
        print_table(size, rows)
        if not only:  # a partial run does not replace the full figures
            (BENCH_DIR / f"pages-{size}{tag()}.json").write_text(json.dumps(rows, indent=1))
    print(f"  load average {before:.1f} before, {after:.1f} after ({os.cpu_count()} cores)")
    return results


def main(argv: list[str] | None = None) -> int:
    global CLIENTS, COMPRESS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=[*SIZES, "both"], default="both")
    parser.add_argument("--reuse", action="store_true", help="skip loading a loaded database")
    parser.add_argument(
        "--repeat", type=int, default=20, help="sequential requests per page, size and pass"
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=3,
        help="times through all pages; each page's requests are pooled over the passes",
    )
    parser.add_argument(
        "--at",
        metavar="COMMIT",
        help="measure this commit (git archive into data/bench/), not the working tree",
    )
    parser.add_argument("--only", default="", metavar="REGEX", help="measure matching pages only")
    parser.add_argument(
        "--clients", type=int, default=CLIENTS, help="concurrent clients (8: the issue's)"
    )
    parser.add_argument(
        "--db-at",
        metavar="COMMIT",
        help="the databases loaded for COMMIT (same migrations), not a fresh load",
    )
    parser.add_argument(
        "--no-compress",
        action="store_true",
        help="collectstatic without the gzip/brotli copies (the smoke test's; no page uses them)",
    )
    parser.add_argument("--load-into", choices=list(SIZES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    CLIENTS = args.clients
    COMPRESS = not args.no_compress
    if args.at:
        export(args.at)
    if args.db_at:
        db_at(args.db_at)

    if args.load_into:  # the child: Django set up on the bench database by site_env()
        loader = Loader(args.load_into)
        loader.run()
        info = {
            **loader.info,
            "site": loader.sites[0].pk,
            "mid_day": str(loader.days[len(loader.days) // 2]),
        }
        Path(os.environ["CAMPUSCCTV_DATA_DIR"], "bench-info.json").write_text(json.dumps(info))
        return 0

    sizes = ["small", "big"] if args.size == "both" else [args.size]
    results = run_sizes(sizes, args.reuse, args.repeat, args.passes, args.only)
    for size in ("small", "big"):  # a size not run now: its previous results, for the growth figure
        previous = BENCH_DIR / f"pages-{size}{tag()}.json"
        if size not in results and previous.exists():
            results[size] = json.loads(previous.read_text())
    full = "big" if "big" in results and "big" in sizes else sizes[-1]
    if not results[full]:
        print(f"no page matches --only {args.only!r}")
        return 0
    worst = max(results[full], key=lambda r: r["p95"])
    scale = "full" if full == "big" else full
    errors = sum(r["errors"] for r in results[full])
    print(
        f"worst p95: {worst['page']} {worst['p95']:.0f} ms; with {CLIENTS} clients max "
        f"{max(r['c_max'] for r in results[full]):.0f} ms; {errors} requests not 200"
    )
    growth_text = "n/a (needs both sizes)"  # no figure, no unit
    if "small" in results and "big" in results:
        small = {r["page"]: r for r in results["small"]}
        ratios = {
            r["page"]: r["p50"] / small[r["page"]]["p50"]
            for r in results["big"]
            if r["page"] in small and small[r["page"]]["p50"] > 0
        }
        page = max(ratios, key=ratios.get)
        print(f"growth (BIG p50 / SMALL p50) worst: {page}")
        growth_text = f"{ratios[page]:.1f} x"
    print(f"pages: worst p95 {worst['p95']:.0f} ms at {scale} data, growth {growth_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
