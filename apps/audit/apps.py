from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = _("Audit chain")

    def ready(self) -> None:
        from apps.core.navigation import NavItem, nav_register

        from .selectors import AUDIT_READER_ROLES

        nav_register(
            NavItem(
                "audit_events", _("Audit events"), "bi-shield-lock", AUDIT_READER_ROLES, order=90
            )
        )
