#!/usr/bin/env bash
# The embedded default on one machine: SQLite in ./data + a local Redis, demo people and
# demo cameras (a local GStreamer RTSP server with normal, black, snow, frozen, white and moved
# streams, plus one offline camera), web + Celery worker + beat at http://127.0.0.1:8000.
# Ctrl-C stops everything. Start a patrol from the UI, or: .venv/bin/python manage.py patrol
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-true}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py demo_data

procfile=Procfile
if ! .venv/bin/python -c "import redis,os; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=1).ping()" 2>/dev/null; then
  echo "==> no Redis at $REDIS_URL: starting one with the other processes"
  procfile=Procfile.with-redis
fi
echo "==> http://127.0.0.1:8000  (log in with a demo user above)"
exec .venv/bin/honcho -f "$procfile" start
