"""A signed witness of the chain's head, kept outside the database (docs/audit.md).

A chain can prove every row but the last: deleting the newest rows leaves a shorter chain that
is still consistent. After every commit the newest (sequence, hash) is written to a small file
(AUDIT_WITNESS_PATH); audit_verify then requires that the chain still holds that row.

The file is signed with HMAC-SHA256 under AUDIT_WITNESS_KEY, a key the database does not hold,
so whoever rewrites the chain and the file also needs the key. It names its chain by the first
event's hash (chain_id): a witness kept while DATABASE_URL points at another database is told
apart from a damaged chain.
"""

import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from .chain import canonical_json

log = logging.getLogger(__name__)

WITNESS_VERSION = 2
# Domain separation: this key signs nothing else, and a future format cannot be confused with it.
_SIGNED_PREFIX = b"campuscctv audit witness v2\n"


@dataclass(frozen=True)
class Witness:
    chain_id: str  # hash of the chain's event 1
    sequence: int
    hash: str


class WitnessInvalid(Exception):
    """The witness file exists but vouches for nothing: unsigned, wrongly signed or unreadable."""

    def __init__(self, detail: str, raw: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.raw = raw  # what the file says, for the record of a reset


def witness_path() -> Path:
    return Path(settings.AUDIT_WITNESS_PATH)


def _keys() -> list[bytes]:
    # Comma-separated: the first signs, every one verifies (rotation, docs/configuration.md).
    return [k.encode() for k in settings.AUDIT_WITNESS_KEY.split(",") if k]


def _signature(witness: Witness, key: bytes) -> str:
    message = _SIGNED_PREFIX + canonical_json(asdict(witness)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def witness_read() -> Witness | None:
    """The witness if its signature holds under AUDIT_WITNESS_KEY; None if there is no file.

    Raises WitnessInvalid for a file that is unsigned (written before the key existed),
    signed with another key, or not a witness at all.
    """
    try:
        text = witness_path().read_text()
    except FileNotFoundError:
        return None
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError
    except ValueError:
        raise WitnessInvalid("the witness file is not a JSON object") from None
    if "signature" not in raw:
        raise WitnessInvalid("the witness file is unsigned", raw)
    try:
        witness = Witness(str(raw["chain_id"]), int(raw["sequence"]), str(raw["hash"]))
        signature = str(raw["signature"])
    except (KeyError, TypeError, ValueError):
        raise WitnessInvalid("the witness file lacks chain_id, sequence or hash", raw) from None
    if not any(hmac.compare_digest(_signature(witness, k), signature) for k in _keys()):
        raise WitnessInvalid("its signature does not match AUDIT_WITNESS_KEY", raw)
    return witness


def witness_raw() -> dict | None:
    """What the file says, signed or not (for the record of a reset); None if absent."""
    try:
        raw = json.loads(witness_path().read_text())
    except FileNotFoundError:
        return None
    except ValueError:
        return {"unreadable": True}
    return raw if isinstance(raw, dict) else {"unreadable": True}


@contextmanager
def _witness_lock() -> Iterator[None]:
    """One writer of the file at a time, across processes."""
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(witness: Witness) -> None:
    path = witness_path()
    body = {"version": WITNESS_VERSION, **asdict(witness)}
    body["signature"] = _signature(witness, _keys()[0])
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body))
    os.replace(tmp, path)


def _chain_holds(witnessed: Witness) -> bool:
    from .models import AuditEvent

    return AuditEvent.objects.filter(sequence=witnessed.sequence, hash=witnessed.hash).exists()


def witness_record(sequence: int, hash_: str) -> None:
    """Raise the witnessed head to ``sequence`` (never lower it); safe across processes.

    Runs on commit of every event_append. It only ever moves a valid witness forward, or starts
    one at event 1: a missing, invalid or stranded witness stays as it is, so audit_verify goes
    on failing until an operator records an audit_witness_reset.
    """
    with _witness_lock():
        try:
            current = witness_read()
        except WitnessInvalid as exc:
            log.error("audit witness not raised to sequence %s: %s", sequence, exc.detail)
            return
        if current is None:
            # Only the first event starts a witness: otherwise deleting the file and waiting
            # for the next commit would seal whatever the database holds now.
            if sequence == 1:
                _write(Witness(chain_id=hash_, sequence=1, hash=hash_))
            else:
                log.error("audit witness missing: not started at sequence %s", sequence)
            return
        if current.sequence >= sequence:
            return
        if not _chain_holds(current):
            # The witnessed row was removed or changed, or the database is another chain's:
            # keep witnessing it, so audit_verify goes on failing instead of the new head
            # hiding the gap.
            log.error("audit witness: sequence %s is no longer in the chain", current.sequence)
            return
        _write(Witness(chain_id=current.chain_id, sequence=sequence, hash=hash_))


def witness_replace(witness: Witness) -> None:
    """Write a new witness whatever the file holds — only for services.witness_reset, which
    records the old one in the chain first. Does not step back behind a valid witness of the
    same chain that another process has meanwhile raised past it."""
    with _witness_lock():
        try:
            current = witness_read()
        except WitnessInvalid:
            current = None
        if (
            current is not None
            and current.chain_id == witness.chain_id
            and current.sequence > witness.sequence
            and _chain_holds(current)
        ):
            return
        _write(witness)
