"""Canonical encoding and hashing of audit events — the chain's format (docs/audit.md).

hash = SHA-256( prev_hash || "\\n" || canonical_json(fields) ), hex, where canonical_json is
JSON with sorted keys, no spaces, UTF-8, and the fields are:
sequence, occurred_at (UTC ISO-8601 with microseconds), actor_id, actor_label, action,
target_type, target_id, target_label, clause, data. The first event's prev_hash is 64 zeros.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "clause",
    "data",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    body = {name: fields[name] for name in HASHED_FIELDS}
    body["occurred_at"] = _timestamp(body["occurred_at"])
    payload = prev_hash + "\n" + canonical_json(body)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Where orjson's output can differ from canonical_json's: floats below 1e-4 (json writes
# 1e-05, orjson 0.00001 or 1e-5) and integers beyond 64 bits, which orjson reads as floats
# (then written 1.8e+19). Only such output holds these; a string that merely contains one
# takes the exact path too. tests/audit/test_verify_parallel.py holds the two side by side.
_MAY_DIFFER = (b"e-", b"e+", b"0.0000")


def _may_differ(encoded: bytes) -> bool:
    return any(marker in encoded for marker in _MAY_DIFFER)


def event_hash_from_text(
    *,
    prev_hash: str,
    sequence: int,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    clause: str,
    data: str,
) -> str:
    """event_hash of a row fetched as text (audit_verify's fast path, M-4.2): ``occurred_at``
    as PostgreSQL's to_char prints it in UTC (``YYYY-MM-DDTHH:MI:SS.USZ``), ``data`` as the
    stored JSON text. Always the same digest as event_hash over the decoded row: orjson
    (several times faster than json here) is trusted only where its output cannot differ
    (_MAY_DIFFER); everything else goes through canonical_json."""
    if occurred_at[:1] != "0":
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:  # e.g. a lone surrogate escape, which json accepts
            pass
        else:
            body = orjson.dumps(
                {
                    "sequence": sequence,
                    "occurred_at": occurred_at,
                    "actor_id": actor_id,
                    "actor_label": actor_label,
                    "action": action,
                    "target_type": target_type,
                    "target_id": target_id,
                    "target_label": target_label,
                    "clause": clause,
                    "data": value,
                },
                option=orjson.OPT_SORT_KEYS,
            )
            # The other fields are strings and small integers: only data can hold a float.
            if not _may_differ(body) or not _may_differ(orjson.dumps(value)):
                return hashlib.sha256(prev_hash.encode() + b"\n" + body).hexdigest()
    # Years before 1000 are zero-padded by to_char, not by strftime: reformat as event_hash does.
    moment = datetime.fromisoformat(occurred_at)
    fields = {
        "sequence": sequence,
        "occurred_at": moment,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "clause": clause,
        "data": json.loads(data),
    }
    return event_hash(prev_hash=prev_hash, fields=fields)
