"""The role groups are synced once per migrate (or test flush), after every app's permissions."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.accounts.roles import ROLE_MODEL_PERMISSIONS, role_groups_sync


def _perms(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def _group_lookups(queries) -> int:
    return sum('FROM "auth_group" WHERE "auth_group"."name"' in q["sql"] for q in queries)


def test_migrate_signal_creates_the_groups_once_with_their_permissions(db):
    Group.objects.all().delete()

    with CaptureQueriesContext(connection) as ctx:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    chief = Group.objects.get(name=Role.SECURITY_CHIEF)
    assert _perms(chief) == set(ROLE_MODEL_PERMISSIONS[Role.SECURITY_CHIEF])
    # One group lookup per role: the sync ran for one app of the ~19 the signal is sent for.
    assert _group_lookups(ctx.captured_queries) == len(Role.values)


def test_signal_for_an_earlier_app_does_nothing(db):
    Group.objects.all().delete()

    post_migrate.send(
        sender=apps.get_app_config("accounts"),
        app_config=apps.get_app_config("accounts"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )

    assert not Group.objects.exists()


def test_direct_call_syncs(db):
    Group.objects.all().delete()

    role_groups_sync()

    chief = Group.objects.get(name=Role.SECURITY_CHIEF)
    assert _perms(chief) == set(ROLE_MODEL_PERMISSIONS[Role.SECURITY_CHIEF])
    assert Group.objects.count() == len(Role.values)
