"""M-2.4: the vendor's clock — general fault 6 h, major fault 24 h, on a 24×7 clock from the
time reported, in the site's time zone (Asia/Shanghai). Table-driven; each way well-known
ticketing systems get it wrong is a named case (pause time counted twice, deadline moved after
a pause, time lost when the severity changes, a reopen starting a new clock)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.maintenance.sla import Interval, allowance_for, merged, sla_clock

SITE = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def local(text: str) -> datetime:
    """'2026-01-31 22:30' in the site's time zone."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SITE)


def show(moment: datetime) -> str:
    return moment.astimezone(SITE).strftime("%Y-%m-%d %H:%M")


# fmt: off
CASES = [
    # (id, reported, severity, pauses, history, at, deadline, elapsed, breached, paused)
    (
        "general fault, no pause: 6 h from the report",
        "2026-03-10 09:00", "general", [], [], "2026-03-10 10:00",
        "2026-03-10 15:00", 1 * H, False, False,
    ),
    (
        "major fault: 24 h from the report",
        "2026-03-10 09:00", "major", [], [], "2026-03-11 08:59",
        "2026-03-11 09:00", 23 * H + 59 * M, False, False,
    ),
    (
        "across midnight in the site's time zone",
        "2026-03-10 21:30", "general", [], [], "2026-03-11 02:00",
        "2026-03-11 03:30", 4 * H + 30 * M, False, False,
    ),
    (
        "across a month end (31 January into February)",
        "2026-01-31 22:30", "general", [], [], "2026-02-01 04:30",
        "2026-02-01 04:30", 6 * H, False, False,
    ),
    (
        "across the year end, major fault",
        "2026-12-31 12:00", "major", [], [], "2027-01-01 13:00",
        "2027-01-01 12:00", 25 * H, True, False,
    ),
    (
        "exactly at the deadline is not yet a breach",
        "2026-03-10 09:00", "general", [], [], "2026-03-10 15:00",
        "2026-03-10 15:00", 6 * H, False, False,
    ),
    (
        "one minute past the deadline is a breach",
        "2026-03-10 09:00", "general", [], [], "2026-03-10 15:01",
        "2026-03-10 15:00", 6 * H + M, True, False,
    ),
    (
        "a pause is subtracted exactly: deadline moved by the pause itself",
        "2026-03-10 09:00", "general", [("2026-03-10 10:00", "2026-03-10 11:30")], [],
        "2026-03-10 12:00", "2026-03-10 16:30", 1 * H + 30 * M, False, False,
    ),
    (
        "deadline not moved after the pause ends (no re-anchoring to the pause's end)",
        "2026-03-10 09:00", "general", [("2026-03-10 10:00", "2026-03-10 11:00")], [],
        "2026-03-10 20:00", "2026-03-10 16:00", 10 * H, True, False,
    ),
    (
        "pending time counted once: overlapping pauses merged",
        "2026-03-10 09:00", "general",
        [("2026-03-10 10:00", "2026-03-10 12:00"), ("2026-03-10 11:00", "2026-03-10 13:00")],
        [], "2026-03-10 14:00", "2026-03-10 18:00", 2 * H, False, False,
    ),
    (
        "pending time counted once: the same pause given twice",
        "2026-03-10 09:00", "general",
        [("2026-03-10 10:00", "2026-03-10 12:00"), ("2026-03-10 10:00", "2026-03-10 12:00")],
        [], "2026-03-10 14:00", "2026-03-10 17:00", 3 * H, False, False,
    ),
    (
        "an open pause holds the clock and pushes the deadline while it lasts",
        "2026-03-10 09:00", "general", [("2026-03-10 13:00", None)], [],
        "2026-03-10 18:00", "2026-03-10 20:00", 4 * H, False, True,
    ),
    (
        "a pause across midnight and the month end",
        "2026-03-31 20:00", "general", [("2026-03-31 23:00", "2026-04-01 07:00")], [],
        "2026-04-01 08:00", "2026-04-01 10:00", 4 * H, False, False,
    ),
    (
        "cleared in time: the clock stops at the clear",
        "2026-03-10 09:00", "general", [], [("2026-03-10 13:00", "cleared")],
        "2026-03-11 09:00", "2026-03-10 15:00", 4 * H, False, False,
    ),
    (
        "cleared late: breached stays",
        "2026-03-10 09:00", "general", [], [("2026-03-10 16:00", "cleared")],
        "2026-03-12 09:00", "2026-03-10 15:00", 7 * H, True, False,
    ),
    (
        "a reopen continues the same clock: the time since the clear counts",
        "2026-03-10 09:00", "general", [],
        [("2026-03-10 11:00", "cleared"), ("2026-03-10 12:00", "reopened")],
        "2026-03-10 14:00", "2026-03-10 15:00", 5 * H, False, False,
    ),
    (
        "a reopen after the deadline: breached, not a new 6 h",
        "2026-03-10 09:00", "general", [],
        [("2026-03-10 14:00", "cleared"), ("2026-03-10 16:00", "reopened")],
        "2026-03-10 16:30", "2026-03-10 15:00", 7 * H + 30 * M, True, False,
    ),
    (
        "cleared, reopened, cleared again: stops at the second clear",
        "2026-03-10 09:00", "general", [],
        [
            ("2026-03-10 11:00", "cleared"),
            ("2026-03-10 12:00", "reopened"),
            ("2026-03-10 13:30", "cleared"),
        ],
        "2026-03-11 00:00", "2026-03-10 15:00", 4 * H + 30 * M, False, False,
    ),
    (
        "a pause before a reopen is still subtracted once",
        "2026-03-10 09:00", "general", [("2026-03-10 09:30", "2026-03-10 10:30")],
        [("2026-03-10 11:00", "cleared"), ("2026-03-10 11:15", "reopened")],
        "2026-03-10 12:00", "2026-03-10 16:00", 2 * H, False, False,
    ),
    (
        "a pause left open after the clear counts only up to the clear",
        "2026-03-10 09:00", "general", [("2026-03-10 10:00", None)],
        [("2026-03-10 12:00", "cleared")],
        "2026-03-10 20:00", "2026-03-10 17:00", 1 * H, False, False,
    ),
    (
        "history after 'at' is not yet known to the clock",
        "2026-03-10 09:00", "general", [], [("2026-03-10 13:00", "cleared")],
        "2026-03-10 12:00", "2026-03-10 15:00", 3 * H, False, False,
    ),
]
# fmt: on


