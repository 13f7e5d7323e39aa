"""demo_data creates one user per role and refuses to run with DEBUG off."""

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.demo import DEMO_USERS
from apps.accounts.models import Role, User
from apps.audit.selectors import chain_verify

pytestmark = pytest.mark.django_db


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("demo_data")


def test_creates_one_user_per_role_and_is_repeatable(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # as committed: the witness follows
        call_command("demo_data")
        call_command("demo_data")
    accounts = [username for username, *_ in DEMO_USERS]  # other apps' demos add people
    for role in Role.values:
        assert User.objects.filter(groups__name=role, username__in=accounts).count() == 1, role
    assert "chief" in capsys.readouterr().out
    assert chain_verify().ok
