"""M-2.4: the monthly vendor SLA report, every figure computed from the tickets — by severity,
time to acknowledge and to clear (median, p90; the clock's time: pauses subtracted), share
within the SLA, every breach with its overrun, faults by camera and location; a vendor engineer
sees their own company's only."""

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string

from apps.maintenance import services
from apps.maintenance.models import FaultTicket
from apps.maintenance.reports import CHART_BAR_W, CHART_BARS, bar_chart, percentile, sla_report
from tests.factories import CameraFactory
from tests.maintenance.factories import ticket

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_percentiles_are_nearest_rank():
    values = [timedelta(minutes=m) for m in (50, 10, 40, 20, 30)]
    assert percentile(values, 0.5) == 30 * M
    assert percentile(values, 0.9) == 50 * M
    assert percentile([10 * M, 20 * M], 0.5) == 10 * M
    assert percentile([], 0.5) is None


@pytest.fixture
def month(wall, duty_operator, vendor_engineer, other_vendor_engineer, security_staff):
    gate = CameraFactory(code="GATE-1", vendor=vendor_engineer.department)
    lab = CameraFactory(code="LAB-2", vendor=vendor_engineer.department)
    other = CameraFactory(code="OTHER-9", vendor=other_vendor_engineer.department)
    vendor, op = vendor_engineer, duty_operator

    wall.at("2026-02-28 09:00")
    ticket(camera=gate, by=op)  # last month: not in March's report
    wall.at("2026-03-02 09:00")
    quick = ticket(camera=gate, by=op)
    wall.at("2026-03-02 09:30")
    services.ticket_acknowledge(ticket=quick, by=vendor)
    wall.at("2026-03-02 11:00")
    services.ticket_clear(ticket=quick, by=vendor, note="Fuse")  # 2 h
    wall.at("2026-03-05 09:00")
    paused = ticket(camera=lab, by=op)
    wall.at("2026-03-05 10:00")
    services.ticket_acknowledge(ticket=paused, by=vendor)
    services.ticket_pause_start(ticket=paused, by=security_staff, reason="access_refused")
    wall.at("2026-03-05 12:00")
    services.ticket_pause_end(ticket=paused, by=security_staff)
    wall.at("2026-03-05 16:00")
    services.ticket_clear(ticket=paused, by=vendor, note="Cable")  # 7 h less a 2 h pause: 5 h
    wall.at("2026-03-10 08:00")
    late = ticket(camera=gate, by=op, severity="major")
    wall.at("2026-03-10 08:10")
    services.ticket_acknowledge(ticket=late, by=vendor)
    wall.at("2026-03-11 10:00")
    services.ticket_clear(ticket=late, by=vendor, note="Replaced")  # 26 h of 24: 2 h over
    wall.at("2026-03-20 09:00")
    forgotten = ticket(camera=lab, by=op)  # never acknowledged
    ticket(camera=other, by=op)  # another company's
    wall.at("2026-03-31 09:00")
    return {"quick": quick, "paused": paused, "late": late, "forgotten": forgotten}


def test_the_month_s_figures(month, security_staff, vendor_engineer):
    report = sla_report(
        user=security_staff, year=2026, month=3, vendor_id=vendor_engineer.department_id
    )
    general, major = report.rows
    assert (general.severity, general.tickets, major.tickets, report.total.tickets) == (
        "general",
        3,
        1,
        4,
    )
    assert (general.acknowledge_median, general.acknowledge_p90) == (30 * M, 60 * M)
    assert (general.clear_median, general.clear_p90) == (2 * H, 5 * H)  # the pause not counted
    assert (general.within, general.decided) == (2, 3)  # the forgotten one is past its deadline
    assert (major.acknowledge_median, major.clear_median, major.within, major.decided) == (
        10 * M,
        26 * H,
        0,
        1,
    )
    assert [(b.ticket, b.overrun, b.open) for b in report.breaches] == [
        (month["forgotten"], 11 * 24 * H - 6 * H, True),
        (month["late"], 2 * H, False),
    ]
    assert [name for name, _ in report.by_camera][:2] == [
        f"GATE-1 {month['quick'].camera.name}".strip(),
        f"LAB-2 {month['paused'].camera.name}".strip(),
    ]
    assert [n for _, n in report.by_camera] == [2, 2]
    everyone = sla_report(user=security_staff, year=2026, month=3)
    assert everyone.total.tickets == 5


