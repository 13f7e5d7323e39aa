"""Test settings: production-like (DEBUG off) with test secrets, a temporary data folder and a
Redis database of their own. The database is SQLite unless DATABASE_URL is set (CI: PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "k" * 50)
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHQta2V5LTAwMDA=")
os.environ.setdefault("AUDIT_WITNESS_KEY", "test-only-audit-witness-key-" + "w" * 20)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CAMERA_NETWORKS", "127.0.0.0/8,::1/128")  # the peers listen on loopback
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["CAMPUSCCTV_DATA_DIR"] = tempfile.mkdtemp(prefix="campuscctv-test-")

from campuscctv.settings import *  # noqa: E402,F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Lets the audit table's no-TRUNCATE trigger allow flushes between transactional tests.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c campuscctv.test_database=on"
    )
