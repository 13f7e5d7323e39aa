"""M-1.2: the security office assigns, unassigns and copies forward from the month page; a
refusal is shown on the form with what was typed kept."""

from datetime import date

import pytest

from apps.duty.models import RosterAssignment
from apps.duty.services import roster_assign
from tests.duty.helpers import operator, preset

pytestmark = pytest.mark.django_db


def test_assign_then_see_it_on_the_month(client, security_staff):
    person = operator("op-a", full_name="Li Lei")
    client.force_login(security_staff)
    response = client.post(
        "/duty/roster/assign/",
        {"operator": person.pk, "template": preset("8h_evening").pk, "day": "2026-12-31"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/duty/roster/?month=2026-12"
    html = response.content.decode()
    assert "is on the roster" in html and "16:00–00:00" in html


def test_an_overlap_is_shown_on_the_form_and_keeps_the_input(client, security_staff):
    person = operator("op-a", full_name="Li Lei")
    roster_assign(
        operator=person, template=preset("12h_night"), day=date(2026, 12, 30), by=security_staff
    )
    client.force_login(security_staff)
    response = client.post(
        "/duty/roster/assign/",
        {"operator": person.pk, "template": preset("8h_night").pk, "day": "2026-12-31"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Li Lei is already on duty 2026-12-30 20:00 – 2026-12-31 08:00" in html
    assert 'value="2026-12-31"' in html  # the date typed is still there
    assert RosterAssignment.objects.count() == 1


def test_a_bad_date_is_a_form_error(client, security_staff):
    client.force_login(security_staff)
    response = client.post("/duty/roster/assign/", {"operator": "", "template": "", "day": "31/12"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not RosterAssignment.objects.exists()


def test_unassign_and_copy_forward_report(client, security_staff):
    person = operator("op-a", full_name="Li Lei")
    kept = roster_assign(
        operator=person, template=preset("8h_day"), day=date(2026, 12, 7), by=security_staff
    )
    gone = roster_assign(
        operator=person, template=preset("8h_day"), day=date(2026, 12, 8), by=security_staff
    )
    roster_assign(
        operator=person, template=preset("12h_day"), day=date(2026, 12, 14), by=security_staff
    )
    client.force_login(security_staff)
    client.post(f"/duty/roster/assignments/{gone.pk}/unassign/")
    assert RosterAssignment.objects.get(pk=gone.pk).cancelled_at is not None

    response = client.post(
        "/duty/roster/copy/", {"span": "week", "start": "2026-12-07"}, follow=True
    )
    html = response.content.decode()
    assert "0 shifts copied." in html
    assert "Not copied: " + str(kept) in html and "already on duty 2026-12-14 08:00" in html


def test_the_office_adds_its_own_shift(client, security_staff, duty_operator):
    client.force_login(security_staff)
    response = client.post(
        "/duty/templates/",
        {"name": "Split", "start_time": "06:30", "length_hours": "6"},
        follow=True,
    )
    assert "Shift “Split” added." in response.content.decode()
    again = client.post(
        "/duty/templates/", {"name": "split", "start_time": "07:00", "length_hours": "30"}
    )
    assert "Ensure this value is less than or equal to 24." in again.content.decode()
    client.force_login(duty_operator)
    assert client.get("/duty/templates/").status_code == 200
    assert (
        client.post(
            "/duty/templates/", {"name": "X", "start_time": "06:00", "length_hours": "6"}
        ).status_code
        == 403
    )
