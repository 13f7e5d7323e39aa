"""A witness of the chain's head kept outside the database.

A chain can prove every row but the last: deleting the newest rows leaves a shorter chain that
is still consistent. After every commit the newest (sequence, hash) is written to a small file
(AUDIT_WITNESS_PATH); audit_verify then requires that the chain still holds that row.
"""

import fcntl
import json
import logging
import os
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def witness_path() -> Path:
    return Path(settings.AUDIT_WITNESS_PATH)


def witness_read() -> dict | None:
    try:
        return json.loads(witness_path().read_text())
    except FileNotFoundError:
        return None


def _chain_holds(witnessed: dict) -> bool:
    from .models import AuditEvent

    return AuditEvent.objects.filter(
        sequence=witnessed["sequence"], hash=witnessed["hash"]
    ).exists()


def witness_record(sequence: int, hash_: str) -> None:
    """Raise the witnessed head to ``sequence`` (never lower it); safe across processes."""
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = witness_read()
        if current and current["sequence"] >= sequence:
            return
        if current and not _chain_holds(current):
            # The witnessed row was removed or changed: keep witnessing it, so audit_verify
            # goes on failing instead of the new head hiding the gap.
            log.error("audit witness: sequence %s is no longer in the chain", current["sequence"])
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"sequence": sequence, "hash": hash_}))
        os.replace(tmp, path)
