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


def event_hash_from_text(  # positional, in HASHED_FIELDS order: called once per row
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
    /,
    *,
    exact: bool = False,
) -> str:
    """event_hash of a row as PostgreSQL prints it (audit_verify's fast path, M-4.2):
    ``occurred_at`` by to_char in UTC (``YYYY-MM-DDTHH:MI:SS.USZ``), ``data`` as jsonb text,
    whose numbers are plain (never an exponent). The same digest as event_hash over the
    decoded row. orjson (several times faster than json here) is trusted only where it reads
    and writes exactly what json does: no decimal point in the text (json and orjson write
    floats below 1e-4 differently) and no integer beyond 64 bits (orjson reads it as a float,
    written with "e+"). Everything else, and ``exact=True``, goes through canonical_json."""
    if not exact and occurred_at[:1] != "0" and "." not in data:
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
            if b"e+" not in body:  # a label holding "e+" only takes the exact path too
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
