from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (login / logout / failed login → audit)
        from .roles import role_groups_sync

        # No sender: it must see every app's permissions (celery beat's), so it acts on the
        # signal for the last app only (see role_groups_sync).
        post_migrate.connect(role_groups_sync, dispatch_uid="role_groups_sync")
