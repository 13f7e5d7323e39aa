"""Labels of duty's beat schedule and tasks in the admin (the stored name is that of
migration 0006; it stays the key)."""

from django.utils.translation import gettext_lazy as _

SCHEDULE_LABELS = {
    "Escalate unacknowledged abnormal events to the security chief (M-1.4)": _(
        "Escalate unacknowledged abnormal events to the security chief (M-1.4)"
    ),
    "apps.duty.tasks.duty_abnormal_escalate": _(
        "Escalate unacknowledged abnormal events to the security chief"
    ),
}
