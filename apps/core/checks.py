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
