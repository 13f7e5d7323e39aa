from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "apps.exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from apps.core.admin_config import schedule_labels_register
        from apps.core.registers import export_starter_set

        from .views import export_start

        # A register's large CSV (apps.core.registers) starts a job here: core knows no app.
        export_starter_set(export_start)
        schedule_labels_register(  # beat schedules in the admin, translated (migration 0002)
            {
                "Purge expired exports": _("Purge expired exports"),
                "apps.exports.tasks.export_purge_expired": _("Purge expired exports"),
                "apps.exports.tasks.export_run": _("Write one background export"),
                "Resume stalled exports": _("Resume stalled exports"),
                "apps.exports.tasks.export_resume_stale": _("Resume stalled exports"),
            }
        )
