"""The one way to write an audit event. Every app calls event_append inside the transaction of
the change it records, so the change and its evidence commit or roll back together."""

import json
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent
from .witness import witness_record

# Any fixed number: all writers of the chain take this PostgreSQL advisory lock in turn.
_CHAIN_LOCK_KEY = 0x4343_5456  # "CCTV"


def _lock_chain() -> None:
    # SQLite needs no lock: IMMEDIATE transactions already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _plain_json(data: dict[str, Any] | None) -> dict[str, Any]:
    """What the database will give back: the hash must be computed over exactly that."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


@transaction.atomic
def event_append(
    *,
    actor: Any,
    action: str,
    target: Model | None = None,
    clause: str = "",
    data: dict[str, Any] | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
) -> AuditEvent:
    """Append one event to the chain (the audit mechanism of every clause, M-4.2).

    ``actor`` may be None or an anonymous user (failed logins, system tasks).
    ``target`` names the record acted on; or give target_type/target_id for things that
    are not rows (a username that failed to log in).
    """
    _lock_chain()
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)[:200]
    fields = {
        "sequence": (last["sequence"] + 1) if last else 1,
        "occurred_at": timezone.now(),
        "actor_id": real_actor.pk if real_actor else None,
        "actor_label": real_actor.get_username() if real_actor else "",
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "target_label": target_label,
        "clause": clause,
        "data": _plain_json(data),
    }
    prev_hash = last["hash"] if last else GENESIS_HASH
    event = AuditEvent.objects.create(
        prev_hash=prev_hash, hash=event_hash(prev_hash=prev_hash, fields=fields), **fields
    )
    transaction.on_commit(partial(witness_record, event.sequence, event.hash))
    return event


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that differ — the M-1.3 before/after record."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
