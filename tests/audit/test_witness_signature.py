"""M-4.2: the witness of the chain's head is signed with AUDIT_WITNESS_KEY, which the database
does not hold: rewriting the chain and the witness file without the key is caught."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEvent
from apps.audit.witness import Witness, witness_path, witness_replace
from tests.audit.tamper import rehash_from

pytestmark = pytest.mark.django_db
ATTACKER_KEY = "not-the-installation-key-" + "a" * 16
NEW_KEY = "rotated-installation-key-" + "r" * 16


def _witness_file() -> dict:
    return json.loads(witness_path().read_text())


def _verify_fails(match: str, returncode: int) -> None:
    with pytest.raises(CommandError, match=match) as caught:
        call_command("audit_verify")
    assert caught.value.returncode == returncode


def _head() -> dict:
    return AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()


def test_witness_names_the_head_and_its_chain_and_is_signed(chain, settings):
    witness = _witness_file()
    assert witness["sequence"] == 5 and witness["hash"] == _head()["hash"]
    assert witness["chain_id"] == chain.get(sequence=1).hash
    assert len(witness["signature"]) == 64
    assert settings.AUDIT_WITNESS_KEY not in witness_path().read_text()


def test_rewritten_tail_with_the_witness_untouched_is_broken(chain):
    rehash_from(3, action="forged")
    _verify_fails("BROKEN at sequence 5: does not match the witnessed head", 1)


def test_rehashed_chain_with_an_unsigned_witness_is_broken(chain):
    rehash_from(1, action="forged")
    head = _head()
    witness_path().write_text(json.dumps({"sequence": 5, "hash": head["hash"]}))  # old format
    _verify_fails(
        "audit chain BROKEN: witness signature invalid: the witness file is unsigned"
        r" \(5 events chain correctly",
        3,
    )


def test_rehashed_chain_with_a_witness_signed_by_another_key_is_broken(chain, settings):
    rehash_from(1, action="forged")
    head, installation_key = _head(), settings.AUDIT_WITNESS_KEY
    settings.AUDIT_WITNESS_KEY = ATTACKER_KEY
    witness_replace(Witness(chain_id=chain.get(sequence=1).hash, **head))
    settings.AUDIT_WITNESS_KEY = installation_key
    _verify_fails("witness signature invalid: its signature does not match AUDIT_WITNESS_KEY", 3)


def test_witness_edited_under_its_old_signature_is_broken(chain):
    rehash_from(1, action="forged")
    witness = _witness_file()
    witness.update(chain_id=chain.get(sequence=1).hash, hash=_head()["hash"])
    witness_path().write_text(json.dumps(witness))
    _verify_fails("witness signature invalid: its signature does not match", 3)


def test_rehashed_chain_with_the_witness_deleted_is_broken_and_stays_so(chain, append):
    rehash_from(1, action="forged")
    witness_path().unlink()
    _verify_fails(r"audit chain BROKEN: witness missing: there is no .*audit-witness\.json", 3)
    append(2)  # later commits do not start a new witness over the rewritten chain
    assert not witness_path().exists()
    _verify_fails("witness missing", 3)


def test_unreadable_witness_is_broken(chain):
    witness_path().write_text("{not json")
    _verify_fails("witness signature invalid: the witness file is not a JSON object", 3)


def test_new_events_do_not_raise_an_invalid_witness(chain, append):
    witness_path().write_text(json.dumps({"sequence": 5, "hash": _head()["hash"]}))
    before = witness_path().read_text()
    append(2)
    assert witness_path().read_text() == before
    _verify_fails("the witness file is unsigned", 3)


def test_key_rotation_old_key_still_verifies_and_the_next_commit_signs_with_the_new(
    chain, append, settings, capsys
):
    settings.AUDIT_WITNESS_KEY = f"{NEW_KEY},{settings.AUDIT_WITNESS_KEY}"
    call_command("audit_verify")
    append(1)
    settings.AUDIT_WITNESS_KEY = NEW_KEY  # the old key retired
    call_command("audit_verify")
    assert "audit chain OK: 6 events" in capsys.readouterr().out


def _settings_process(**env: str) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[2]
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "CAMPUSCCTV_DATA_DIR") if k in os.environ}
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "prod-" + "Zq8!xV2#mK9@pL4$nR7^" * 3,
        "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHQta2V5LTAwMDA=",
        "ALLOWED_HOSTS": "cctv.example.edu.cn",
        "DJANGO_SETTINGS_MODULE": "campuscctv.settings",
        "CAMPUSCCTV_ENV_FILE": "/nonexistent",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            None,
            "campuscctv: missing required setting AUDIT_WITNESS_KEY (set it in the environment).",
        ),
        (
            "short-key",
            "campuscctv: setting AUDIT_WITNESS_KEY: each key needs 32 or more characters.",
        ),
    ],
)
def test_production_refuses_to_start_without_a_proper_key(value, message):
    result = _settings_process(**({"AUDIT_WITNESS_KEY": value} if value else {}))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [message]
