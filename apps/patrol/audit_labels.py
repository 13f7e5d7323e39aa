"""Labels of the actions the patrol services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "patrol.run_start": _("Patrol run started"),
        "patrol.run_finish": _("Patrol run finished"),
        "patrol.check_review": _("Patrol result reviewed"),
        "patrol.fault_record_open": _("Fault record opened"),
        "patrol.fault_record_clear": _("Fault record cleared"),
        "patrol.run_sign": _("Patrol run countersigned"),
    }
)
