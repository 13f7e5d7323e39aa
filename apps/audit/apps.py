from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = _("Audit chain")

    def ready(self) -> None:
        from apps.core.navigation import NavItem, nav_register

        from .labels import labels_autodiscover
        from .selectors import AUDIT_READER_ROLES

        labels_autodiscover()  # every app's audit_labels.py: readable action names

        nav_register(
            NavItem(
                "audit_events", _("Audit events"), "bi-shield-lock", AUDIT_READER_ROLES, order=90
            )
        )
