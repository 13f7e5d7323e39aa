from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "apps.duty"
    verbose_name = _("Duty roster")

    def demo_data(self) -> list[str]:
        from .demo import demo_duty_create

        return demo_duty_create()

    def ready(self) -> None:
        from datetime import timedelta

        from django.db.models.signals import post_migrate

        from .presets import shift_presets_sync

        post_migrate.connect(shift_presets_sync, sender=self, dispatch_uid="shift_presets_sync")

        from django.conf import settings
        from django.urls import reverse
        from django.utils import timezone

        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .selectors import (
            ENTRY_VIEW_ROLES,
            ROSTER_VIEW_ROLES,
            Attendance,
            attendance_list,
            attendance_may_view,
            attendance_q,
            period_gaps,
        )

        nav_register(
            NavItem(
                "duty_roster", _("Duty roster"), "bi-calendar-week", ROSTER_VIEW_ROLES, order=25
            )
        )
        nav_register(
            NavItem(
                "duty_entries",
                _("Monitoring-center entries"),
                "bi-door-open",
                ENTRY_VIEW_ROLES,
                order=26,
            )
        )

        from .abnormal import VIEW_ROLES as ABNORMAL_VIEW_ROLES

        nav_register(
            NavItem(
                "duty_handovers",
                _("Shift handovers"),
                "bi-arrow-left-right",
                ROSTER_VIEW_ROLES,
                order=27,
            )
        )
        nav_register(
            NavItem(
                "duty_abnormals",
                _("Abnormal events"),
                "bi-exclamation-octagon",
                ABNORMAL_VIEW_ROLES,
                order=28,
            )
        )

        def cards(user):
            """The roster at a glance for the security office and the auditor (M-1.2): the
            uncovered hours of the coming week and the check-ins missed in the past one.
            Two queries."""
            if not attendance_may_view(user=user):
                return []
            today = timezone.localdate()
            now = timezone.now()
            gaps = len(period_gaps(user=user, first_day=today, last_day=today + timedelta(days=6)))
            missed = (
                attendance_list(user=user)
                .filter(
                    attendance_q(Attendance.MISSED, now=now), ends_at__gt=now - timedelta(days=7)
                )
                .count()
            )
            group = _("Duty roster")
            return [
                {
                    "key": "duty_gaps_week",
                    "label": _("Uncovered hours, next 7 days"),
                    "count": gaps,
                    "detail": _("at least %(minimum)d duty operators every hour")
                    % {"minimum": settings.DUTY_MIN_OPERATORS},
                    "url": f"{reverse('duty_roster')}?month={today:%Y-%m}",
                    "css": "text-danger" if gaps else "",
                    "group": group,
                },
                {
                    "key": "duty_missed_check_ins",
                    "label": _("Missed check-ins, last 7 days"),
                    "count": missed,
                    "url": f"{reverse('duty_attendance')}?attendance={Attendance.MISSED}",
                    "css": "text-warning" if missed else "",
                    "group": group,
                },
            ]

        dashboard_register(cards)

        from apps.core.admin_config import schedule_labels_register
        from apps.core.providers import provider_register

        from .day_log import duty_day_log_entries
        from .handover import cameras_down_items, people_inside_items
        from .holds import INCIDENT_VIEW_ROLES, camera_hold_notices, footage_hold_items
        from .schedules import SCHEDULE_LABELS

        # The handover's own open items and the O&M day log's duty entries (core providers).
        provider_register("handover_items", cameras_down_items)
        provider_register("handover_items", people_inside_items)
        provider_register("day_log_entries", duty_day_log_entries)
        # Preservation holds (M-1.5) on the camera pages and for footage requests' spans.
        provider_register("camera_notices", camera_hold_notices)
        provider_register("footage_holds", footage_hold_items)
        nav_register(
            NavItem(
                "duty_incidents",
                _("Incident records"),
                "bi-shield-exclamation",
                INCIDENT_VIEW_ROLES,
                order=29,
            )
        )
        schedule_labels_register(SCHEDULE_LABELS)  # beat schedules in the admin, translated
