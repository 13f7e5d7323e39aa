"""Reads of the audit chain: the event register and the chain check."""

import json
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from .models import AuditEvent
from .witness import WitnessInvalid, witness_path, witness_read

# Auditor-only: the chain also records what the security chief does.
AUDIT_READER_ROLES = ("auditor",)


def event_list(*, user) -> QuerySet[AuditEvent]:
    """Only auditors read the chain (M-4.2); it records everyone, the security chief too."""
    if not user.has_any_role(*AUDIT_READER_ROLES):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


def event_get(*, user, sequence: int) -> AuditEvent:
    return get_object_or_404(event_list(user=user), sequence=sequence)


def _shown(value) -> str:
    """A recorded value as text: strings as they are, nothing as a dash, the rest as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class DataItem:
    key: str
    value: str


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def event_detail(*, event: AuditEvent) -> dict:
    """An event's data as the detail page shows it: ``data["changes"]`` (``{field: [before,
    after]}``, the M-1.3 before/after values) as rows of a table, everything else as key and
    value. Credentials never reach here: services record that they changed, never the values."""
    data = dict(event.data) if isinstance(event.data, dict) else {"data": event.data}
    changes, items = [], []
    if "changes" not in data and {"before", "after"} <= set(data):
        # A whole value replaced (a user's roles): one row, no field name.
        changes.append(Change("", _shown(data.pop("before")), _shown(data.pop("after"))))
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            for field, pair in value.items():
                if isinstance(pair, list | tuple) and len(pair) == 2:
                    changes.append(Change(field, _shown(pair[0]), _shown(pair[1])))
                else:
                    items.append(DataItem(f"changes.{field}", _shown(pair)))
        else:
            items.append(DataItem(key, _shown(value)))
    return {"changes": changes, "items": items}


@dataclass(frozen=True)
class ChainReport:
    """What audit_verify says. ``kind`` tells the failures apart (docs/audit.md):
    "broken" (rows changed or missing), "witness_invalid" (no valid signed witness vouches for
    the head) and "other_chain" (the witness is another chain's, e.g. after DATABASE_URL
    changed)."""

    ok: bool
    count: int
    broken_sequence: int | None = None
    reason: str = ""
    kind: str = "ok"


def _missing(first: int, last: int) -> str:
    return f"event {first} missing" if first == last else f"events {first}-{last} missing"


def chain_walk(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the rows in sequence order; name the first one that was edited, deleted or
    inserted out of order (for a gap, the first missing sequence number). The witness is not
    consulted: chain_verify adds that."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = 0
    fields = [*HASHED_FIELDS, "prev_hash", "hash"]
    rows = AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size)
    for row in rows:
        seq = row["sequence"]
        if seq != expected_sequence:
            # Ascending unique numbers: a jump means expected … seq-1 were deleted.
            reason = f"{_missing(expected_sequence, seq - 1)} (next event found: {seq})"
            return ChainReport(False, count, expected_sequence, reason, "broken")
        if row["prev_hash"] != prev_hash:
            return ChainReport(False, count, seq, "previous-hash link does not match", "broken")
        if event_hash(prev_hash=prev_hash, fields=row) != row["hash"]:
            return ChainReport(False, count, seq, "content does not match its hash", "broken")
        prev_hash = row["hash"]
        expected_sequence += 1
        count += 1
    return ChainReport(True, count)


def chain_witness_check(walked: ChainReport) -> ChainReport:
    """Hold an intact walk against the signed witness (M-4.2): the witness must be validly
    signed, be this chain's (its chain_id is event 1's hash) and name a row the chain still
    holds with the witnessed hash."""
    count = walked.count
    try:
        witnessed = witness_read()
    except WitnessInvalid as exc:
        return ChainReport(
            False, count, None, f"witness signature invalid: {exc.detail}", "witness_invalid"
        )
    if witnessed is None:
        if count == 0:
            return walked
        reason = f"witness missing: there is no {witness_path()}"
        return ChainReport(False, count, None, reason, "witness_invalid")
    if count == 0:
        reason = (
            f"{_missing(1, witnessed.sequence)} (the witness names sequence"
            f" {witnessed.sequence}; the database holds no events)"
        )
        return ChainReport(False, 0, 1, reason, "broken")
    first = AuditEvent.objects.filter(sequence=1).values_list("hash", flat=True).first()
    if first != witnessed.chain_id:
        reason = (
            f"the witness belongs to another chain: its event 1 has hash"
            f" {witnessed.chain_id[:16]}…, this database's {first[:16]}…"
        )
        return ChainReport(False, count, None, reason, "other_chain")
    if witnessed.sequence > count:
        reason = (
            f"{_missing(count + 1, witnessed.sequence)}"
            f" (the witness names sequence {witnessed.sequence})"
        )
        return ChainReport(False, count, count + 1, reason, "broken")
    row = AuditEvent.objects.filter(sequence=witnessed.sequence).values("hash").first()
    if row is None or row["hash"] != witnessed.hash:
        reason = "does not match the witnessed head"
        return ChainReport(False, count, witnessed.sequence, reason, "broken")
    return walked


def chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """The rows, then the witness: what audit_verify reports."""
    walked = chain_walk(chunk_size=chunk_size)
    if not walked.ok:
        return walked
    return chain_witness_check(walked)
