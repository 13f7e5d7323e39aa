"""User management in the admin, restricted to the security chief (M-1.1).

Roles and passwords go through the services like every other path: the separation of duties
is checked in the form (shown as a form error) and again when saving (M-1.2); a password set
here revokes the person's API tokens (M-1.1a)."""

from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import RuleViolation
from apps.core.navigation import NavItem, nav_register

from . import services
from .models import Department, Role, User
from .selectors import admin_access

# The menu entry goes to whoever the admin site admits: the security chief and superusers.
nav_register(
    NavItem("admin:index", _("Administration"), "bi-gear", None, order=90, visible=admin_access)
)

# Who is setting a password in the admin; Django builds the password form without the request.
_acting_user: ContextVar = ContextVar("admin_acting_user", default=None)


def role_label(group: Group) -> str:
    """A role group by its name in the page's language; the code stays the group's name."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


ROLES_HELP = _(
    "A person may hold several roles. A vendor engineer holds no other role, an auditor only "
    "the applicant role, and nobody changes their own roles (separation of duties, M-1.2)."
)


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


class AuditedAdminPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        set_usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data["password1"] if set_usable else None
        return services.user_password_set(by=_acting_user.get(), user=self.user, password=password)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "department", "staff_number", "is_active")
    list_filter = ("is_active", RoleFilter, "department")
    filter_horizontal = ()  # roles as labelled check boxes (formfield_for_manytomany)
    search_fields = ("username", "full_name", "staff_number", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "staff_number", "email", "department")}),
        (_("Roles"), {"fields": ("is_active", "groups")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "department", "password1", "password2")}),
    )
    change_password_form = AuditedAdminPasswordChangeForm

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label, field.help_text = _("Roles"), ROLES_HELP
            field.label_from_instance = role_label
        return field

    def get_form(self, request, obj=None, **kwargs):
        request._audit_before = services.snapshot_for_change(obj) if obj else None
        form_class = super().get_form(request, obj, **kwargs)
        if "groups" not in form_class.base_fields:
            return form_class
        by = request.user

        class RolesCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if "groups" in cleaned:
                    try:
                        services.roles_check(
                            by=by,
                            user=self.instance,
                            roles=[group.name for group in cleaned["groups"]],
                            department=cleaned.get("department", self.instance.department),
                        )
                    except RuleViolation as exc:
                        raise ValidationError({"groups": exc.message}) from exc
                return cleaned

        return RolesCheckedForm

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)  # other relations, not roles
        if groups is not None:
            services.user_roles_assign(
                by=request.user, user=form.instance, roles=[g.name for g in groups]
            )
        before = getattr(request, "_audit_before", None) or {}
        services.user_record_change(by=request.user, user=form.instance, before=before)

    def user_change_password(self, request, id, form_url=""):
        token = _acting_user.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_user.reset(token)

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


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    """Role groups come from code (accounts.Role); the chief views them by their names."""

    list_display = ("role",)
    search_fields = ()
    fields = ("role", "permission_list")
    readonly_fields = ("role", "permission_list")
    change_form_template = "admin/campus/change_form.html"

    @admin.display(description=_("role"))
    def role(self, obj: Group) -> str:
        return role_label(obj)

    @admin.display(description=_("what the role may do in the admin"))
    def permission_list(self, obj: Group) -> str:
        labels = {"add": _("Add"), "change": _("Change"), "delete": _("Delete"), "view": _("View")}
        rows = []
        for permission in obj.permissions.select_related("content_type"):
            action = permission.codename.split("_", 1)[0]
            model = permission.content_type.model_class()
            name = model._meta.verbose_name_plural if model else permission.content_type.model
            rows.append(f"{labels.get(action, action)}: {name}")
        return "; ".join(sorted(rows)) or "—"

    def has_add_permission(self, request) -> bool:
        return False  # roles are declared in code and kept in step after every migrate

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra_context["subtitle"] = extra_context["object_label"] = role_label(obj)
        return super().changeform_view(request, object_id, form_url, extra_context)
