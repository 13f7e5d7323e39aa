#!/usr/bin/env bash
# Second command of the README: the whole test suite (real PostgreSQL when DATABASE_URL is set,
# SQLite otherwise; real Redis, camera peers and Chromium). Quick loop: scripts/test.sh -m "not slow"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/lint-imports --no-cache  # apps depend downward only: contracts in pyproject.toml
DEBUG=true DATABASE_URL=sqlite:///:memory: .venv/bin/python manage.py makemigrations --check --dry-run -v 0
exec .venv/bin/python -m pytest "$@"
