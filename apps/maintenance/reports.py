"""The monthly vendor SLA report (M-2.4): every figure computed from the tickets.

The tickets reported in the local month (of one vendor, or all), by severity; time to
acknowledge (acknowledged − reported, wall time) and time to clear (the clock's counted time at
the standing clear: pauses subtracted, reopens counted, sla.py), each as median and p90
(nearest rank); the share cleared within the allowance among the tickets whose outcome is known
(cleared, or past the deadline while still open); every breach with its overrun; faults by
camera and by location.
"""

import calendar
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core.registers import local_day_start

from . import sla
from .models import FaultTicket, Severity, TicketEvent
from .selectors import ticket_list


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """Nearest-rank percentile (p50 = median of an odd count; the smallest value with at least
    ``share`` of the values at or below it); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Breach:
    ticket: FaultTicket
    overrun: timedelta
    open: bool  # still not cleared at the report's time


@dataclass
class SeverityRow:
    severity: str
    label: str
    tickets: int = 0
    acknowledge: list[timedelta] = field(default_factory=list)
    clear: list[timedelta] = field(default_factory=list)
    within: int = 0
    decided: int = 0

    @property
    def acknowledge_median(self):
        return percentile(self.acknowledge, 0.5)

    @property
    def acknowledge_p90(self):
        return percentile(self.acknowledge, 0.9)

    @property
    def clear_median(self):
        return percentile(self.clear, 0.5)

    @property
    def clear_p90(self):
        return percentile(self.clear, 0.9)

    @property
    def within_share(self) -> float | None:
        return self.within / self.decided if self.decided else None


@dataclass
class SlaReport:
    first_day: date
    last_day: date
    rows: list[SeverityRow]
    total: SeverityRow
    breaches: list[Breach]
    by_camera: list[tuple[str, int]]
    by_location: list[tuple[str, int]]


def report_vendors(*, user: User, vendor_id: str | None):
    """The vendors the report may be asked for and the one chosen (M-1.3): a vendor engineer's
    own company only (whatever ``vendor_id`` says), else any maintenance vendor or all (None)."""
    vendors = Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR)
    if user.is_vendor_engineer:
        vendors = vendors.filter(pk=user.department_id)
    # at most 9 digits: an id past the database's integer is no vendor, not an error
    known = vendor_id and vendor_id.isdigit() and len(vendor_id) < 10
    vendor = vendors.filter(pk=vendor_id).first() if known else None
    if user.is_vendor_engineer and vendor is None:
        vendor = vendors.first()
    return vendors, vendor


def month_tickets(*, user: User, year: int, month: int, vendor_id: int | None) -> QuerySet:
    first = date(year, month, 1)
    following = first + timedelta(days=calendar.monthrange(year, month)[1])
    qs = ticket_list(user=user).filter(
        reported_at__gte=local_day_start(first), reported_at__lt=local_day_start(following)
    )
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs.order_by("reported_at", "pk")


def sla_report(*, user: User, year: int, month: int, vendor_id: int | None = None) -> SlaReport:
    """The month's figures for the tickets in ``user``'s scope: three queries whatever the
    tickets (tickets, their state changes, their pauses)."""
    now = timezone.now()
    tickets = list(month_tickets(user=user, year=year, month=month, vendor_id=vendor_id))
    ids = [t.pk for t in tickets]
    history = defaultdict(list)
    for ticket_id, at, state in (
        TicketEvent.objects.filter(ticket_id__in=ids)
        .exclude(to_state="")
        .order_by("at", "id")
        .values_list("ticket_id", "at", "to_state")
    ):
        history[ticket_id].append((at, state))
    pauses = defaultdict(list)
    from .models import TicketPause

    for ticket_id, start, end in TicketPause.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "started_at", "ended_at"
    ):
        pauses[ticket_id].append(sla.Interval(start, end))
    rows = {s: SeverityRow(s, str(label)) for s, label in Severity.choices}
    total = SeverityRow("all", "")
    breaches = []
    cameras, locations = Counter(), Counter()
    for ticket in tickets:
        clock = sla.sla_clock(
            reported_at=ticket.reported_at,
            allowance=timedelta(hours=ticket.allowance_hours),
            pauses=pauses[ticket.pk],
            history=history[ticket.pk],
            at=now,
        )
        for row in (rows[ticket.severity], total):
            row.tickets += 1
            if ticket.acknowledged_at:
                row.acknowledge.append(ticket.acknowledged_at - ticket.reported_at)
            if clock.stopped_at is not None:
                row.clear.append(clock.elapsed)
            if clock.stopped_at is not None or clock.breached:
                row.decided += 1
                row.within += 0 if clock.breached else 1
        if clock.breached:
            breaches.append(
                Breach(
                    ticket,
                    clock.elapsed - timedelta(hours=ticket.allowance_hours),
                    clock.stopped_at is None,
                )
            )
        if ticket.camera_id:
            cameras[f"{ticket.camera.code} {ticket.camera.name}".strip()] += 1
        if ticket.location_id:
            locations[str(ticket.location)] += 1
    first = date(year, month, 1)
    return SlaReport(
        first_day=first,
        last_day=date(year, month, calendar.monthrange(year, month)[1]),
        rows=list(rows.values()),
        total=total,
        breaches=sorted(breaches, key=lambda b: -b.overrun),
        by_camera=sorted(cameras.items(), key=lambda item: (-item[1], item[0])),
        by_location=sorted(locations.items(), key=lambda item: (-item[1], item[0])),
    )


# --- the chart of faults by camera and by location (page and PDF, M-2.4)

CHART_BARS = 15  # the most faulty; the table beside the chart lists every one
CHART_LABEL_W, CHART_BAR_W, CHART_ROW_H = 170, 300, 20


@dataclass(frozen=True)
class ChartBar:
    label: str  # as in the table
    short: str  # what fits beside the bar
    count: int
    y: int
    width: float  # count / the largest count x CHART_BAR_W


@dataclass(frozen=True)
class BarChart:
    """An inline SVG bar chart's geometry, computed here from the report's figures (no
    JavaScript, no CDN; WeasyPrint draws the same SVG in the PDF)."""

    bars: list[ChartBar]
    shown_of: int  # how many rows the figures have (the chart shows at most CHART_BARS)
    width: int = CHART_LABEL_W + CHART_BAR_W + 40
    label_w: int = CHART_LABEL_W
    row_h: int = CHART_ROW_H

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_h + 4

    @property
    def bar_x(self) -> int:
        return self.label_w + 4


def bar_chart(rows: list[tuple[str, int]]) -> BarChart:
    """The bars of ``rows`` ((label, count), largest first, as ``sla_report`` orders them):
    the first CHART_BARS, each as long as its count against the largest."""
    shown = rows[:CHART_BARS]
    top = max((count for _label, count in shown), default=0) or 1
    bars = [
        ChartBar(
            label=label,
            short=label if len(label) <= 18 else f"{label[:17]}…",
            count=count,
            y=i * CHART_ROW_H + 2,
            width=round(count / top * CHART_BAR_W, 1),
        )
        for i, (label, count) in enumerate(shown)
    ]
    return BarChart(bars=bars, shown_of=len(rows))
