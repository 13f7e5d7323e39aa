from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only, for superusers (the model's view permission): a job is its owner's; what
    left the system is on the audit record for the auditors (M-4.2)."""

    list_display = ("id", "owner", "register", "state", "rows_done", "created_at", "expires_at")
    list_filter = ("state", "register")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
