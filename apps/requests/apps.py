from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootageRequestsConfig(AppConfig):
    """Footage-access requests (M-3). The label is not ``requests``: that name is the HTTP
    library's, which the benchmarks import."""

    name = "apps.requests"
    label = "footage_requests"
    verbose_name = _("Footage requests")

    def demo_data(self) -> list[str]:
        from .demo import demo_requests_create

        return demo_requests_create()

    def ready(self) -> None:
        from django.urls import reverse

        from apps.accounts.models import Role
        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .selectors import (
            ASSIGN_ROLES,
            DECIDE_ROLES,
            VIEW_ROLES,
            request_queue,
            retrieval_waiting,
        )

        nav_register(
            NavItem("footage_requests", _("Footage requests"), "bi-film", VIEW_ROLES, order=30)
        )

        def cards(user):
            """Requests waiting for the user's decision (M-3.3): one count query, scoped as
            the queue is (a department head: their own department; classified: their route)."""
            if not user.has_any_role(*DECIDE_ROLES, Role.APPLICANT):
                return []
            waiting = request_queue(user=user).count()
            if not waiting and not user.has_any_role(*DECIDE_ROLES):
                return []  # an applicant decides only as a deputy head (delegation, M-3.3)
            return [
                {
                    "key": "footage_requests_waiting",
                    "label": _("Footage requests waiting for me"),
                    "count": waiting,
                    "url": reverse("footage_request_queue"),
                    "css": "text-warning" if waiting else "",
                    "group": _("Footage requests"),
                }
            ]

        dashboard_register(cards)

        def retrieval_cards(user):
            """Approved requests awaiting retrieval (M-1.1b): one count query, for the
            security office and footage custodians (a custodian: theirs or unassigned)."""
            if not user.has_any_role(*ASSIGN_ROLES, Role.FOOTAGE_CUSTODIAN):
                return []
            waiting = retrieval_waiting(user=user).count()
            return [
                {
                    "key": "footage_requests_to_retrieve",
                    "label": _("Approved footage requests awaiting retrieval"),
                    "count": waiting,
                    "url": reverse("footage_requests") + "?awaiting_retrieval=true",
                    "css": "text-warning" if waiting else "",
                    "group": _("Footage requests"),
                }
            ]

        dashboard_register(retrieval_cards)

        from apps.core.providers import provider_register

        def retrieval_handover_items(*, user, at):
            """Duty's shift handover lists the requests awaiting retrieval (M-1.1b; the
            ``handover_items`` provider, apps/core/providers.py): what the card counts for
            ``user``, no more (a classified one only inside its circle)."""
            return [
                {
                    "key": f"footage_request:{request.pk}",
                    "label": _("Footage request %(number)s approved, awaiting retrieval")
                    % {"number": request},
                    "url": request.get_absolute_url(),
                    "source": "requests",
                }
                for request in retrieval_waiting(user=user).order_by("decided_at", "pk")
            ]

        provider_register("handover_items", retrieval_handover_items)

        from apps.core.admin_config import schedule_labels_register

        schedule_labels_register(  # beat schedules in the admin, translated (migration 0006)
            {
                "Purge expired footage download links": _("Purge expired footage download links"),
                "apps.requests.tasks.footage_links_purge": _(
                    "Purge expired footage download links"
                ),
            }
        )
