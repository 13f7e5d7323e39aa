"""Labels of the actions the accounts services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "accounts.login": _("Signed in"),
        "accounts.logout": _("Signed out"),
        "accounts.login_failed": _("Sign-in failed"),
        "accounts.locked_out": _("Account locked after failed sign-ins"),
        "accounts.user_create": _("User created"),
        "accounts.superuser_create": _("Superuser created on the server"),
        "accounts.user_update": _("User changed"),
        "accounts.roles_assign": _("Roles assigned"),
        "accounts.department_create": _("Department created"),
        "accounts.department_update": _("Department changed"),
        "accounts.password_change": _("Password changed"),
        "accounts.otp_setup_start": _("Two-factor setup started"),
        "accounts.otp_enrol": _("Two-factor device enrolled"),
    }
)
