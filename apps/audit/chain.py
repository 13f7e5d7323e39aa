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
