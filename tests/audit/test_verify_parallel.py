"""M-4.2 at campus scale (issue 15): the parallel audit_verify says exactly what the single walk
says — the same first broken sequence, the same message, the same count — for a tampered row,
a broken link or deleted rows at a segment boundary and inside one; and its fast hashing gives
the chain's own digest for every kind of value."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.audit.chain import HASHED_FIELDS, event_hash, event_hash_from_text
from apps.audit.selectors import chain_verify, chain_walk
from tests.audit.tamper import raw

ROW = {
    "sequence": 7,
    "occurred_at": datetime(2026, 3, 1, 8, 30, 5, 120, tzinfo=UTC),
    "actor_id": 12,
    "actor_label": "chief",
    "action": "cameras.camera_update",
    "target_type": "cameras.camera",
    "target_id": "42",
    "target_label": "CAM-00042 教学楼A 东门",
    "clause": "M-1.3",
}


def _as_stored(data) -> list[str]:
    """``data`` as the database prints it: on PostgreSQL through jsonb (plain numbers, its
    own spacing and key order); elsewhere json's text, where it has no exponent."""
    import json

    text = json.dumps(data, ensure_ascii=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::jsonb::text", [text])
            return [cursor.fetchone()[0]]
    if any(c in text for c in "eE") and any(
        text[i - 1].isdigit() and text[i] in "eE" for i in range(1, len(text))
    ):
        return []  # not a text PostgreSQL would print
    return [text, json.dumps(data, indent=1)]


def _check_against_the_chain(data, *, year: int = 2026, prev_hash: str = "ab" * 32) -> int:
    """The fast hash of each stored text equals event_hash over what the single walk decodes
    (json.loads of that text); ``exact=True`` equals it for json's own text too."""
    import json

    fields = {**ROW, "occurred_at": ROW["occurred_at"].replace(year=year)}
    at = f"{year:04d}-03-01T08:30:05.000120Z"  # as to_char prints it: the year padded
    texts = _as_stored(data)
    for text in texts:
        expected = event_hash(prev_hash=prev_hash, fields={**fields, "data": json.loads(text)})
        got = _from_text(prev_hash=prev_hash, occurred_at=at, data=text, **_plain(fields))
        assert got == expected, text
    text = json.dumps(data)
    expected = event_hash(prev_hash=prev_hash, fields={**fields, "data": json.loads(text)})
    exact = _from_text(prev_hash=prev_hash, occurred_at=at, data=text, exact=True, **_plain(fields))
    assert exact == expected
    return len(texts)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"n": 1, "note": "树影晃动，误报", "ok": True, "none": None, "list": [1, "a", [], {}]},
        {"changes": {"name": ["old", "new"], "recorder_id": [3, None]}, "b": {"z": 1, "a": 2}},
        {"score": 0.1, "big": 1e16, "tiny": 1e-7, "whole": 2.0, "neg": -0.0},
        {"small": 2.254e-05, "sub": 5e-324, "edge": 1e-4, "huge": 1.5e300},
        {"int19": 1234567890123456789, "int30": 123456789012345678901234567890, "neg": -5},
        {"u64": 18446744073709551615, "i64": -9223372036854775808, "over": 2**64},
        {"text": 'quote " backslash \\ newline \n tab \t ctrl \x01 \x1f \x7f \u2028 😀'},
        {"looks": "v1.2 a1e3 e+ 0.0000 012345678901234567890", "键": {"é": 1, "a": 2, "😀": 3}},
        ["a list", 1, 2],
        "a string",
        17,
    ],
)
@pytest.mark.parametrize("year", [2026, 999])
def test_fast_hash_equals_the_chain_hash(data, year):
    _check_against_the_chain(data, year=year)


@pytest.mark.django_db
def test_fast_hash_equals_the_chain_hash_for_numbers_of_every_magnitude():
    import random
    import struct

    rng = random.Random(15)
    checked = 0
    for _ in range(300):
        bits = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        data = {
            "bits": bits if bits == bits and abs(bits) != float("inf") else 0.5,
            "f": rng.random() * 10 ** rng.randrange(-12, 24),
            "i": rng.getrandbits(rng.randrange(1, 90)) * rng.choice((1, -1)),
        }
        checked += _check_against_the_chain(data)
    assert checked > 0


def _from_text(*, prev_hash: str, occurred_at: str, data: str, exact=False, **fields) -> str:
    values = {**fields, "occurred_at": occurred_at, "data": data}
    return event_hash_from_text(prev_hash, *(values[f] for f in HASHED_FIELDS), exact=exact)


def _plain(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k not in ("occurred_at", "data")}


