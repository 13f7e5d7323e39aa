from django.conf import settings
from django.core.checks import Error, register


@register()
def field_encryption_key_check(app_configs, **kwargs):
    """A wrong key would only show when the first camera password is read: say it at start."""
    from cryptography.fernet import Fernet

    try:
        for key in settings.FIELD_ENCRYPTION_KEY.split(","):
            Fernet(key.strip())
    except ValueError:
        return [
            Error(
                "FIELD_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 "
                "bytes); see docs/configuration.md.",
                id="campuscctv.E001",
            )
        ]
    return []


@register(deploy=True)
def pdf_signing_pair_check(app_configs, **kwargs):
    """`check --deploy`: without the signing pair every signed PDF is refused (docs/pdf.md)."""
    from pathlib import Path

    from django.core.checks import Warning

    missing = [
        name
        for name in ("PDF_SIGNING_KEY", "PDF_SIGNING_CERT")
        if not getattr(settings, name) or not Path(getattr(settings, name)).is_file()
    ]
    if missing:
        return [
            Warning(
                f"{' and '.join(missing)}: no such file, so signed PDFs are refused; run "
                "`manage.py pdf_signing_key` once (docs/pdf.md).",
                id="campuscctv.W001",
            )
        ]
    return []
