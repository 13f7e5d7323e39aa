from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # lazy translation
    icon: str
    roles: tuple[str, ...] | None  # None: everyone signed in
    order: int = 50
    # Decides instead of ``roles`` where access is not a role list (the admin: chief or superuser).
    visible: Callable[..., bool] | None = None


NAV_ITEMS: list[NavItem] = []


def nav_register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def visible_items(user, path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.visible is not None:
            shown = item.visible(user=user)
        else:
            shown = (
                item.roles is None
                or user.has_any_role(*item.roles)
                or (user.is_superuser and bool(item.roles))
            )
        if shown:
            url = reverse(item.url_name)
            active = path == url or (url != "/" and path.startswith(url))
            items.append(
                {
                    "url": url,
                    "label": item.label,
                    "icon": item.icon,
                    "active": active,
                    "name": item.url_name.split(":")[0],  # admin:index → admin
                }
            )
    return items