def test_fast_hash_sees_a_changed_value():
    fields = {**ROW, "data": {"n": 1}}
    stored = event_hash(prev_hash="0" * 64, fields=fields)
    at = "2026-03-01T08:30:05.000120Z"
    assert (
        _from_text(prev_hash="0" * 64, occurred_at=at, data='{"n": 1}', **_plain(fields)) == stored
    )
    assert (
        _from_text(prev_hash="0" * 64, occurred_at=at, data='{"n": 2}', **_plain(fields)) != stored
    )
    assert (
        _from_text(
            prev_hash="0" * 64, occurred_at=at[:-2] + "1Z", data='{"n": 1}', **_plain(fields)
        )
        != stored
    )


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the parallel walk runs on PostgreSQL only"
)


@pytest.fixture
def ten(security_chief, django_capture_on_commit_callbacks):
    """Ten committed events (other processes must see them), the witness naming event 10.
    With segments of three rows the boundaries fall before events 4, 7 and 10."""
    from apps.audit.services import event_append

    for n in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            event_append(
                actor=security_chief if n % 3 else None,  # a NULL actor prints as \\N
                action="test.event",
                clause="M-4.2",
                target_type="test.thing",
                target_label=f"东门 {n}\t\\ tab and backslash",
                data={"n": n, "note": 'line\nbreak "quoted" back\\slash\ttab \\N'},
            )


def _both() -> tuple:
    single = chain_verify(workers=1)
    parallel = chain_verify(workers=2, segment_rows=3)
    assert parallel == single
    return single


@postgresql
@pytest.mark.django_db(transaction=True)
def test_intact_chain_verifies_in_parallel(ten):
    report = chain_walk(workers=2, segment_rows=3)
    assert report.ok and report.count == 10
    assert _both().ok


@postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sequence", [1, 3, 4, 6, 10])
def test_tampered_row_is_named_alike(ten, sequence):
    raw("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", sequence])
    report = _both()
    assert (report.broken_sequence, report.reason) == (sequence, "content does not match its hash")
    assert report.count == sequence - 1


@postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sequence", [4, 5, 7])
def test_broken_link_is_named_alike(ten, sequence):
    raw("UPDATE audit_auditevent SET prev_hash = %s WHERE sequence = %s", ["f" * 64, sequence])
    report = _both()
    assert (report.broken_sequence, report.reason) == (
        sequence,
        "previous-hash link does not match",
    )


@postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("deleted", "reason"),
    [
        ("= 1", "event 1 missing (next event found: 2)"),
        ("= 4", "event 4 missing (next event found: 5)"),
        ("= 5", "event 5 missing (next event found: 6)"),
        ("BETWEEN 3 AND 4", "events 3-4 missing (next event found: 5)"),
        ("BETWEEN 4 AND 6", "events 4-6 missing (next event found: 7)"),
        ("BETWEEN 2 AND 8", "events 2-8 missing (next event found: 9)"),
    ],
)
def test_deleted_rows_are_named_alike(ten, deleted, reason):
    raw(f"DELETE FROM audit_auditevent WHERE sequence {deleted}", [])
    report = _both()
    first = int(reason.split()[1].split("-")[0])
    assert (report.broken_sequence, report.reason, report.count) == (first, reason, first - 1)


@postgresql
@pytest.mark.django_db(transaction=True)
def test_deleted_newest_rows_are_named_through_the_witness(ten):
    raw("DELETE FROM audit_auditevent WHERE sequence >= 8", [])
    report = _both()
    assert report.reason == "events 8-10 missing (the witness names sequence 10)"


@postgresql
@pytest.mark.django_db(transaction=True)
def test_reordered_rows_are_named_alike(ten):
    raw("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 4", [])
    raw("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 3", [])
    raw("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 1000", [])
    report = _both()
    assert (report.broken_sequence, report.reason) == (3, "previous-hash link does not match")


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_number_moved_far_away_is_named_alike(ten):
    # Splitting by number would make 10**14 empty ranges: the walk splits by rows instead.
    raw("UPDATE audit_auditevent SET sequence = %s WHERE sequence = 6", [10**15])
    report = _both()
    assert (report.broken_sequence, report.reason) == (6, "event 6 missing (next event found: 7)")


@postgresql
@pytest.mark.django_db(transaction=True)
def test_command_output_is_the_same_with_workers(ten, capsys):
    call_command("audit_verify", "--workers", "2")
    assert "audit chain OK: 10 events" in capsys.readouterr().out
    raw("UPDATE audit_auditevent SET data = %s WHERE sequence = 4", ['{"n": 99}'])
    messages = []
    for workers in ("1", "2"):
        with pytest.raises(CommandError) as caught:
            call_command("audit_verify", "--workers", workers)
        messages.append((str(caught.value), caught.value.returncode))
    assert messages[0] == messages[1]
    assert messages[0] == (
        "audit chain BROKEN at sequence 4: content does not match its hash"
        " (3 events verified before it)",
        1,
    )


@pytest.mark.django_db
def test_workers_below_one_are_refused():
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        call_command("audit_verify", "--workers", "0")
