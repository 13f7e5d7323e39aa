"""The notification deliveries in the admin, read-only: the security chief sees what was sent,
what failed and why, try by try (issue 16: every attempt logged)."""

from django.contrib import admin

from .models import NotificationAttempt, NotificationDelivery


class NotificationAttemptInline(admin.TabularInline):
    model = NotificationAttempt
    fields = ("number", "ok", "error", "started_at", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "state", "tries", "updated_at")
    list_filter = ("state", "channel")
    list_select_related = ("notification",)
    inlines = [NotificationAttemptInline]

    def has_view_permission(self, request, obj=None) -> bool:
        # The site admits the verified security chief only (accounts.admin_site): he reads these.
        return super().has_view_permission(request, obj) or request.user.has_any_role(
            "security_chief"
        )

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