@pytest.mark.parametrize(
    (
        "reported",
        "severity",
        "pauses",
        "history",
        "at",
        "deadline",
        "elapsed",
        "breached",
        "paused",
    ),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_clock(reported, severity, pauses, history, at, deadline, elapsed, breached, paused):
    clock = sla_clock(
        reported_at=local(reported),
        allowance=allowance_for(severity),
        pauses=[Interval(local(s), local(e) if e else None) for s, e in pauses],
        history=[(local(t), state) for t, state in history],
        at=local(at),
    )
    assert show(clock.deadline_at) == deadline
    assert clock.elapsed == elapsed
    assert clock.breached is breached
    assert clock.paused is paused
    assert clock.remaining == allowance_for(severity) - elapsed


def test_severity_raised_recomputes_the_deadline_from_the_report_time():
    """General → major 5 h in: the deadline is report + 24 h, and the 5 h spent are kept
    (not a fresh 24 h from the change, not a fresh 6 h either)."""
    reported, change = local("2026-03-10 09:00"), local("2026-03-10 14:00")
    before = sla_clock(reported_at=reported, allowance=allowance_for("general"), at=change)
    after = sla_clock(reported_at=reported, allowance=allowance_for("major"), at=change)
    assert show(before.deadline_at) == "2026-03-10 15:00"
    assert show(after.deadline_at) == "2026-03-11 09:00"
    assert before.elapsed == after.elapsed == 5 * H
    assert after.remaining == 19 * H


def test_severity_raised_keeps_a_pause_subtracted():
    reported = local("2026-03-10 09:00")
    pauses = [Interval(local("2026-03-10 10:00"), local("2026-03-10 12:00"))]
    clock = sla_clock(
        reported_at=reported,
        allowance=allowance_for("major"),
        pauses=pauses,
        at=local("2026-03-10 14:00"),
    )
    assert show(clock.deadline_at) == "2026-03-11 11:00"
    assert clock.elapsed == 3 * H


def test_a_contract_may_set_its_own_hours():
    assert allowance_for("general", {"general": 4, "major": 12}) == 4 * H
    assert allowance_for("major", {}) == 24 * H


def test_merged_pauses_are_disjoint_and_ordered():
    a, b, c = local("2026-03-10 10:00"), local("2026-03-10 11:00"), local("2026-03-10 12:00")
    spans = merged([Interval(b, c), Interval(a, b)], upto=local("2026-03-10 13:00"))
    assert spans == [(a, c)]
