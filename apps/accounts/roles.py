"""Role groups and their model permissions; kept in step after every migrate."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .models import Role

# Model permissions used by the admin. Domain rules are in services, not here.
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.SECURITY_CHIEF: [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "auth.view_group",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.add_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
    ],
}


def role_groups_sync(*, app_config=None, **kwargs) -> None:
    # post_migrate is sent once per app with models, after every migrate and every flush that
    # ends a transactional test: work on the last one only, when every app's permissions
    # (celery beat's) exist. Called directly (no app_config), it always works.
    if app_config is not None:
        with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
        if app_config.label != with_models[-1].label:
            return
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_MODEL_PERMISSIONS.get(role, [])
        perms = [
            p
            for p in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in={w.split(".")[0] for w in wanted}
            )
            if f"{p.content_type.app_label}.{p.codename}" in wanted
        ]
        group.permissions.set(perms)
