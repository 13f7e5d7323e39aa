"""The coverage check of the roster (M-1.2: the monitoring center is staffed 24 hours a day).

Pure: no Django. For a period, every local hour with fewer people on duty than the minimum.
An hour counts the fewest people present at any moment of it, so someone leaving at half
past does not cover the whole hour. Hours are stepped in absolute time and labelled in the
site's time zone, so a night shift across midnight or a month's end counts on both days, and a
day with a daylight-saving change has its 23 or 25 hours.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Gap:
    """One local hour with too few people on duty."""

    hour: datetime  # the hour's start, aware, in the site's time zone
    on_duty: int
    required: int


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _fewest_present(shifts: list[tuple[Hashable, datetime, datetime]], a: datetime, b: datetime):
    """The fewest distinct people on duty at any instant of [a, b). A shift covers
    [start, end): the head count only changes where a shift starts or ends."""
    inside = [s for s in shifts if s[1] < b and s[2] > a]
    points = {a} | {t for _, start, end in inside for t in (start, end) if a < t < b}
    return min(len({who for who, start, end in inside if start <= p < end}) for p in points)


def coverage_gaps(
    shifts: Iterable[tuple[Hashable, datetime, datetime]],
    *,
    first_day: date,
    last_day: date,
    minimum: int,
    tz: tzinfo,
) -> list[Gap]:
    """Every local hour from ``first_day`` 00:00 to the end of ``last_day`` with fewer than
    ``minimum`` distinct people on duty (M-1.2). ``shifts`` are (person, start, end) with aware
    times; the caller passes every shift that overlaps the period (one that started the day
    before counts too)."""
    shifts = [
        (who, start.astimezone(UTC), end.astimezone(UTC))
        for who, start, end in shifts
        if end > start
    ]
    at = local_midnight(first_day, tz).astimezone(UTC)
    stop = local_midnight(last_day + timedelta(days=1), tz).astimezone(UTC)
    gaps = []
    while at < stop:
        on_duty = _fewest_present(shifts, at, at + HOUR)
        if on_duty < minimum:
            gaps.append(Gap(hour=at.astimezone(tz), on_duty=on_duty, required=minimum))
        at += HOUR
    return gaps


def uncovered_hours_by_day(gaps: Iterable[Gap]) -> dict[date, int]:
    """How many uncovered hours each local day has (the month calendar's count)."""
    counts: dict[date, int] = {}
    for gap in gaps:
        counts[gap.hour.date()] = counts.get(gap.hour.date(), 0) + 1
    return counts
