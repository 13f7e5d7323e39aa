"""A witness of the chain's head kept outside the database.

A chain can prove every row but the last: deleting the newest rows leaves a shorter chain that
is still consistent. After every commit the newest (sequence, hash) is written to a small file
(AUDIT_WITNESS_PATH); audit_verify then requires that the chain still holds that row.
"""

import fcntl
import json
import os
from pathlib import Path

from django.conf import settings


def witness_path() -> Path:
    return Path(settings.AUDIT_WITNESS_PATH)


def witness_read() -> dict | None:
    try:
        return json.loads(witness_path().read_text())
    except FileNotFoundError:
        return None


def witness_record(sequence: int, hash_: str) -> None:
    """Raise the witnessed head to ``sequence`` (never lower it); safe across processes."""
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = witness_read()
        if current and current["sequence"] >= sequence:
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"sequence": sequence, "hash": hash_}))
        os.replace(tmp, path)
