from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "apps.duty"
    verbose_name = _("Duty roster")

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
