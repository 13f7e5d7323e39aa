"""M-4.2: the witness belongs to its chain. A witness kept while DATABASE_URL points at another
database is named as another chain's (exit 4), not as tampering; an operator moves to a new
database or restores a backup with audit_witness_reset, which is itself on record."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEvent
from apps.audit.witness import witness_path
from tests.audit.tamper import raw

pytestmark = pytest.mark.django_db


def _verify(capsys) -> str:
    call_command("audit_verify")
    return capsys.readouterr().out


def _verify_error() -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    return caught.value


@pytest.fixture
def reset(capsys, django_capture_on_commit_callbacks):
    """Run audit_witness_reset as committed (its new witness is written on commit)."""

    def _reset(reason: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("audit_witness_reset", reason=reason)
        return capsys.readouterr().out

    return _reset


@pytest.fixture
def other_database(chain, append, settings, tmp_path):
    """The data folder of installation A (its witness) with the database of installation B:
    A's chain of 5 events is replaced by B's own untouched chain of 3."""
    a_chain_id = chain.get(sequence=1).hash
    kept = tmp_path / "kept-witness.json"
    shutil.copy(witness_path(), kept)
    raw("DELETE FROM audit_auditevent", [])
    settings.AUDIT_WITNESS_PATH = str(tmp_path / "b" / "audit-witness.json")
    append(3, installation="B")
    settings.AUDIT_WITNESS_PATH = str(kept)
    return a_chain_id


def test_witness_of_another_chain_is_named_as_such(other_database):
    error = _verify_error()
    assert error.returncode == 4
    message = str(error)
    assert message.startswith("audit chain NOT WITNESSED: the witness belongs to another chain")
    assert other_database[:16] in message
    assert AuditEvent.objects.get(sequence=1).hash[:16] in message
    assert "The 3 events here chain correctly" in message and "audit_witness_reset" in message
    assert "BROKEN" not in message


def test_reset_after_moving_database_is_recorded_and_verifies(other_database, reset, capsys):
    out = reset("Moved to the new PostgreSQL server, ticket 42")
    assert "recorded as event 4" in out
    event = AuditEvent.objects.get(sequence=4)
    assert event.action == "audit.witness_reset" and event.clause == "M-4.2"
    assert event.data["reason"] == "Moved to the new PostgreSQL server, ticket 42"
    assert event.data["old_witness"]["chain_id"] == other_database
    assert event.data["old_witness"]["sequence"] == 5
    assert event.data["verify_before"].startswith("the witness belongs to another chain")
    witness = json.loads(witness_path().read_text())
    assert witness["chain_id"] == AuditEvent.objects.get(sequence=1).hash
    assert (witness["sequence"], witness["hash"]) == (4, event.hash)
    assert "audit chain OK: 4 events" in _verify(capsys)


def test_after_a_reset_new_events_raise_the_witness(other_database, append, reset, capsys):
    reset("new database")
    append(2)
    assert json.loads(witness_path().read_text())["sequence"] == 6
    assert "audit chain OK: 6 events" in _verify(capsys)


def test_restored_older_backup_names_the_lost_events_and_reset_records_them(chain, reset, capsys):
    raw("DELETE FROM audit_auditevent WHERE sequence >= 4", [])  # the backup ended at event 3
    error = _verify_error()
    assert error.returncode == 1 and "BROKEN at sequence 4: events 4-5 missing" in str(error)
    reset("Restored the backup of 1 December after the disk failure")
    event = AuditEvent.objects.get(sequence=4)
    assert event.action == "audit.witness_reset"
    assert event.data["verify_before"] == "events 4-5 missing (the witness names sequence 5)"
    assert event.data["old_witness"]["sequence"] == 5
    assert "audit chain OK: 4 events" in _verify(capsys)


def test_new_empty_database_with_the_old_witness_can_be_reset(chain, reset, capsys):
    raw("DELETE FROM audit_auditevent", [])
    assert "events 1-5 missing" in str(_verify_error())
    reset("fresh database")
    event = AuditEvent.objects.get()
    assert event.sequence == 1 and event.data["old_witness"]["sequence"] == 5
    assert json.loads(witness_path().read_text())["chain_id"] == event.hash
    assert "audit chain OK: 1 events" in _verify(capsys)


def test_upgrade_from_an_unsigned_witness_is_reset_on_record(chain, reset, capsys):
    head = chain.last()
    witness_path().write_text(json.dumps({"sequence": head.sequence, "hash": head.hash}))
    assert _verify_error().returncode == 3
    reset("Upgrade: sign the witness")
    event = AuditEvent.objects.get(sequence=6)
    assert event.data["verify_before"] == "witness signature invalid: the witness file is unsigned"
    assert event.data["old_witness"] == {"chain_id": None, "sequence": 5, "hash": head.hash}
    assert "audit chain OK: 6 events" in _verify(capsys)


@pytest.fixture
def refused(django_capture_on_commit_callbacks):
    """The reset is refused with ``match``, and neither the chain nor the witness changes."""

    def _refused(match: str, reason: str = "some reason") -> None:
        witness_before = witness_path().read_text()
        count = AuditEvent.objects.count()
        with (
            pytest.raises(CommandError, match=match),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("audit_witness_reset", reason=reason)
        assert AuditEvent.objects.count() == count
        assert witness_path().read_text() == witness_before

    return _refused


def test_reset_refuses_a_broken_chain(chain, refused):
    raw("UPDATE audit_auditevent SET action = 'forged' WHERE sequence = 2", [])
    refused("The audit chain itself is broken at sequence 2 .*would not repair it")


def test_reset_refuses_a_blank_reason(other_database, refused):
    refused("Give the reason", reason="   ")


def test_reset_refuses_when_there_is_nothing_to_reset(chain, refused):
    refused("The audit witness is valid and matches the chain; there is nothing to reset")
