"""The duty roster's rows of the role × URL table (M-1.2): the security office plans, the duty
operators and the auditor read; every other role is refused before any lookup."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from apps.accounts.models import Role
from apps.cameras.models import Camera
from apps.duty.abnormal import abnormal_report
from apps.duty.handover import handover_write
from apps.duty.holds import hold_place, incident_open
from apps.duty.models import ShiftTemplate
from apps.duty.services import access_grant, entry_record_in, roster_assign
from tests.core.matrix import Row, _get
from tests.duty.helpers import shift_from
from tests.factories import UserFactory

VIEW = frozenset({Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR})
PLAN = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
ATTENDANCE = PLAN | {Role.AUDITOR}
OPERATOR = frozenset({Role.DUTY_OPERATOR})
ENTRY = PLAN | OPERATOR
ENTRY_VIEW = ENTRY | {Role.AUDITOR}


def _abnormal(world: dict) -> dict:
    seen = timezone.localtime() - timedelta(minutes=5)
    return {
        "category": "suspicious",
        "camera": world["camera"],
        "location": "",
        "occurred_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "description": "Matrix: someone at the fence",
        "action_taken": "Patrol sent",
        "reported_to": world["duty_superior"],
    }


CHIEF = frozenset({Role.SECURITY_CHIEF})


def _local(hours_ago: float) -> str:
    return (timezone.localtime() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _hold(world: dict) -> dict:
    return {"cameras": [world["camera"]], "starts_at": _local(2), "ends_at": _local(1)}


def _assign(day: str):
    def data(world: dict) -> dict:
        return {"operator": world["duty_operator"], "template": world["duty_template"], "day": day}

    return data


ROWS: list[Row] = [
    # Emergencies (M-1.5): the security office records incidents and places holds; the chief
    # lifts; the auditor reads.
    _get("/duty/incidents/", ATTENDANCE),
    _get("/duty/incidents/?format=csv", ATTENDANCE),
    _get("/duty/incidents/new/", PLAN),
    _get("/duty/incidents/{duty_incident}/", ATTENDANCE),
    _get("/api/duty/incidents/", ATTENDANCE),
    _get("/api/duty/incidents/{duty_incident}/", ATTENDANCE),
    _get("/api/duty/holds/", ATTENDANCE),
    _get("/api/duty/holds/{duty_hold}/", ATTENDANCE),
    Row(
        "POST",
        "/duty/incidents/new/",
        PLAN,
        {"title": "Matrix incident", "occurred_at": _local(1), "description": "Matrix"},
        ("duty.incident_open", "M-1.5"),
    ),
    Row(
        "POST",
        "/api/duty/incidents/",
        PLAN,
        lambda w: {
            "title": "Matrix incident, API",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "description": "Matrix",
        },
        ("duty.incident_open", "M-1.5"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/incidents/{duty_incident}/holds/",
        PLAN,
        _hold,
        ("duty.hold_place", "M-1.5"),
    ),
    Row(
        "POST",
        "/api/duty/incidents/{duty_incident}/holds/",
        PLAN,
        lambda w: {
            "cameras": [w["camera"]],
            "starts_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "ends_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        },
        ("duty.hold_place", "M-1.5"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/holds/{duty_hold}/lift/",
        CHIEF,
        {"reason": "Matrix: case closed"},
        ("duty.hold_lift", "M-1.5"),
    ),
    Row(
        "POST",
        "/api/duty/holds/{duty_hold_api}/lift/",
        CHIEF,
        {"reason": "Matrix: case closed, API"},
        ("duty.hold_lift", "M-1.5"),
        json=True,
    ),
    # The shift handover (M-1.2): the operators write and acknowledge, the roster's readers read.
    _get("/duty/handovers/", VIEW),
    _get("/duty/handovers/?acknowledged=false&format=csv", VIEW),
    _get("/duty/handovers/new/", OPERATOR),
    _get("/duty/handovers/{duty_handover}/", VIEW),
    _get("/api/duty/handovers/", VIEW),
    _get("/api/duty/handovers/?acknowledged=false", VIEW),
    _get("/api/duty/handovers/{duty_handover}/", VIEW),
    # The matrix operator hands over the shift running now (page), then the one just ended (API).
    Row(
        "POST",
        "/duty/handovers/new/",
        OPERATOR,
        {"note": "Matrix handover"},
        ("duty.handover_write", "M-1.2"),
    ),
    Row(
        "POST",
        "/api/duty/handovers/",
        OPERATOR,
        {"note": "Matrix handover, API"},
        ("duty.handover_write", "M-1.2"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/handovers/{duty_handover}/acknowledge/",
        OPERATOR,
        {},
        ("duty.handover_acknowledge", "M-1.2"),
    ),
    Row(
        "POST",
        "/api/duty/handovers/{duty_handover_api}/acknowledge/",
        OPERATOR,
        {},
        ("duty.handover_acknowledge", "M-1.2"),
        json=True,
    ),
    # Abnormal events (M-1.4): the staff on duty report, the security office acknowledges.
    _get("/duty/abnormal/", ENTRY_VIEW),
    _get("/duty/abnormal/?acknowledged=false&format=csv", ENTRY_VIEW),
    _get("/duty/abnormal/new/", ENTRY),
    _get("/duty/abnormal/{duty_abnormal}/", ENTRY_VIEW),
    _get("/api/duty/abnormal-events/", ENTRY_VIEW),
    _get("/api/duty/abnormal-events/?category=suspicious", ENTRY_VIEW),
    _get("/api/duty/abnormal-events/{duty_abnormal}/", ENTRY_VIEW),
    Row("POST", "/duty/abnormal/new/", ENTRY, _abnormal, ("duty.abnormal_report", "M-1.4")),
    Row(
        "POST",
        "/api/duty/abnormal-events/",
        ENTRY,
        lambda w: {**_abnormal(w), "occurred_at": timezone.now().isoformat()},
        ("duty.abnormal_report", "M-1.4"),
        json=True,
    ),
    Row(
        "POST",
        "/duty/abnormal/{duty_abnormal}/acknowledge/",
        PLAN,
        {},
        ("duty.abnormal_acknowledge", "M-1.4"),
    ),
    Row(
        "POST",
        "/api/duty/abnormal-events/{duty_abnormal_api}/acknowledge/",
        PLAN,
        {},
        ("duty.abnormal_acknowledge", "M-1.4"),
        json=True,
    ),
    _get("/duty/roster/", VIEW),
    _get("/duty/roster/?month=2026-12", VIEW),
    _get("/duty/roster/pdf/?month=2026-12", VIEW),
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
    # A shift of theirs that ended an hour ago (handed over by the API row), and an outgoing
    # colleague's two handovers for them to acknowledge (page, API).
    hour = timedelta(hours=1)
    shift_from(me, now - 2 * hour - early, 1, by=planner)
    outgoing = UserFactory(roles=[Role.DUTY_OPERATOR], username="matrix-duty-outgoing")
    shift_from(outgoing, now - 2 * hour - early, 1, by=planner)
    shift_from(outgoing, now - early, 1, by=planner)
    handover = handover_write(by=outgoing, note="Matrix handover for acknowledgement")
    handover_api = handover_write(by=outgoing, note="Matrix handover for the API")
    # Two abnormal events reported to the security staff the table logs in as (page, API).
    superior = UserFactory(roles=[Role.SECURITY_CHIEF], username="matrix-duty-superior")
    staff = UserFactory(
        roles=[Role.SECURITY_STAFF], username=f"matrix-{Role.SECURITY_STAFF}", is_staff=True
    )
    events = [
        abnormal_report(
            by=outgoing,
            category="other",
            location="Matrix gate",
            occurred_at=timezone.now() - hour,
            description=f"Matrix event {n}",
            action_taken="Watched",
            reported_to=staff,
        )
        for n in range(2)
    ]
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
    incident = incident_open(
        by=planner,
        title="Matrix incident",
        occurred_at=timezone.now() - hour,
        description="Matrix emergency",
    )
    camera = Camera.objects.get(pk=world["camera"])
    held = [
        hold_place(
            incident=incident,
            cameras=[camera],
            starts_at=timezone.now() - 3 * hour,
            ends_at=timezone.now() - 2 * hour,
            by=planner,
        )
        for _ in range(2)
    ]
    return {
        "duty_incident": incident.pk,
        "duty_hold": held[0].pk,
        "duty_hold_api": held[1].pk,
        "duty_authorised": authorised.pk,
        "duty_access": access.pk,
        "duty_entry": entry.pk,
        "duty_entry_api": entry_api.pk,
        "duty_operator": operator.pk,
        "duty_template": template.pk,
        "duty_assignment": assignment.pk,
        "duty_my_shift": my_shift.pk,
        "duty_my_next_shift": my_next_shift.pk,
        "duty_handover": handover.pk,
        "duty_handover_api": handover_api.pk,
        "duty_superior": superior.pk,
        "duty_abnormal": events[0].pk,
        "duty_abnormal_api": events[1].pk,
    }
