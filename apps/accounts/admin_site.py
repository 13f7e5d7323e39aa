from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class SecurityChiefAdminSite(admin.AdminSite):
    """The admin (user management, beat schedules) is the security chief's only (M-1.1)."""

    site_header = _("campuscctv administration")
    site_title = _("campuscctv")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and (user.is_superuser or user.has_role("security_chief"))
        )
