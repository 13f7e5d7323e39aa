"""M-1.2: every local hour with fewer operators on duty than the minimum, across midnight and
month ends, with a 12-hour and an 8-hour pattern (the pure coverage check)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.duty.coverage import coverage_gaps, uncovered_hours_by_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
TWELVE = [(8, 12), (20, 12)]
EIGHT = [(0, 8), (8, 8), (16, 8)]


def _shifts(pattern, first: date, last: date, people=("a", "b"), leave_out=()):
    """Every shift of the pattern from ``first`` to ``last``, staffed by ``people``; each
    (day, start hour, person) in ``leave_out`` is not on duty."""
    shifts = []
    day = first
    while day <= last:
        for start_hour, hours in pattern:
            start = datetime(day.year, day.month, day.day, start_hour, tzinfo=SHANGHAI)
            for person in people:
                if (day, start_hour, person) not in leave_out:
                    shifts.append((person, start, start + timedelta(hours=hours)))
        day += timedelta(days=1)
    return shifts


def _h(y, m, d, h):
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


CASES = [
    # (name, pattern, shifts from/to, period, left out, expected uncovered local hours)
    (
        "12h fully staffed over the year's end",
        TWELVE,
        (date(2026, 12, 30), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
        (),
        [],
    ),
    (
        "12h night shift short across midnight and the month's end",
        TWELVE,
        (date(2026, 12, 30), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
        {(date(2026, 12, 31), 20, "b")},
        [_h(2026, 12, 31, h) for h in range(20, 24)] + [_h(2027, 1, 1, h) for h in range(0, 8)],
    ),
    (
        "12h: the night shift of the day before covers the period's first morning",
        TWELVE,
        (date(2026, 11, 30), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1)),
        {(date(2026, 11, 30), 20, "a")},
        [_h(2026, 12, 1, h) for h in range(0, 8)],
    ),
    (
        "8h fully staffed at the end of February",
        EIGHT,
        (date(2027, 2, 27), date(2027, 3, 1)),
        (date(2027, 2, 28), date(2027, 3, 1)),
        (),
        [],
    ),
    (
        "8h night shift at midnight of a month's end",
        EIGHT,
        (date(2026, 11, 30), date(2026, 12, 1)),
        (date(2026, 11, 30), date(2026, 12, 1)),
        {(date(2026, 12, 1), 0, "a")},
        [_h(2026, 12, 1, h) for h in range(0, 8)],
    ),
    (
        "8h evening shift nobody takes: the last hours of the month",
        EIGHT,
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2026, 12, 31)),
        {(date(2026, 12, 31), 16, "a"), (date(2026, 12, 31), 16, "b")},
        [_h(2026, 12, 31, h) for h in range(16, 24)],
    ),
    (
        "no roster at all: every hour of the day",
        EIGHT,
        (date(2026, 12, 1), date(2026, 11, 30)),  # no shifts
        (date(2026, 12, 1), date(2026, 12, 1)),
        (),
        [_h(2026, 12, 1, h) for h in range(24)],
    ),
]


@pytest.mark.parametrize(
    ("pattern", "shift_days", "period", "leave_out", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_uncovered_hours(pattern, shift_days, period, leave_out, expected):
    shifts = _shifts(pattern, *shift_days, leave_out=leave_out)
    gaps = coverage_gaps(shifts, first_day=period[0], last_day=period[1], minimum=2, tz=SHANGHAI)
    assert [gap.hour for gap in gaps] == expected
    assert all(gap.hour.tzinfo == SHANGHAI and gap.required == 2 for gap in gaps)


def test_an_hour_counts_its_fewest_people():
    """Someone leaving at half past does not cover that hour."""
    start = _h(2026, 12, 1, 8)
    shifts = [("a", start, start + timedelta(hours=4)), ("b", start, start + timedelta(hours=3.5))]
    gaps = coverage_gaps(
        shifts, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1), minimum=2, tz=SHANGHAI
    )
    counts = {gap.hour.hour: gap.on_duty for gap in gaps}
    assert counts[11] == 1 and 10 not in counts and counts[12] == 0


def test_one_person_counts_once():
    start = _h(2026, 12, 1, 0)
    shifts = [("a", start, start + timedelta(hours=24)), ("a", start, start + timedelta(hours=24))]
    gaps = coverage_gaps(
        shifts, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1), minimum=2, tz=SHANGHAI
    )
    assert len(gaps) == 24 and {gap.on_duty for gap in gaps} == {1}


def test_times_in_another_zone_are_counted_in_the_site_zone():
    """A shift given in UTC lands on the local hours it covers (00:00 local = 16:00 UTC)."""
    utc_start = datetime.fromisoformat("2026-11-30T16:00:00+00:00")
    shifts = [(p, utc_start, utc_start + timedelta(hours=8)) for p in ("a", "b")]
    gaps = coverage_gaps(
        shifts, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1), minimum=2, tz=SHANGHAI
    )
    assert [gap.hour.hour for gap in gaps] == list(range(8, 24))
    assert uncovered_hours_by_day(gaps) == {date(2026, 12, 1): 16}
