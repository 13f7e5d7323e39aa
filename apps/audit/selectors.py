"""Reads of the audit chain: the event register and the chain check."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from .models import AuditEvent
from .witness import witness_read

# Auditor-only: the chain also records what the security chief does.
AUDIT_READER_ROLES = ("auditor",)


def event_list(*, user) -> QuerySet[AuditEvent]:
    """Only auditors read the chain (M-4.2); it records everyone, the security chief too."""
    if not user.has_any_role(*AUDIT_READER_ROLES):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_sequence: int | None = None
    reason: str = ""


def chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in sequence order; name the first row that was edited, deleted or
    inserted out of order."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = 0
    fields = [*HASHED_FIELDS, "prev_hash", "hash"]
    rows = AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size)
    for row in rows:
        seq = row["sequence"]
        if seq != expected_sequence:
            return ChainReport(
                False, count, seq, f"expected sequence {expected_sequence}, found {seq}"
            )
        if row["prev_hash"] != prev_hash:
            return ChainReport(False, count, seq, "previous-hash link does not match")
        if event_hash(prev_hash=prev_hash, fields=row) != row["hash"]:
            return ChainReport(False, count, seq, "content does not match its hash")
        prev_hash = row["hash"]
        expected_sequence += 1
        count += 1
    witnessed = witness_read()
    if witnessed and witnessed["sequence"] > count:
        return ChainReport(
            False,
            count,
            count + 1,
            f"rows up to witnessed sequence {witnessed['sequence']} missing",
        )
    if witnessed and witnessed["sequence"] <= count:
        row = AuditEvent.objects.filter(sequence=witnessed["sequence"]).values("hash").first()
        if row is None or row["hash"] != witnessed["hash"]:
            return ChainReport(
                False, count, witnessed["sequence"], "does not match the witnessed head"
            )
    return ChainReport(True, count)
