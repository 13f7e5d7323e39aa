"""audit_verify benchmark (M-4.2, issue 15): the single walk against the parallel one.

    .venv/bin/python benchmarks/audit_verify.py [--events 1000000] [--workers 2] [--keep]

Creates a fresh PostgreSQL database (``--database-url``, default
postgres://postgres@127.0.0.1:5432, name ``--name``), migrates it and loads N audit events
with COPY: the chain built in sequence order with the chain's own hashing, so it verifies.
The events look like the product's: a few actors and system events (no actor), Chinese
labels, small ``data`` objects with before/after changes, and one in fifty with a float
(which the verifier's exact slow path handles). Then it runs the reference walk
(``--workers 1``: one process through the ORM) and the parallel walk (``--workers N``) on the
same data, checks that both say the same, and prints rows/s for each and the ratio. The last
line reads ``audit_verify: N events, single R1 rows/s, parallel R2 rows/s (W workers), X x``.
Target: at least 200,000 rows/s at 1,000,000 events on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ACTIONS = (
    ("patrol.check_record", "patrol.patrolcheck", "M-2.1"),
    ("patrol.run_finish", "patrol.patrolrun", "M-2.1"),
    ("cameras.camera_update", "cameras.camera", "M-1.3"),
    ("patrol.check_review", "patrol.patrolcheck", "M-1.4"),
    ("accounts.login", "", "M-4.1"),
)
PLACES = ("教学楼A 东门", "图书馆 二层 阅览室", "学生公寓 3 号楼 入口", "北门 岗亭", "体育馆 看台")


def recreate_database(base_url: str, name: str, *, create: bool = True) -> str:
    import psycopg

    with psycopg.connect(base_url.rstrip("/") + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
    return base_url.rstrip("/") + "/" + name


def event_rows(count: int, actors: list[tuple[int, str]], seed: int = 15):
    """(sequence, occurred_at, actor_id, actor_label, action, target_type, target_id,
    target_label, clause, data, prev_hash, hash) in chain order."""
    from apps.audit.chain import GENESIS_HASH, event_hash_from_text

    rng = random.Random(seed)
    start = datetime(2025, 9, 1, tzinfo=UTC)
    prev_hash = GENESIS_HASH
    for sequence in range(1, count + 1):
        moment = start + timedelta(seconds=sequence * 3, microseconds=rng.randrange(1_000_000))
        action, target_type, clause = ACTIONS[sequence % len(ACTIONS)]
        actor_id, actor_label = actors[sequence % len(actors)] if sequence % 7 else (None, "")
        target_id = str(rng.randrange(1, 3_000_000)) if target_type else ""
        place = PLACES[sequence % len(PLACES)]
        target_label = f"CAM-{rng.randrange(10_000):05d} {place}" if target_type else ""
        if action == "cameras.camera_update":
            data = {"changes": {"name": [place, place + " 改"], "recorder_id": [3, 4]}}
        elif action == "patrol.check_review":
            data = {"judgement": "false_alarm", "note": "树影晃动，误报"}
        elif sequence % 50 == 0:
            data = {"score": round(rng.random(), 4), "frames": 25}
        else:
            data = {"verdict": "ok", "run": sequence // 10_000 + 1}
        data_text = json.dumps(data, ensure_ascii=False)
        at = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        digest = event_hash_from_text(  # positional, in the chain's HASHED_FIELDS order
            prev_hash,
            sequence,
            at,
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            target_label,
            clause,
            data_text,
        )
        yield (
            sequence,
            moment,
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            target_label,
            clause,
            data_text,
            prev_hash,
            digest,
        )
        prev_hash = digest


def load(count: int) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection

    started = time.monotonic()
    users = [get_user_model().objects.create(username=f"bench-{n}") for n in range(5)]
    actors = [(user.pk, user.username) for user in users]
    columns = (
        "sequence, occurred_at, actor_id, actor_label, action, target_type, target_id,"
        " target_label, clause, data, prev_hash, hash"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy,
    ):
        for row in event_rows(count, actors):
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) audit_auditevent")  # hint bits set before timing
    return time.monotonic() - started


def cpu_seconds() -> float:
    """CPU of this process and its reaped children (the workers), PostgreSQL's not included."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_walk(workers: int):
    from apps.audit.selectors import chain_walk

    started, cpu = time.monotonic(), cpu_seconds()
    report = chain_walk(workers=workers)
    return report, time.monotonic() - started, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--name", default="cc_bench_audit_verify")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="verify the database a --keep run left, no load"
    )
    args = parser.parse_args()

    if args.reuse:
        os.environ["DATABASE_URL"] = args.database_url.rstrip("/") + "/" + args.name
    else:
        os.environ["DATABASE_URL"] = recreate_database(args.database_url, args.name)
    os.environ.setdefault("CAMPUSCCTV_DATA_DIR", tempfile.mkdtemp(prefix="campuscctv-bench-"))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuscctv.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"loaded {args.events:,} events in {load(args.events):.1f} s", flush=True)

    single, single_s, single_cpu = timed_walk(1)
    print(f"single (--workers 1): {single} in {single_s:.2f} s, {single_cpu:.2f} s CPU", flush=True)
    parallel, parallel_s, parallel_cpu = timed_walk(args.workers)
    print(
        f"parallel (--workers {args.workers}): {parallel} in {parallel_s:.2f} s,"
        f" {parallel_cpu:.2f} s CPU",
        flush=True,
    )
    if parallel != single or not single.ok or single.count != args.events:
        sys.exit("the two walks disagree or the chain does not verify")
    if not (args.keep or args.reuse):
        from django.db import connections

        connections.close_all()
        recreate_database(args.database_url, args.name, create=False)
    r1, r2 = args.events / single_s, args.events / parallel_s
    print(
        f"audit_verify: {args.events:,} events, single {r1:,.0f} rows/s, parallel {r2:,.0f}"
        f" rows/s ({args.workers} workers), {r2 / r1:.1f} x"
    )


if __name__ == "__main__":
    main()
