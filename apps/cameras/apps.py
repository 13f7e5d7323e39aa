from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "apps.cameras"
    verbose_name = _("Cameras")

    def ready(self) -> None:
        from django.urls import reverse

        from apps.core.dashboard import dashboard_register
        from apps.core.navigation import NavItem, nav_register

        from .models import Camera
        from .selectors import VIEW_ROLES, camera_status_counts

        nav_register(NavItem("camera_list", _("Cameras"), "bi-camera-video", VIEW_ROLES, order=10))

        def cards(user):
            """The cameras in each state, each a link to the list filtered by it (M-2.1):
            never-checked cameras are counted as such, not as normal. One query."""
            if not user.has_any_role(*VIEW_ROLES):
                return []
            counts = camera_status_counts(user=user)
            url = reverse("camera_list")
            group = _("Cameras")
            states = (
                (Camera.Health.OFFLINE, "text-danger"),
                (Camera.Health.PICTURE_FAULT, "text-danger"),
                (Camera.Health.DEGRADED, "text-warning"),
                (Camera.Health.OK, "text-success"),
                (Camera.Health.UNCHECKED, "text-secondary"),
            )
            return [
                {
                    "key": "cameras",
                    "label": _("Cameras in service"),
                    "count": counts["total"],
                    "url": url,
                    "group": group,
                },
                *(
                    {
                        "key": f"cameras_{health.value}",
                        "label": health.label,
                        "count": counts[health.value],
                        "url": f"{url}?health={health.value}",
                        "css": css if counts[health.value] else "",
                        "group": group,
                    }
                    for health, css in states
                ),
            ]

        dashboard_register(cards)

    def demo_data(self) -> list[str]:
        from .demo import demo_cameras_create

        return demo_cameras_create()
