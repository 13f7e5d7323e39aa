"""M-1.1: ``manage.py createsuperuser`` leaves an audit event, in one transaction with the
account and its first password (the first person of an installation is on record too)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from apps.accounts.models import User
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Fr3sh-install-pass-phrase"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _refuse_audit_writes(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("INSERT") and "audit_auditevent" in sql:
        raise DatabaseError("the audit table refuses writes (test)")
    return execute(sql, params, many, context)


def _event() -> AuditEvent:
    return AuditEvent.objects.get(action="accounts.superuser_create")


def test_noninteractive_creation_is_audited_without_the_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command(
        "createsuperuser", interactive=False, username="root1", email="root@example.org", stdout=out
    )
    assert "Superuser created successfully." in out.getvalue()
    user = User.objects.get(username="root1")
    assert user.is_superuser and user.is_staff and user.check_password(PASSWORD)
    event = _event()
    assert event.clause == "M-1.1" and event.actor is None
    assert event.target_id == str(user.pk)
    assert event.data["password_set"] is True
    assert event.data["after"]["username"] == "root1" and event.data["after"]["is_superuser"]
    assert event.data["via"] == "manage.py createsuperuser"
    assert PASSWORD not in json.dumps(event.data) and user.password not in json.dumps(event.data)


def test_interactive_creation_keeps_the_prompts_and_checks(monkeypatch):
    User.objects.create_user("taken", password="x")
    # The first name is refused as taken; the weak password is not bypassed ("n"): asked again.
    names = iter(["taken", "root2", "root2@example.org", "n"])
    passwords = iter(["123", "123", PASSWORD, PASSWORD])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(names))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    err = io.StringIO()
    call_command("createsuperuser", stdin=_Terminal(), stdout=io.StringIO(), stderr=err)
    assert "already taken" in err.getvalue() and "too short" in err.getvalue()
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.check_password(PASSWORD)
    assert _event().target_id == str(user.pk)


def test_no_password_no_usable_password_and_said_so():
    call_command(
        "createsuperuser",
        interactive=False,
        username="root3",
        email="root3@example.org",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="root3")
    assert not user.has_usable_password()
    assert _event().data["password_set"] is False


def test_no_account_when_the_event_cannot_be_written(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with connection.execute_wrapper(_refuse_audit_writes), pytest.raises(DatabaseError):
        call_command(
            "createsuperuser",
            interactive=False,
            username="root4",
            email="root4@example.org",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="root4").exists()


def test_a_duplicate_is_refused_and_writes_nothing(monkeypatch):
    User.objects.create_user("root5", password="x")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already taken"):
        call_command(
            "createsuperuser",
            interactive=False,
            username="root5",
            email="root5@example.org",
            stdout=io.StringIO(),
        )
    assert not AuditEvent.objects.filter(action="accounts.superuser_create").exists()
