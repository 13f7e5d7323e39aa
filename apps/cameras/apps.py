from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "apps.cameras"
    verbose_name = _("Cameras")

    def ready(self) -> None:
        from django.urls import reverse

        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .selectors import VIEW_ROLES, camera_status_counts

        nav_register(NavItem("camera_list", _("Cameras"), "bi-camera-video", VIEW_ROLES, order=10))

        def cards(user):
            if not user.has_any_role(*VIEW_ROLES):
                return []
            counts = camera_status_counts(user=user)
            url = reverse("camera_list")
            return [
                {
                    "key": "cameras",
                    "label": _("Cameras in service"),
                    "count": counts["total"],
                    "url": url,
                },
                {
                    "key": "cameras_down",
                    "label": _("Cameras down"),
                    "count": counts["down"],
                    "url": f"{url}?health=down",
                    "css": "text-danger" if counts["down"] else "",
                },
                {
                    "key": "cameras_degraded",
                    "label": _("Cameras degraded"),
                    "count": counts["degraded"],
                    "url": f"{url}?health=degraded",
                },
            ]

        dashboard_register(cards)

    def demo_data(self) -> list[str]:
        from .demo import demo_cameras_create

        return demo_cameras_create()
