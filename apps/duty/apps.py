from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "apps.duty"
    verbose_name = _("Duty roster")

    def ready(self) -> None:
        from apps.core.navigation import NavItem, nav_register

        from .selectors import ROSTER_VIEW_ROLES

        nav_register(
            NavItem(
                "duty_roster", _("Duty roster"), "bi-calendar-week", ROSTER_VIEW_ROLES, order=25
            )
        )
