"""Demo duty data for the embedded demo: this month's 12-hour roster of four duty operators,
two on every shift, with one deliberate gap (the night of the 15th has one person); a few
monitoring-center entries, abnormal events and an incident with a preservation hold."""

import calendar
from datetime import timedelta

from django.utils import timezone

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import Role, User
from apps.accounts.services import user_create

from . import abnormal, holds, services
from .models import CenterEntry, RosterAssignment, ShiftTemplate

# username, full name: the demo's duty operators besides accounts' "operator"
EXTRA_OPERATORS = [("operator2", "钱值守"), ("operator3", "孙值守"), ("operator4", "李值守")]
GAP_DAY = 15  # the night shift of this day has one operator: 12 uncovered hours


def _operators() -> list[User]:
    first = User.objects.get(username="operator")
    people = [first]
    for username, full_name in EXTRA_OPERATORS:
        person = User.objects.filter(username=username).first() or user_create(
            by=None,
            username=username,
            password=DEMO_PASSWORD,
            roles=[Role.DUTY_OPERATOR],
            department=first.department,
            full_name=full_name,
        )
        people.append(person)
    return people


def _roster(staff: User, people: list[User]) -> int:
    today = timezone.localdate()
    first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    day_shift = ShiftTemplate.objects.get(preset=ShiftTemplate.Preset.TWELVE_DAY)
    night_shift = ShiftTemplate.objects.get(preset=ShiftTemplate.Preset.TWELVE_NIGHT)
    made = 0
    day = first - timedelta(days=1)  # the night before the 1st covers its first hours
    while day <= last:
        crews = [(night_shift, people[2:])]
        if day >= first:
            crews.append((day_shift, people[:2]))
        for template, crew in crews:
            if template == night_shift and day.day == GAP_DAY and day.month == first.month:
                crew = crew[:1]  # the deliberate gap
            for person in crew:
                services.roster_assign(operator=person, template=template, day=day, by=staff)
                made += 1
        day += timedelta(days=1)
    return made


def demo_duty_create() -> list[str]:
    staff = User.objects.filter(username="staff").first()
    chief = User.objects.filter(username="chief").first()
    if staff is None or chief is None:
        return []
    if RosterAssignment.objects.exists():
        return ["Duty: a roster exists already; demo duty data not added."]
    people = _operators()
    shifts = _roster(staff, people)
    for person in [*people, staff]:
        services.access_grant(person=person, by=staff, note="监控中心工作人员")
    now = timezone.now()
    out = services.entry_record_in(by=people[0], person=staff, purpose="检查值守情况")
    services.entry_record_out(entry=out, by=people[0])
    services.entry_record_in(
        by=people[0],
        visitor_name="赵维修",
        visitor_id_type=CenterEntry.IdType.RESIDENT_ID,
        visitor_id_number="110101199003071234",
        organisation="安防维保科技有限公司",
        purpose="更换监控中心显示屏",
        escort=people[0],
    )
    from apps.cameras.models import Camera

    camera = Camera.objects.filter(code="C003").first()
    handled = abnormal.abnormal_report(
        by=people[0],
        category="suspicious",
        camera=camera,
        location="" if camera else "实验楼二楼走廊",
        occurred_at=now - timedelta(hours=2),
        description="两名陌生人员在实验室门口徘徊。",
        action_taken="通知巡逻队前往查看，人员已离开。",
        reported_to=staff,
    )
    abnormal.abnormal_acknowledge(event=handled, by=staff)
    abnormal.abnormal_report(
        by=people[0],
        category="fire",
        location="第一食堂后门",
        occurred_at=now - timedelta(minutes=10),
        description="垃圾桶附近冒烟。",
        action_taken="已电话通知食堂管理员处置。",
        reported_to=staff,
    )
    lines = [
        f"Duty: {shifts} roster shifts this month (the night of the {GAP_DAY}th short of one"
        " operator), 2 entries (a visitor still inside), 2 abnormal events.",
        "Duty operators: operator, "
        + ", ".join(f"{username} / {DEMO_PASSWORD}" for username, _ in EXTRA_OPERATORS),
    ]
    if camera is not None:
        incident = holds.incident_open(
            by=staff,
            title="实验楼失窃",
            occurred_at=now - timedelta(hours=3),
            description="实验室设备失窃，保存相关录像。",
        )
        holds.hold_place(
            incident=incident,
            cameras=[camera],
            starts_at=now - timedelta(hours=6),
            ends_at=now - timedelta(hours=1),
            by=staff,
        )
        lines.append(f"Duty: incident “{incident.title}” holds the footage of {camera.code}.")
    return lines
