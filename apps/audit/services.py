"""The one way to write an audit event. Every app calls event_append inside the transaction of
the change it records, so the change and its evidence commit or roll back together."""

import json
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import RuleViolation

from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent
from .selectors import chain_walk, chain_witness_check
from .witness import Witness, witness_raw, witness_record, witness_replace

# Any fixed number: all writers of the chain take this PostgreSQL advisory lock in turn.
_CHAIN_LOCK_KEY = 0x4343_5456  # "CCTV"


def _lock_chain() -> None:
    # SQLite needs no lock: IMMEDIATE transactions already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _plain_json(data: dict[str, Any] | None) -> dict[str, Any]:
    """What the database will give back: the hash must be computed over exactly that."""
    return _as_stored(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def _as_stored(value: Any) -> Any:
    # PostgreSQL's jsonb prints a float written as 1e+16 back as the integer 10000000000000000
    # (Python writes floats of 1e16 and more with an exponent; all of them are whole numbers).
    if (
        isinstance(value, float)
        and abs(value) >= 1e16
        and value == value
        and abs(value) != float("inf")
    ):
        return int(value)
    if isinstance(value, dict):
        return {key: _as_stored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_stored(item) for item in value]
    return value


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


@transaction.atomic
def witness_reset(*, reason: str, by: Any = None, os_user: str = "") -> AuditEvent:
    """Start a new signed witness at the chain as it is, on record (M-4.2).

    For an operator who moved to a new database, restored a backup or upgraded from an
    unsigned witness (docs/audit.md). The rows must verify: a new witness cannot repair a
    broken chain. The audit.witness_reset event keeps what the old witness said and what
    audit_verify reported, and is the first head the new witness vouches for.
    """
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for resetting the audit witness."), clause="M-4.2")
    new: dict[str, Witness] = {}

    def _write_new_witness() -> None:
        witness_replace(new["witness"])

    _lock_chain()  # no event is appended between the check and the reset event
    walked = chain_walk()
    if not walked.ok:
        raise RuleViolation(
            _(
                "The audit chain itself is broken at sequence %(sequence)s (%(reason)s); "
                "a new witness would not repair it."
            )
            % {"sequence": walked.broken_sequence, "reason": walked.reason},
            clause="M-4.2",
        )
    before = chain_witness_check(walked)
    if before.ok:
        raise RuleViolation(
            _("The audit witness is valid and matches the chain; there is nothing to reset."),
            clause="M-4.2",
        )
    old = witness_raw()
    # Registered before event_append's own witness_record, so that one finds it done.
    transaction.on_commit(_write_new_witness)
    event = event_append(
        actor=by,
        action="audit.witness_reset",
        target_type="audit.witness",
        target_label="audit witness",
        clause="M-4.2",
        data={
            "reason": reason,
            "os_user": os_user,
            "verified_events": walked.count,
            "verify_before": before.reason,
            "old_witness": {k: (old or {}).get(k) for k in ("chain_id", "sequence", "hash")},
            "old_witness_present": old is not None,
        },
    )
    first_hash = AuditEvent.objects.filter(sequence=1).values_list("hash", flat=True).get()
    new["witness"] = Witness(chain_id=first_hash, sequence=event.sequence, hash=event.hash)
    return event


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that differ — the M-1.3 before/after record."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
