"""Reads of the audit chain: the event register and the chain check."""

import json
import multiprocessing
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .chain import GENESIS_HASH, HASHED_FIELDS, event_hash, event_hash_from_text
from .models import AuditEvent
from .witness import WitnessInvalid, witness_path, witness_read

# Auditor-only: the chain also records what the security chief does.
AUDIT_READER_ROLES = ("auditor",)


def event_list(*, user) -> QuerySet[AuditEvent]:
    """Only auditors read the chain (M-4.2); it records everyone, the security chief too."""
    if not user.has_any_role(*AUDIT_READER_ROLES):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


def event_get(*, user, sequence: int) -> AuditEvent:
    return get_object_or_404(event_list(user=user), sequence=sequence)


def _shown(value) -> str:
    """A recorded value as text: strings as they are, nothing as a dash, the rest as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class DataItem:
    key: str
    value: str


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def event_detail(*, event: AuditEvent) -> dict:
    """An event's data as the detail page shows it: ``data["changes"]`` (``{field: [before,
    after]}``, the M-1.3 before/after values) as rows of a table, everything else as key and
    value. Credentials never reach here: services record that they changed, never the values."""
    data = dict(event.data) if isinstance(event.data, dict) else {"data": event.data}
    changes, items = [], []
    if "changes" not in data and {"before", "after"} <= set(data):
        # A whole value replaced (a user's roles): one row, no field name.
        changes.append(Change("", _shown(data.pop("before")), _shown(data.pop("after"))))
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            for field, pair in value.items():
                if isinstance(pair, list | tuple) and len(pair) == 2:
                    changes.append(Change(field, _shown(pair[0]), _shown(pair[1])))
                else:
                    items.append(DataItem(f"changes.{field}", _shown(pair)))
        else:
            items.append(DataItem(key, _shown(value)))
    return {"changes": changes, "items": items}


@dataclass(frozen=True)
class ChainReport:
    """What audit_verify says. ``kind`` tells the failures apart (docs/audit.md):
    "broken" (rows changed or missing), "witness_invalid" (no valid signed witness vouches for
    the head) and "other_chain" (the witness is another chain's, e.g. after DATABASE_URL
    changed)."""

    ok: bool
    count: int
    broken_sequence: int | None = None
    reason: str = ""
    kind: str = "ok"


def _missing(first: int, last: int) -> str:
    return f"event {first} missing" if first == last else f"events {first}-{last} missing"


def chain_walk(
    *, chunk_size: int = 2000, workers: int = 1, segment_rows: int = 50_000
) -> ChainReport:
    """Walk the rows in sequence order; name the first one that was edited, deleted or
    inserted out of order (for a gap, the first missing sequence number). The witness is not
    consulted: chain_verify adds that.

    With ``workers`` > 1 on PostgreSQL the rows are checked in parallel (M-4.2 at campus
    scale, docs/performance.md): the same verdict and message, see _chain_walk_parallel.
    Inside a transaction the other processes could not see its rows: the single walk runs."""
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _chain_walk_parallel(workers=workers, segment_rows=segment_rows)
    return _chain_walk_single(chunk_size=chunk_size)


def _chain_walk_single(*, chunk_size: int) -> ChainReport:
    """The reference walk: one process, the rows through the ORM (``audit_verify --workers 1``)."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = 0
    fields = [*HASHED_FIELDS, "prev_hash", "hash"]
    rows = AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size)
    for row in rows:
        seq = row["sequence"]
        if seq != expected_sequence:
            # Ascending unique numbers: a jump means expected … seq-1 were deleted.
            reason = f"{_missing(expected_sequence, seq - 1)} (next event found: {seq})"
            return ChainReport(False, count, expected_sequence, reason, "broken")
        if row["prev_hash"] != prev_hash:
            return ChainReport(False, count, seq, "previous-hash link does not match", "broken")
        if event_hash(prev_hash=prev_hash, fields=row) != row["hash"]:
            return ChainReport(False, count, seq, "content does not match its hash", "broken")
        prev_hash = row["hash"]
        expected_sequence += 1
        count += 1
    return ChainReport(True, count)


