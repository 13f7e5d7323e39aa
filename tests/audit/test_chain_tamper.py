"""M-4.2 evidence: audit_verify catches every single-row edit, delete and reorder."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import event_append

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(security_chief):
    for n in range(5):
        event_append(actor=security_chief, action="test.event", clause="M-4.2", data={"n": n})
    return AuditEvent.objects.order_by("sequence")


def _raw(sql: str, params: list) -> None:
    """Tamper as a database administrator would: around the model and the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _verify_output(capsys) -> str:
    call_command("audit_verify")
    return capsys.readouterr().out


def test_intact_chain_verifies_with_its_row_count(chain, capsys):
    assert "audit chain OK: 5 events" in _verify_output(capsys)


@pytest.mark.parametrize("sequence", [1, 3, 5])
def test_edited_row_is_named(chain, sequence):
    _raw("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", sequence])
    with pytest.raises(CommandError, match=f"BROKEN at sequence {sequence}:"):
        call_command("audit_verify")


def test_edited_data_is_named(chain):
    _raw("UPDATE audit_auditevent SET data = %s WHERE sequence = 2", ['{"n": 99}'])
    with pytest.raises(CommandError, match="BROKEN at sequence 2: content"):
        call_command("audit_verify")


@pytest.mark.parametrize("sequence", [1, 3])
def test_deleted_row_is_named(chain, sequence):
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [sequence])
    with pytest.raises(CommandError, match=f"BROKEN at sequence {sequence + 1}:"):
        call_command("audit_verify")


def test_deleted_newest_row_is_caught_by_the_witness(
    security_chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as if each append committed
        for n in range(5):
            event_append(actor=security_chief, action="test.event", data={"n": n})
    _raw("DELETE FROM audit_auditevent WHERE sequence = 5", [])
    with pytest.raises(CommandError, match="BROKEN at sequence 5:"):
        call_command("audit_verify")


def test_reordered_rows_are_named(chain):
    _raw("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 2", [])
    _raw("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3", [])
    _raw("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 1000", [])
    with pytest.raises(CommandError, match="BROKEN at sequence 2:"):
        call_command("audit_verify")


def test_model_refuses_update_and_delete(chain):
    event = chain.first()
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_database_trigger_refuses_update_and_delete(chain):
    from django.db import DatabaseError

    statements = (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        # as on a production connection, which lacks the test database's option
        "SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL campuscctv.test_database = 'off';"
        " TRUNCATE audit_auditevent CASCADE",
    )
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_witness_keeps_failing_after_new_events_hide_a_deleted_head(
    security_chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            event_append(actor=security_chief, action="test.event", data={"n": n})
    _raw("DELETE FROM audit_auditevent WHERE sequence = 5", [])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):  # new events reuse sequences 5, 6, 7
            event_append(actor=security_chief, action="test.event", data={"after": n})
    with pytest.raises(CommandError, match="BROKEN at sequence 5: does not match the witnessed"):
        call_command("audit_verify")
