"""Labels of maintenance's beat schedule and tasks in the admin (the stored names are those of
migration 0002; they stay the key)."""

from django.utils.translation import gettext_lazy as _

SCHEDULE_LABELS = {
    "Open fault tickets from confirmed patrol faults (M-2.3)": _(
        "Open fault tickets from confirmed patrol faults (M-2.3)"
    ),
    "Verify or reopen cleared fault tickets from their re-check (M-2.3)": _(
        "Verify or reopen cleared fault tickets from their re-check (M-2.3)"
    ),
    "Notify fault tickets at 80 percent of the allowance and past the deadline (M-2.4)": _(
        "Notify fault tickets at 80 percent of the allowance and past the deadline (M-2.4)"
    ),
    "Keep a log for every day and flag days not countersigned (M-2.2)": _(
        "Keep a log for every day and flag days not countersigned (M-2.2)"
    ),
    "apps.maintenance.tasks.maintenance_daylogs_check": _(
        "Keep a log for every day and flag days not countersigned"
    ),
    "apps.maintenance.tasks.maintenance_sla_escalate": _(
        "Notify fault tickets at 80 percent of the allowance and past the deadline"
    ),
    "apps.maintenance.tasks.maintenance_rechecks_settle": _(
        "Verify or reopen cleared fault tickets from their re-check"
    ),
    "apps.maintenance.tasks.maintenance_ticket_recheck": _(
        "Re-check the camera of a cleared fault ticket"
    ),
    "apps.maintenance.tasks.maintenance_tickets_sync": _(
        "Open fault tickets from confirmed patrol faults"
    ),
    "apps.maintenance.tasks.maintenance_ticket_from_fault": _(
        "Open the fault ticket of one patrol fault record"
    ),
}
