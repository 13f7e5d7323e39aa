from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "apps.maintenance"
    verbose_name = _("Maintenance")

    def demo_data(self) -> list[str]:
        from .demo import demo_maintenance_create

        return demo_maintenance_create()

    def ready(self) -> None:
        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from . import daylog, selectors, weekly_test

        nav_register(
            NavItem(
                "maintenance_tickets",
                _("Fault tickets"),
                "bi-tools",
                selectors.TICKET_VIEW_ROLES,
                order=35,
            )
        )
        nav_register(
            NavItem(
                "maintenance_contracts",
                _("Service contracts"),
                "bi-file-earmark-text",
                selectors.CONTRACT_VIEW_ROLES,
                order=36,
            )
        )
        nav_register(
            NavItem(
                "maintenance_daylog",
                _("O&M daily log"),
                "bi-journal-check",
                daylog.VIEW_ROLES,
                order=37,
            )
        )
        dashboard_register(selectors.dashboard_cards)
        nav_register(
            NavItem(
                "maintenance_function_tests",
                _("Weekly function tests"),
                "bi-clipboard-check",
                weekly_test.VIEW_ROLES,
                order=38,
            )
        )
        dashboard_register(daylog.dashboard_cards)
        dashboard_register(weekly_test.dashboard_cards)

        from apps.core.providers import provider_register

        # Duty's shift handover and the O&M day log read these (apps/core/providers.py).
        provider_register("handover_items", selectors.ticket_handover_items)
        provider_register("day_log_entries", selectors.ticket_day_log_entries)
        # A vendor's settings change of a camera with an open ticket names that ticket.
        from .work_orders import ticket_work_order_refusals

        provider_register("work_order_refusals", ticket_work_order_refusals)

        from apps.core.admin_config import schedule_labels_register

        from .schedules import SCHEDULE_LABELS

        schedule_labels_register(SCHEDULE_LABELS)  # beat schedules in the admin, translated
        self._connect_fault_records()

    def _connect_fault_records(self) -> None:
        """A fault record saved by the patrol queues its ticket after commit (M-2.3). The
        patrol knows nothing of maintenance; the receiver only queues the idempotent sync,
        and the periodic sync catches anything a lost message missed."""
        from django.db.models.signals import post_save

        from apps.patrol.models import FaultRecord

        from .tasks import fault_record_saved

        post_save.connect(fault_record_saved, sender=FaultRecord, dispatch_uid="maint_fault")
