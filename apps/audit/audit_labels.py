"""Labels of what the audit app itself records (apps/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

from .labels import action_labels_register, target_kinds_register

action_labels_register(
    {
        "audit.witness_reset": _("Audit witness reset"),
        "core.permission_denied": _("Access refused"),
    }
)
target_kinds_register({"url": _("page address"), "audit.witness": _("audit witness")})
