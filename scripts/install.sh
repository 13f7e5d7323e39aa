#!/usr/bin/env bash
# Install everything campuscctv needs on Debian/Ubuntu (idempotent, quick when nothing changed):
# system packages, the Python venv (.venv), front-end assets (npm → node_modules, served by
# Django), compiled translations. Run it as yourself, not with sudo: as root it needs no sudo
# (minimal images have none); as a user only the apt step, if anything is missing, uses sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$(stat -c %U .)" = "$SUDO_USER" ]; then
  # Under sudo in a user's checkout, .venv, node_modules, .env and data would belong to root.
  echo "install.sh: run it as $SUDO_USER without sudo; it uses sudo for apt only" >&2
  exit 1
fi

# fonts-noto-cjk: Chinese PDFs (libharfbuzz-subset0: WeasyPrint's fast font subsetting, as in
# docker/Dockerfile; poppler-utils: the tests read PDFs back); ffmpeg: ffprobe and the ONVIF
# test camera's encoder;
# gstreamer + python3-gi: the RTSP test cameras; chromium: browser tests; gettext: translations.
# gstreamer1.0-x has the peers' clockoverlay/timeoverlay/textoverlay; it is only a recommended
# package, so --no-install-recommends leaves it out and every demo camera answers 503.
# tests/peers/test_gst_packages.py fails when a peer's element comes from a package not listed here.
APT_PACKAGES=(
  python3 python3-venv python3-dev build-essential git curl
  redis-server fonts-noto-cjk gettext ffmpeg poppler-utils
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi-dev
  gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-x python3-gi
  chromium
)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "install.sh: missing system packages: ${missing[*]}" >&2
      echo "install.sh: run it as root (there is no sudo here), or install them first" >&2
      exit 1
    fi
    SUDO=(sudo)
  fi
  "${SUDO[@]}" apt-get update -q
  # Through env: sudo's env_reset would drop a DEBIAN_FRONTEND set in front of it.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> pip install"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[test]'
  # ipycam (the virtual ONVIF test camera) asks for opencv-python, which must not share a venv
  # with opencv-python-headless: install it without its dependencies.
  .venv/bin/pip install -q --no-deps ipycam==1.3.0
  if .venv/bin/pip show -q opencv-python >/dev/null 2>&1; then
    .venv/bin/pip uninstall -y -q opencv-python
    .venv/bin/pip install -q --force-reinstall --no-deps opencv-python-headless==5.0.0.93
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Bootstrap, Bootstrap Icons, htmx)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -f .env ]; then
  # The embedded default's own secrets, made once per machine and never committed.
  echo "==> .env with fresh SECRET_KEY, FIELD_ENCRYPTION_KEY and AUDIT_WITNESS_KEY (keep it, and back it up)"
  (umask 077 && .venv/bin/python - > .env <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}")
print(f"AUDIT_WITNESS_KEY={secrets.token_urlsafe(32)}")
print("ALLOWED_HOSTS=127.0.0.1,localhost")
PY
  )
elif ! grep -q '^AUDIT_WITNESS_KEY=' .env; then
  # An install from before the signed audit witness: add its key once, keep everything else.
  # The old unsigned witness then needs `manage.py audit_witness_reset` (docs/audit.md).
  echo "==> .env: adding a fresh AUDIT_WITNESS_KEY (keep it, and back it up)"
  [ -z "$(tail -c1 .env)" ] || echo >> .env
  .venv/bin/python -c 'import secrets; print(f"AUDIT_WITNESS_KEY={secrets.token_urlsafe(32)}")' >> .env
fi

# The site's self-signed PDF signing pair (PDF_SIGNING_KEY/_CERT, default data/pdf-signing/),
# made once like the .env secrets, key mode 600; an existing pair is kept, so PDFs signed with it
# stay verifiable. Back the key up with the .env (docs/pdf.md).
DEBUG=true .venv/bin/python manage.py pdf_signing_key

echo "==> compilemessages"
DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
echo "==> installed"
