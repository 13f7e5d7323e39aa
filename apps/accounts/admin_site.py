from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .selectors import admin_access


class SecurityChiefAdminSite(admin.AdminSite):
    """The admin (user management, beat schedules) is the security chief's only (M-1.1), and
    only after the second factor (M-1.1a): the middleware sends an unverified user to it
    first; this check holds even where the middleware is left out."""

    site_header = _("campuscctv administration")
    site_title = _("campuscctv")

    def has_permission(self, request) -> bool:
        user = request.user
        verified = getattr(user, "is_verified", None)
        return admin_access(user=user) and callable(verified) and verified()