# Only the hashed columns and the links, as COPY text (one row per message, split on tabs:
# cheaper than psycopg's typed rows); to_char prints occurred_at as chain._timestamp does
# (chain.event_hash_from_text handles years before 1000).
_SEGMENT_COPY = (
    "COPY (SELECT sequence, to_char(occurred_at AT TIME ZONE 'UTC',"
    ' \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'), actor_id, actor_label, action, target_type,'
    " target_id, target_label, clause, data::text, prev_hash, hash FROM audit_auditevent"
    " WHERE sequence >= {lo} AND sequence < {hi} ORDER BY sequence) TO STDOUT"
)
# COPY text writes a backslash, BS, FF, LF, CR, TAB and VT escaped with a backslash; NULL as \N.
_COPY_ESCAPE = re.compile(r"\\(.)")
_COPY_UNESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    return _COPY_ESCAPE.sub(lambda m: _COPY_UNESCAPED.get(m.group(1), m.group(1)), field)


@dataclass(frozen=True)
class _Segment:
    """What one worker found in sequences [lo, hi): its first row's number and link (held
    against the previous segment by the parent), its last row's number and hash, how many
    rows passed, and the first failure inside it (sequence, reason) if any."""

    first_sequence: int | None = None
    first_prev_hash: str = ""
    last_sequence: int = 0
    last_hash: str = ""
    passed: int = 0
    failure: tuple[int, str] | None = None


def _connection_params() -> dict:
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return params


def _open_snapshot(params: dict, snapshot: str | None):
    import psycopg
    from psycopg import sql

    conn = psycopg.connect(**params, autocommit=True)
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    if snapshot:
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    return conn


def _segment_walk(job: tuple[dict, str, int, int]) -> _Segment:
    """Check the rows of sequences [lo, hi) in one worker process, with its own connection
    on the parent's exported snapshot (all workers read the same state of the chain). Each
    row's hash is checked against its own stored prev_hash; links and numbers inside the
    segment are checked here, the first row's by the parent."""
    params, snapshot, lo, hi = job
    first_sequence, first_prev, expected, last_hash, passed = None, "", 0, "", 0
    conn = _open_snapshot(params, snapshot)
    try:
        with conn.cursor() as cursor, cursor.copy(_SEGMENT_COPY.format(lo=lo, hi=hi)) as copy:
            for message in copy:
                line = str(message, "utf-8")[:-1]
                fields = line.split("\t")
                if "\\" in line:  # a NULL actor, or a value holding a backslash, tab, newline
                    fields = [_copy_unescape(f) if "\\" in f else f for f in fields]
                seq, at, actor, label, action, t_type, t_id, t_label, clause, data, prev, hsh = (
                    fields
                )
                seq = int(seq)
                actor = None if actor is None else int(actor)
                if first_sequence is None:
                    first_sequence, first_prev = seq, prev
                elif seq != expected:
                    reason = f"{_missing(expected, seq - 1)} (next event found: {seq})"
                    failure = (expected, reason)
                    break
                elif prev != last_hash:
                    failure = (seq, "previous-hash link does not match")
                    break
                row = (prev, seq, at, actor, label, action, t_type, t_id, t_label, clause, data)
                # A mismatch is confirmed the slow, exact way before it is reported.
                if event_hash_from_text(*row) != hsh and (
                    event_hash_from_text(*row, exact=True) != hsh
                ):
                    failure = (seq, "content does not match its hash")
                    break
                last_hash, expected, passed = hsh, seq + 1, passed + 1
            else:
                failure = None
    finally:
        conn.close()  # ends the read-only transaction; a COPY left early needs no draining
    return _Segment(first_sequence, first_prev, expected - 1, last_hash, passed, failure)


