"""Tampering as a database administrator would: around the model and the PostgreSQL trigger."""

from django.db import connection

from apps.audit.chain import HASHED_FIELDS, event_hash
from apps.audit.models import AuditEvent


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def rehash_from(sequence: int, *, action: str) -> None:
    """Forge the action of every event from ``sequence`` on and recompute their hashes and
    links, so that the rows alone chain correctly again (what the witness must catch)."""
    rows = list(AuditEvent.objects.order_by("sequence").values(*HASHED_FIELDS, "hash"))
    prev_hash = rows[sequence - 2]["hash"] if sequence > 1 else "0" * 64
    for row in rows[sequence - 1 :]:
        row["action"] = action
        new_hash = event_hash(prev_hash=prev_hash, fields=row)
        raw(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s"
            " WHERE sequence = %s",
            [action, prev_hash, new_hash, row["sequence"]],
        )
        prev_hash = new_hash
