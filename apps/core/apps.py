from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (system checks)
        from .admin_config import schedule_labels_register

        schedule_labels_register(  # beat schedules in the admin, translated (migration 0002)
            {
                "Resend pending notifications": _("Resend pending notifications"),
                "apps.core.tasks.notification_resend_due": _("Resend pending notifications"),
                "apps.core.tasks.notification_deliver": _("Deliver one notification"),
            }
        )
