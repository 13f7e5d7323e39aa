"""Labels of the actions the exports record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "exports.export_request": _("Background export requested"),
        "exports.export_download": _("Background export downloaded"),
    }
)
