"""The duty roster's rows of the role × URL table (M-1.2): the security office plans, the duty
operators and the auditor read; every other role is refused before any lookup."""

from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import Role
from apps.duty.models import ShiftTemplate
from apps.duty.services import roster_assign
from tests.core.matrix import Row, _get
from tests.factories import UserFactory

VIEW = frozenset({Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR})
PLAN = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
ATTENDANCE = PLAN | {Role.AUDITOR}
OPERATOR = frozenset({Role.DUTY_OPERATOR})


def _assign(day: str):
    def data(world: dict) -> dict:
        return {"operator": world["duty_operator"], "template": world["duty_template"], "day": day}

    return data


ROWS: list[Row] = [
    _get("/duty/roster/", VIEW),
    _get("/duty/roster/?month=2026-12", VIEW),
    _get("/duty/templates/", VIEW),
    _get("/duty/check-ins/", ATTENDANCE),
    _get("/duty/check-ins/?attendance=late&format=csv", ATTENDANCE),
    _get("/api/duty/assignments/", VIEW),
    _get("/api/duty/assignments/?date_from=2026-12-01&date_to=2026-12-31", VIEW),
    _get("/api/duty/assignments/{duty_assignment}/", VIEW),
    _get("/api/duty/templates/", VIEW),
    _get("/api/duty/templates/{duty_template}/", VIEW),
    Row(
        "POST",
        "/duty/roster/assign/",
        PLAN,
        _assign("2026-12-20"),
        ("duty.roster_assign", "M-1.2"),
    ),
    Row(
        "POST",
        "/api/duty/assignments/",
        PLAN,
        lambda w: {
            "operator": w["duty_operator"],
            "template": w["duty_template"],
            "date": "2026-12-21",
        },
        ("duty.roster_assign", "M-1.2"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/roster/copy/",
        PLAN,
        {"span": "week", "start": "2026-12-01"},
        ("duty.roster_copy", "M-1.2"),
    ),
    Row(
        "POST",
        "/duty/roster/assignments/{duty_assignment}/unassign/",
        PLAN,
        {},
        ("duty.roster_unassign", "M-1.2"),
    ),
    Row(
        "POST",
        "/duty/templates/",
        PLAN,
        {"name": "Matrix split shift", "start_time": "06:30", "length_hours": "6"},
        ("duty.template_create", "M-1.2"),
    ),
    # The matrix's duty operator checks in and out of their own shift, running now.
    Row(
        "POST",
        "/duty/roster/assignments/{duty_my_shift}/check-in/",
        OPERATOR,
        {},
        ("duty.shift_check_in", "M-1.2"),
    ),
    Row(
        "POST",
        "/duty/roster/assignments/{duty_my_shift}/check-out/",
        OPERATOR,
        {},
        ("duty.shift_check_out", "M-1.2"),
    ),
]


def world(world: dict) -> dict:
    planner = UserFactory(roles=[Role.SECURITY_STAFF], username="matrix-duty-planner")
    operator = UserFactory(roles=[Role.DUTY_OPERATOR], username="matrix-duty-operator")
    template = ShiftTemplate.objects.get(preset=ShiftTemplate.Preset.TWELVE_DAY)
    # The user the table logs in as a duty operator (tests/core/test_role_url_matrix.py), on a
    # shift that runs now (the table has no frozen clock).
    me = UserFactory(roles=[Role.DUTY_OPERATOR], username=f"matrix-{Role.DUTY_OPERATOR}")
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    now_template = ShiftTemplate.objects.create(
        name="Matrix shift now", start_time=start.time(), length_hours=4
    )
    my_shift = roster_assign(operator=me, template=now_template, day=start.date(), by=planner)
    assignment = roster_assign(
        operator=operator, template=template, day=date(2026, 12, 1), by=planner
    )
    return {
        "duty_operator": operator.pk,
        "duty_template": template.pk,
        "duty_assignment": assignment.pk,
        "duty_my_shift": my_shift.pk,
    }
