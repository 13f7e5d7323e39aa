from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "apps.patrol"
    verbose_name = _("Daily patrol")

    def ready(self) -> None:
        from django.urls import reverse

        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .selectors import VIEW_ROLES, checks_awaiting_review, run_list

        nav_register(
            NavItem("patrol_runs", _("Daily patrol"), "bi-clipboard-check", VIEW_ROLES, order=20)
        )

        def cards(user):
            if not user.has_any_role(*VIEW_ROLES):
                return []
            latest = run_list(user=user).first()
            if latest is None:
                return [
                    {
                        "key": "patrol",
                        "label": _("Patrol runs"),
                        "count": 0,
                        "url": reverse("patrol_runs"),
                    }
                ]
            return [
                {
                    "key": "patrol_unreviewed",
                    "label": _("Latest patrol: results to review"),
                    "count": checks_awaiting_review(run=latest, user=user).count(),
                    "url": latest.get_absolute_url(),
                }
            ]

        dashboard_register(cards)
