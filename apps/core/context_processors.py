"""Navigation by role: each entry lists the roles that see it (None: every signed-in user).

Domain apps register their entries in NAV_ITEMS via apps.core.navigation.nav_register, so core
knows no domain.
"""

from .navigation import visible_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": visible_items(user, request.path)}


def notifications(request):
    """The bell's unread count (issue 16): one COUNT, and only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from .selectors import notification_unread_count

    return {"notifications_unread": SimpleLazyObject(lambda: notification_unread_count(user=user))}
