"""Production settings: check --deploy is clean; a missing required setting is named."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-" + "Zq8!xV2#mK9@pL4$nR7^" * 3,
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHQta2V5LTAwMDA=",
    "AUDIT_WITNESS_KEY": "prod-witness-" + "Hq3!wT6#" * 4,
    "ALLOWED_HOSTS": "cctv.example.edu.cn",
    "DJANGO_SETTINGS_MODULE": "campuscctv.settings",
}


def _manage(*args, env):
    # Only what a process needs to run: the test settings' own variables stay out.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "CAMPUSCCTV_DATA_DIR") if k in os.environ}
    clean["CAMPUSCCTV_ENV_FILE"] = "/nonexistent"  # only what the test gives, not the .env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _signing_pair(tmp_path) -> dict:
    from apps.core.pdf import signing_pair_create

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    signing_pair_create(key_path=key, cert_path=cert, common_name="test site")
    return {"PDF_SIGNING_KEY": str(key), "PDF_SIGNING_CERT": str(cert)}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**PRODUCTION, **_signing_pair(tmp_path)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_a_missing_pdf_signing_pair(tmp_path):
    env = {**PRODUCTION, **_signing_pair(tmp_path), "PDF_SIGNING_KEY": str(tmp_path / "gone.pem")}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    assert "campuscctv.W001" in result.stderr and "PDF_SIGNING_KEY:" in result.stderr
    assert "PDF_SIGNING_CERT" not in result.stderr


def test_missing_required_setting_is_named_in_one_line():
    env = {k: v for k, v in PRODUCTION.items() if k != "FIELD_ENCRYPTION_KEY"}
    result = _manage("check", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "campuscctv: missing required setting FIELD_ENCRYPTION_KEY (set it in the environment)."
    ]
