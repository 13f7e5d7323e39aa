#!/usr/bin/env bash
# First command of the README: install everything, then run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec bash scripts/run-demo.sh