def test_the_page_and_the_vendor_s_scope(client, month, security_staff, vendor_engineer):
    client.force_login(security_staff)
    page = client.get("/maintenance/reports/sla/?month=2026-03")
    assert page.status_code == 200 and page.context["report"].total.tickets == 5
    assert month["late"].number.encode() in page.content
    client.force_login(vendor_engineer)
    mine = client.get("/maintenance/reports/sla/?month=2026-03")
    assert mine.context["report"].total.tickets == 4  # their company's only
    assert b"OTHER-9" not in mine.content


def test_the_report_prints_as_a_chinese_pdf(client, month, security_staff, vendor_engineer):
    from apps.audit.models import AuditEvent
    from tests.pdfcheck import assert_cjk_fonts, pdf_text

    client.force_login(vendor_engineer)
    answer = client.get("/maintenance/reports/sla/pdf/?month=2026-03")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert_cjk_fonts(answer.content)
    text = pdf_text(answer.content)
    assert month["late"].number in text and "OTHER-9" not in text  # their company's only
    event = AuditEvent.objects.get(action="maintenance.sla_report_pdf")
    assert event.clause == "M-2.4" and event.data["tickets"] == 4


BAR = re.compile(
    r'<g data-label="(?P<label>[^"]*)" data-count="(?P<count>\d+)">.*?'
    r'<rect x="\d+" y="\d+" width="(?P<width>[\d.]+)"'
)


def _bars(html: str, testid: str) -> list[tuple[str, int, float]]:
    svg = re.search(rf'<svg [^>]*data-testid="{testid}".*?</svg>', html, re.S)
    assert svg, f"no chart {testid}"
    return [(m["label"], int(m["count"]), float(m["width"])) for m in BAR.finditer(svg.group())]


def test_the_charts_draw_the_faults_counted_from_the_tickets(client, month, security_staff):
    """The bar charts (inline SVG, page and PDF) by camera and by location draw the month's
    tickets: each bar's count is the number of tickets reported that month on that camera /
    at that location, counted here straight from the tickets, its length proportional."""
    tickets = FaultTicket.objects.filter(
        reported_at__gte=datetime(2026, 3, 1, tzinfo=SHANGHAI),
        reported_at__lt=datetime(2026, 4, 1, tzinfo=SHANGHAI),
    ).select_related("camera", "location")
    by_camera = Counter(f"{t.camera.code} {t.camera.name}".strip() for t in tickets)
    by_location = Counter(str(t.location) for t in tickets if t.location_id)
    assert sum(by_camera.values()) == 5 and by_camera.most_common(1)[0][1] == 2

    client.force_login(security_staff)
    html = client.get("/maintenance/reports/sla/?month=2026-03").content.decode()
    for testid, counted in (("sla-camera-chart", by_camera), ("sla-location-chart", by_location)):
        bars = _bars(html, testid)
        assert {label: count for label, count, _w in bars} == dict(counted)
        top = max(counted.values())
        for _label, count, width in bars:
            assert width == pytest.approx(count / top * CHART_BAR_W, abs=0.1)
        assert [count for _l, count, _w in bars] == sorted(counted.values(), reverse=True)

    pdf = client.get("/maintenance/reports/sla/pdf/?month=2026-03")  # the same charts printed
    assert pdf.status_code == 200
    assert "maintenance/_bar_chart.html" in [t.name for t in pdf.templates]
    for key, testid in (("camera_chart", "sla-camera-chart"), ("location_chart", "x")):
        printed = render_to_string(
            "maintenance/_bar_chart.html", {"chart": pdf.context[key], "testid": testid}
        )
        page_id = "sla-camera-chart" if key == "camera_chart" else "sla-location-chart"
        assert _bars(printed, testid) == _bars(html, page_id)


def test_the_chart_shows_the_most_faulty_and_says_so():
    rows = [(f"CAM-{i:02d}", 40 - i) for i in range(CHART_BARS + 5)]
    chart = bar_chart(rows)
    assert [bar.count for bar in chart.bars] == [40 - i for i in range(CHART_BARS)]
    assert chart.bars[0].width == CHART_BAR_W and chart.shown_of == CHART_BARS + 5
    assert bar_chart([]).bars == []
