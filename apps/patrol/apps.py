from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "apps.patrol"
    verbose_name = _("Daily patrol")

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.formats import date_format

        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .models import PatrolRun
        from .selectors import (
            VIEW_ROLES,
            fault_record_list,
            flagged_counts,
            run_list,
            run_progress,
        )

        nav_register(
            NavItem("patrol_runs", _("Daily patrol"), "bi-clipboard-check", VIEW_ROLES, order=20)
        )

        def cards(user):
            """The day at a glance (M-2.1, M-1.4, M-2.3, M-4.1a): the latest daily patrol
            (when, coverage, state), its results awaiting review and its scene changes no
            work order covers, and the open fault records; over the cameras the user sees.
            A fixed number of queries, whatever the number of cameras."""
            if not user.has_any_role(*VIEW_ROLES):
                return []
            group = _("Daily patrol")
            faults = {
                "key": "faults_open",
                "label": _("Open fault records"),
                "count": fault_record_list(user=user).filter(cleared_at=None).count(),
                "url": reverse("fault_records") + "?open=true",
                "group": group,
            }
            faults["css"] = "text-danger" if faults["count"] else ""
            # A re-check ("Check now") is not the day's patrol record.
            latest = run_list(user=user).filter(kind=PatrolRun.Kind.DAILY).first()
            if latest is None:
                return [
                    {
                        "key": "patrol_latest",
                        "label": _("Latest daily patrol"),
                        "count": "—",
                        "detail": _("No daily patrol yet."),
                        "url": reverse("patrol_runs"),
                        "group": group,
                    },
                    faults,
                ]
            progress = run_progress(run=latest, user=user)
            started = date_format(timezone.localtime(latest.started_at), "Y-m-d H:i")
            flagged = flagged_counts(run=latest, user=user)
            awaiting, scenes = flagged["awaiting"], flagged["scenes"]
            return [
                {
                    "key": "patrol_latest",
                    "label": _("Latest daily patrol"),
                    "count": f"{progress['checked']}/{progress['active_cameras']}",
                    "detail": _("%(when)s · coverage %(checked)d of %(total)d · %(state)s")
                    % {
                        "when": started,
                        "checked": progress["checked"],
                        "total": progress["active_cameras"],
                        "state": latest.get_state_display(),
                    },
                    "url": latest.get_absolute_url(),
                    "group": group,
                },
                {
                    "key": "patrol_unreviewed",
                    "label": _("Latest patrol: results to review"),
                    "count": awaiting,
                    "url": latest.get_absolute_url(),
                    "css": "text-warning" if awaiting else "",
                    "group": group,
                },
                {
                    "key": "patrol_scene_changes",
                    "label": _("Scene changes without a work order"),
                    "count": scenes,
                    "url": latest.get_absolute_url(),
                    "css": "text-danger" if scenes else "",
                    "group": group,
                },
                faults,
            ]

        dashboard_register(cards)

        from apps.core.admin_config import schedule_labels_register

        from .schedules import SCHEDULE_LABELS

        schedule_labels_register(SCHEDULE_LABELS)  # beat schedules in the admin, translated