def _chain_walk_parallel(*, workers: int, segment_rows: int) -> ChainReport:
    """The walk split by sequence range over forked processes (PostgreSQL). The parent takes
    a snapshot and the sequence range, the workers check their segments (_segment_walk) and
    the parent joins them in order exactly as the single walk would have met them: a gap or
    a link at a segment's start, then the first failure inside it."""
    params = _connection_params()
    holder = _open_snapshot(params, None)  # open until every worker has imported its snapshot
    try:
        snapshot, low, high, total = holder.execute(
            "SELECT pg_export_snapshot(), min(sequence), max(sequence), count(*)"
            " FROM audit_auditevent"
        ).fetchone()
        if low is None:
            return ChainReport(True, 0)
        low = min(low, 1)  # a row numbered below 1 must be met first, as the single walk does
        step = max(1, segment_rows)
        if high - low < 2 * total + step:
            starts = list(range(low, high + 1, step))
        else:  # numbers far apart (tampered): split by rows, not by the empty range between
            starts = [low] + [
                seq
                for (seq,) in holder.execute(
                    "SELECT sequence FROM (SELECT sequence, row_number() OVER (ORDER BY"
                    " sequence) AS n FROM audit_auditevent) AS numbered WHERE n %% %s = 1"
                    " AND n > 1",
                    [step],
                )
            ]
        ends = [*starts[1:], high + 1]
        jobs = [(params, snapshot, lo, hi) for lo, hi in zip(starts, ends, strict=True)]
        expected, prev_hash, count = 1, GENESIS_HASH, 0
        processes = min(workers, len(jobs))
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            for segment in pool.imap(_segment_walk, jobs):
                if segment.first_sequence is None:
                    continue  # every row of this range is gone: the next segment names the gap
                if segment.first_sequence != expected:
                    seq = segment.first_sequence
                    reason = f"{_missing(expected, seq - 1)} (next event found: {seq})"
                    return ChainReport(False, count, expected, reason, "broken")
                if segment.first_prev_hash != prev_hash:
                    reason = "previous-hash link does not match"
                    return ChainReport(False, count, expected, reason, "broken")
                if segment.failure is not None:
                    sequence, reason = segment.failure
                    return ChainReport(False, count + segment.passed, sequence, reason, "broken")
                expected, prev_hash = segment.last_sequence + 1, segment.last_hash
                count += segment.passed
    finally:
        holder.close()
    return ChainReport(True, count)


def chain_witness_check(walked: ChainReport) -> ChainReport:
    """Hold an intact walk against the signed witness (M-4.2): the witness must be validly
    signed, be this chain's (its chain_id is event 1's hash) and name a row the chain still
    holds with the witnessed hash."""
    count = walked.count
    try:
        witnessed = witness_read()
    except WitnessInvalid as exc:
        return ChainReport(
            False, count, None, f"witness signature invalid: {exc.detail}", "witness_invalid"
        )
    if witnessed is None:
        if count == 0:
            return walked
        reason = f"witness missing: there is no {witness_path()}"
        return ChainReport(False, count, None, reason, "witness_invalid")
    if count == 0:
        reason = (
            f"{_missing(1, witnessed.sequence)} (the witness names sequence"
            f" {witnessed.sequence}; the database holds no events)"
        )
        return ChainReport(False, 0, 1, reason, "broken")
    first = AuditEvent.objects.filter(sequence=1).values_list("hash", flat=True).first()
    if first != witnessed.chain_id:
        reason = (
            f"the witness belongs to another chain: its event 1 has hash"
            f" {witnessed.chain_id[:16]}…, this database's {first[:16]}…"
        )
        return ChainReport(False, count, None, reason, "other_chain")
    if witnessed.sequence > count:
        reason = (
            f"{_missing(count + 1, witnessed.sequence)}"
            f" (the witness names sequence {witnessed.sequence})"
        )
        return ChainReport(False, count, count + 1, reason, "broken")
    row = AuditEvent.objects.filter(sequence=witnessed.sequence).values("hash").first()
    if row is None or row["hash"] != witnessed.hash:
        reason = "does not match the witnessed head"
        return ChainReport(False, count, witnessed.sequence, reason, "broken")
    return walked


def chain_verify(
    *, chunk_size: int = 2000, workers: int = 1, segment_rows: int = 50_000
) -> ChainReport:
    """The rows, then the witness: what audit_verify reports."""
    walked = chain_walk(chunk_size=chunk_size, workers=workers, segment_rows=segment_rows)
    if not walked.ok:
        return walked
    return chain_witness_check(walked)
