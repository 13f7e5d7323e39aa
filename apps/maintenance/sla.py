"""The maintenance vendor's SLA clock (M-2.4): pure functions, no Django.

A fault must be cleared within the allowance of its severity (general fault 一般性故障 6 h,
major fault 较大故障 24 h), counted on a 24×7 clock from the time it was reported. Times are
aware datetimes; the arithmetic is done on absolute time, so midnight, month ends and the
site's time zone (settings.TIME_ZONE) change nothing but how the deadline is shown.

Rules, each a named test in tests/maintenance/test_sla_clock.py:

* A pause (a reason from a fixed list, started and ended explicitly) is subtracted exactly
  once: overlapping pauses are merged, and only the part inside the running clock counts.
* The deadline moves by the pause itself and by nothing else (no rounding, no re-anchoring
  to the time the pause ended).
* The clock stops when the vendor clears the fault; a reopen continues the same clock, so the
  time between that clear and the reopen counts (the fault was not in fact cleared).
* A severity change recomputes the deadline from the report time with the new allowance; the
  time already spent is kept.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Defaults of M-2.4, in hours; a contract may be stricter, never laxer.
DEFAULT_HOURS = {"general": 6, "major": 24}

# What a state history entry's state means to the clock.
STOPS = "cleared"  # the vendor reports the fault cleared: the clock stops (provisionally)
RESUMES = "reopened"  # the clear did not hold: the same clock runs on


@dataclass(frozen=True)
class Interval:
    """A pause: from ``start`` to ``end`` (None: still going)."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Clock:
    deadline_at: datetime  # when the allowance runs out (an open pause counted up to ``at``)
    elapsed: timedelta  # clock time spent: running, not paused
    remaining: timedelta  # allowance - elapsed; negative once breached
    breached: bool
    paused: bool  # a pause is open at ``at``
    stopped_at: datetime | None  # the clear that stopped the clock, or None while it runs


def merged(intervals: Iterable[Interval], *, upto: datetime) -> list[tuple[datetime, datetime]]:
    """Pauses as disjoint (start, end) pairs, an open pause ending at ``upto``: time that lies
    in two pauses at once is counted once."""
    spans = sorted(
        (i.start, min(i.end, upto) if i.end is not None else upto)
        for i in intervals
        if i.start < upto
    )
    out: list[list[datetime]] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def stopped_at(history: Sequence[tuple[datetime, str]]) -> datetime | None:
    """The time of the clear that stands (not followed by a reopen), or None.

    ``history`` is the ticket's state changes as (time, new state), in order."""
    stop = None
    for at, state in sorted(history, key=lambda item: item[0]):
        if state == STOPS:
            stop = at
        elif state == RESUMES:
            stop = None
    return stop


def paused_time(pauses: Iterable[Interval], *, since: datetime, upto: datetime) -> timedelta:
    """Pause time inside [since, upto), each moment once."""
    total = timedelta(0)
    for start, end in merged(pauses, upto=upto):
        start, end = max(start, since), min(end, upto)
        if end > start:
            total += end - start
    return total


def sla_clock(
    *,
    reported_at: datetime,
    allowance: timedelta,
    pauses: Iterable[Interval] = (),
    history: Sequence[tuple[datetime, str]] = (),
    at: datetime,
) -> Clock:
    """The clock of one ticket as it stands at ``at``.

    ``allowance`` is the severity's hours (from the contract or DEFAULT_HOURS); ``history``
    the state changes as (time, state); ``pauses`` every pause of the ticket."""
    pauses = list(pauses)
    stop = stopped_at([(t, s) for t, s in history if t <= at])
    end = min(stop, at) if stop is not None else at
    end = max(end, reported_at)
    paused = paused_time(pauses, since=reported_at, upto=end)
    elapsed = end - reported_at - paused
    # The deadline moves by the pause time up to the later of the stop and ``at``: a pause
    # still open pushes it on as it lasts; a stopped clock's deadline stays where it was.
    deadline = reported_at + allowance + paused
    is_paused = stop is None and any(
        p.start <= at and (p.end is None or p.end > at) for p in pauses
    )
    remaining = allowance - elapsed
    return Clock(
        deadline_at=deadline,
        elapsed=elapsed,
        remaining=remaining,
        breached=elapsed > allowance,
        paused=is_paused,
        stopped_at=stop,
    )


def allowance_for(severity: str, hours: dict[str, int] | None = None) -> timedelta:
    """The allowance of a severity: the contract's hours, else the measures' defaults."""
    table = {**DEFAULT_HOURS, **(hours or {})}
    return timedelta(hours=table[severity])
