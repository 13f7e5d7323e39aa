"""Labels of the patrol's beat schedules and tasks in the admin (M-2.1; issue 14 §1).

The stored names are the ones migration 0002 created: they stay the key, so a schedule the
security chief renamed reads as he wrote it."""

from django.utils.translation import gettext_lazy as _

SCHEDULE_LABELS = {
    "Daily patrol of every camera (M-2.1)": _("Daily patrol of every camera (M-2.1)"),
    "Resume stalled patrol runs": _("Resume stalled patrol runs"),
    "apps.patrol.tasks.patrol_daily": _("Daily patrol of every camera"),
    "apps.patrol.tasks.patrol_resume_stale": _("Resume stalled patrol runs"),
    "apps.patrol.tasks.patrol_run_execute": _("Run one patrol (queued by a start)"),
    "apps.patrol.tasks.patrol_chunk_check": _("Check a batch of cameras of a patrol"),
}
