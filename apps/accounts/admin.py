"""User management in the admin, restricted to the security chief (M-1.1)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Department, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "department", "staff_number", "is_active")
    list_filter = ("is_active", "groups", "department")
    search_fields = ("username", "full_name", "staff_number", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "staff_number", "email", "department")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "department", "password1", "password2")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        request._audit_before = services.snapshot_for_change(obj) if obj else None
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_audit_before", None) or {}
        services.user_record_change(by=request.user, user=form.instance, before=before)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # people who acted stay on record; deactivate instead (M-1.3)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        services.department_save(by=request.user, department=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
