from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootageRequestsConfig(AppConfig):
    """Footage-access requests (M-3). The label is not ``requests``: that name is the HTTP
    library's, which the benchmarks import."""

    name = "apps.requests"
    label = "footage_requests"
    verbose_name = _("Footage requests")

    def ready(self) -> None:
        from apps.core.navigation import NavItem, nav_register

        from .selectors import VIEW_ROLES

        nav_register(
            NavItem("footage_requests", _("Footage requests"), "bi-film", VIEW_ROLES, order=30)
        )
