"""The duty roster's rows of the role × URL table (M-1.2): the security office plans, the duty
operators and the auditor read; every other role is refused before any lookup."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from apps.accounts.models import Role
from apps.duty.models import ShiftTemplate
from apps.duty.services import access_grant, entry_record_in, roster_assign
from tests.core.matrix import Row, _get
from tests.factories import UserFactory

VIEW = frozenset({Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR})
PLAN = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
ATTENDANCE = PLAN | {Role.AUDITOR}
OPERATOR = frozenset({Role.DUTY_OPERATOR})
ENTRY = PLAN | OPERATOR
ENTRY_VIEW = ENTRY | {Role.AUDITOR}


def _assign(day: str):
    def data(world: dict) -> dict:
        return {"operator": world["duty_operator"], "template": world["duty_template"], "day": day}

    return data


ROWS: list[Row] = [
    _get("/duty/roster/", VIEW),
    _get("/duty/roster/?month=2026-12", VIEW),
    _get("/duty/templates/", VIEW),
    _get("/duty/entries/", ENTRY_VIEW),
    _get("/duty/entries/?inside=true&format=csv", ENTRY_VIEW),
    _get("/duty/entries/new/", ENTRY),
    _get("/duty/access/", ENTRY_VIEW),
    _get("/api/duty/entries/", ENTRY_VIEW),
    _get("/api/duty/entries/?inside=true", ENTRY_VIEW),
    _get("/api/duty/entries/{duty_entry}/", ENTRY_VIEW),
    _get("/api/duty/access/", ENTRY_VIEW),
    _get("/api/duty/access/{duty_access}/", ENTRY_VIEW),
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
    # The entry register (M-1.2, M-4.1a): an authorised person comes in, another leaves; then
    # the office authorises someone and revokes another's authorisation.
    Row(
        "POST",
        "/duty/entries/new/",
        ENTRY,
        lambda w: {"person": w["duty_authorised"], "purpose": "Matrix visit"},
        ("duty.entry_in", "M-1.2"),
    ),
    Row("POST", "/duty/entries/{duty_entry}/out/", ENTRY, {}, ("duty.entry_out", "M-1.2")),
    Row(
        "POST",
        "/api/duty/entries/",
        ENTRY,
        lambda w: {
            "visitor_name": "Matrix visitor",
            "visitor_id_type": "passport",
            "visitor_id_number": "E7654321",
            "purpose": "Matrix inspection",
            "escort": w["duty_authorised"],
        },
        ("duty.entry_in", "M-4.1a"),
        json=True,
    ),
    Row(
        "POST",
        "/api/duty/entries/{duty_entry_api}/out/",
        ENTRY,
        {},
        ("duty.entry_out", "M-1.2"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/access/",
        PLAN,
        lambda w: {"person": w["duty_operator"], "note": "matrix"},
        ("duty.access_grant", "M-1.2"),
    ),
    Row(
        "POST",
        "/duty/access/{duty_access}/revoke/",
        PLAN,
        {},
        ("duty.access_revoke", "M-1.2"),
    ),
    # A register's CSV as a background export (issue 15, M-4.2), whoever may read it.
    Row("POST", "/duty/entries/?format=csv", ENTRY_VIEW, None, ("exports.export_request", "M-4.2")),
    Row(
        "POST",
        "/duty/check-ins/?format=csv",
        ATTENDANCE,
        None,
        ("exports.export_request", "M-4.2"),
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
    Row(
        "POST",
        "/api/duty/assignments/{duty_my_next_shift}/check-in/",
        OPERATOR,
        {},
        ("duty.shift_check_in", "M-1.2"),
        json=True,
    ),
    Row(
        "POST",
        "/api/duty/assignments/{duty_my_next_shift}/check-out/",
        OPERATOR,
        {},
        ("duty.shift_check_out", "M-1.2"),
        json=True,
    ),
]


def world(world: dict) -> dict:
    planner = UserFactory(roles=[Role.SECURITY_STAFF], username="matrix-duty-planner")
    operator = UserFactory(roles=[Role.DUTY_OPERATOR], username="matrix-duty-operator")
    template = ShiftTemplate.objects.get(preset=ShiftTemplate.Preset.TWELVE_DAY)
    # The user the table logs in as a duty operator (tests/core/test_role_url_matrix.py), on a
    # 1-hour shift running now and the next one, whose check-in opens now (the table has no
    # frozen clock): the pages check in and out of the first, the API of the second.
    me = UserFactory(roles=[Role.DUTY_OPERATOR], username=f"matrix-{Role.DUTY_OPERATOR}")
    early = timedelta(minutes=settings.DUTY_CHECK_IN_EARLY_MINUTES)
    now = timezone.localtime()
    shifts = []
    for start in (now - early, now + early):
        template = ShiftTemplate.objects.create(
            name=f"Matrix shift {len(shifts)}", start_time=start.time(), length_hours=1
        )
        day = start.date()
        shifts.append(roster_assign(operator=me, template=template, day=day, by=planner))
    my_shift, my_next_shift = shifts
    assignment = roster_assign(
        operator=operator, template=template, day=date(2026, 12, 1), by=planner
    )
    authorised = UserFactory(username="matrix-duty-authorised")
    access_grant(person=authorised, by=planner)
    inside = UserFactory(username="matrix-duty-inside")
    access = access_grant(person=inside, by=planner)
    entry = entry_record_in(by=planner, person=inside, purpose="Matrix shift")
    inside_api = UserFactory(username="matrix-duty-inside-api")
    access_grant(person=inside_api, by=planner)
    entry_api = entry_record_in(by=planner, person=inside_api, purpose="Matrix shift, API")
    return {
        "duty_authorised": authorised.pk,
        "duty_access": access.pk,
        "duty_entry": entry.pk,
        "duty_entry_api": entry_api.pk,
        "duty_operator": operator.pk,
        "duty_template": template.pk,
        "duty_assignment": assignment.pk,
        "duty_my_shift": my_shift.pk,
        "duty_my_next_shift": my_next_shift.pk,
    }
