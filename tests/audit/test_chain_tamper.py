"""M-4.2 evidence: audit_verify catches every single-row edit, delete and reorder, and names
the missing sequence numbers of a gap or of deleted newest events."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from apps.audit.models import AppendOnlyError, AuditEvent
from tests.audit.tamper import raw

pytestmark = pytest.mark.django_db


def _verify_output(capsys) -> str:
    call_command("audit_verify")
    return capsys.readouterr().out


def _verify_fails(match: str) -> CommandError:
    with pytest.raises(CommandError, match=match) as caught:
        call_command("audit_verify")
    return caught.value


def test_intact_chain_verifies_with_its_row_count(chain, capsys):
    assert "audit chain OK: 5 events" in _verify_output(capsys)


def test_empty_chain_without_witness_verifies(db, capsys):
    assert "audit chain OK: 0 events" in _verify_output(capsys)


@pytest.mark.parametrize("sequence", [1, 3, 5])
def test_edited_row_is_named(chain, sequence):
    raw("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", sequence])
    error = _verify_fails(f"BROKEN at sequence {sequence}: content does not match")
    assert error.returncode == 1


def test_edited_data_is_named(chain):
    raw("UPDATE audit_auditevent SET data = %s WHERE sequence = 2", ['{"n": 99}'])
    _verify_fails("BROKEN at sequence 2: content")


@pytest.mark.parametrize("sequence", [1, 3])
def test_deleted_row_in_the_middle_is_named_by_its_own_number(chain, sequence):
    raw("DELETE FROM audit_auditevent WHERE sequence = %s", [sequence])
    error = _verify_fails(
        rf"BROKEN at sequence {sequence}: event {sequence} missing \(next event found:"
        rf" {sequence + 1}\) \({sequence - 1} events verified before it\)"
    )
    assert error.returncode == 1


def test_several_deleted_rows_are_named_as_a_range(chain):
    raw("DELETE FROM audit_auditevent WHERE sequence IN (2, 3)", [])
    _verify_fails(r"BROKEN at sequence 2: events 2-3 missing \(next event found: 4\)")


def test_deleted_newest_row_is_named_through_the_witness(chain):
    raw("DELETE FROM audit_auditevent WHERE sequence = 5", [])
    error = _verify_fails(
        r"BROKEN at sequence 5: event 5 missing \(the witness names sequence 5\)"
        r" \(4 events verified before it\)"
    )
    assert error.returncode == 1


def test_deleted_newest_rows_are_named_as_a_range(chain):
    raw("DELETE FROM audit_auditevent WHERE sequence >= 3", [])
    _verify_fails(r"BROKEN at sequence 3: events 3-5 missing \(the witness names sequence 5\)")


def test_every_row_deleted_is_named(chain):
    raw("DELETE FROM audit_auditevent", [])
    _verify_fails(r"BROKEN at sequence 1: events 1-5 missing .*the database holds no events")


def test_reordered_rows_are_named(chain):
    raw("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 2", [])
    raw("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3", [])
    raw("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 1000", [])
    _verify_fails("BROKEN at sequence 2: previous-hash link")


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


def test_witness_keeps_failing_after_new_events_hide_a_deleted_head(chain, append):
    raw("DELETE FROM audit_auditevent WHERE sequence = 5", [])
    append(3)  # new events reuse sequences 5, 6, 7
    _verify_fails("BROKEN at sequence 5: does not match the witnessed head")
