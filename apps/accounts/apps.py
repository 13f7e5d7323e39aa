from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (login / logout / failed login → audit)
        from .roles import role_groups_sync

        # Every app: permissions of later apps (celery beat) exist only after their migrate.
        post_migrate.connect(role_groups_sync, dispatch_uid="role_groups_sync")
