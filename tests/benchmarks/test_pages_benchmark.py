"""Issue 15: benchmarks/pages.py keeps working as the apps grow — its loader fills every
app's tables (benchmarks/pages_apps.py) and every page it times answers 200 — on the tiny
size (100 cameras), which gives no figure worth reading, only the proof that it runs."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),  # migrate, collectstatic, load and ~80 pages on a busy machine
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the benchmark loads PostgreSQL databases"
    ),
]


def test_the_pages_benchmark_loads_and_times_every_page():
    settings = connection.settings_dict
    server = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}"
    )
    own = f"test{os.getpid()}"
    env = {
        **os.environ,
        "BENCH_PG_URL": server,
        "BENCH_DB_TAG": own,
        "BENCH_REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--size", "tiny"]
            + ["--repeat", "1", "--passes", "1", "--clients", "1", "--no-compress"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "bench_pages_tiny_{own}" WITH (FORCE)')
        shutil.rmtree(ROOT / "data" / "bench" / f"bench_pages_tiny_{own}", ignore_errors=True)
        (ROOT / "data" / "bench" / f"pages-tiny_{own}.json").unlink(missing_ok=True)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "audit chain OK" in out
    for app_rows in ("fault tickets", "footage requests", "roster assignments", "notifications"):
        assert app_rows in out, out[-3000:]
    assert " 0 requests not 200" in out, out[-3000:]
    assert "pages: worst p95" in out
