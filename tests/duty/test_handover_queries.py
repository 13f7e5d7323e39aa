"""M-1.2, M-1.4, issue 15: the handover and abnormal-event registers (pages and API) cost a
fixed number of queries whatever the rows they show."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.duty.abnormal import abnormal_report
from apps.duty.models import Handover, HandoverItem
from tests.core.query_counts import queries_and_rows
from tests.duty.helpers import operator, shift_from
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def _handovers(first: int, count: int, by) -> None:
    for day in range(first, first + count):
        person = operator(f"op-{day}", full_name=f"Operator {day}")
        shift = shift_from(person, START + timedelta(days=day), 12, by=by)
        handover = Handover.objects.create(
            shift=shift, note=f"Day {day}", written_by=person, written_at=shift.ends_at
        )
        HandoverItem.objects.bulk_create(
            HandoverItem(
                handover=handover,
                key=f"camera:{n}",
                label=f"Camera {n} down",
                source="cameras",
                open_since=shift.ends_at,
            )
            for n in range(3)
        )


def _abnormal(first: int, count: int, by, to) -> None:
    for n in range(first, first + count):
        abnormal_report(
            by=by,
            category="other",
            camera=CameraFactory(code=f"Q-{n}"),
            occurred_at=timezone.now() - timedelta(minutes=n),
            description=f"Event {n}",
            action_taken="Watched",
            reported_to=to,
        )


@pytest.mark.parametrize("path", ["/duty/handovers/", "/api/duty/handovers/"])
def test_the_handover_register_does_not_grow_with_its_rows(client, security_staff, path):
    _handovers(0, 2, security_staff)
    client.force_login(security_staff)
    client.get(path)
    few, shown = queries_and_rows(client, path)
    _handovers(2, 8, security_staff)
    more, shown_more = queries_and_rows(client, path)
    assert (shown, shown_more) == (2, 10) and more == few


@pytest.mark.parametrize("path", ["/duty/abnormal/", "/api/duty/abnormal-events/"])
def test_the_abnormal_event_register_does_not_grow_with_its_rows(
    client, duty_operator, security_staff, path
):
    _abnormal(0, 2, duty_operator, security_staff)
    client.force_login(security_staff)
    client.get(path)
    few, shown = queries_and_rows(client, path)
    _abnormal(2, 8, duty_operator, security_staff)
    more, shown_more = queries_and_rows(client, path)
    assert (shown, shown_more) == (2, 10) and more == few


def _incidents(first: int, count: int, by) -> None:
    from apps.duty.holds import hold_place, incident_open

    for n in range(first, first + count):
        incident = incident_open(
            by=by,
            title=f"Incident {n}",
            occurred_at=timezone.now() - timedelta(hours=1),
            description="x",
        )
        hold_place(
            incident=incident,
            cameras=[CameraFactory(code=f"H-{n}-{k}") for k in range(2)],
            starts_at=timezone.now() - timedelta(hours=3),
            ends_at=timezone.now() - timedelta(hours=2),
            by=by,
        )


@pytest.mark.parametrize("path", ["/duty/incidents/", "/api/duty/incidents/", "/api/duty/holds/"])
def test_the_incident_registers_do_not_grow_with_their_rows(client, security_staff, path):
    _incidents(0, 2, security_staff)
    client.force_login(security_staff)
    client.get(path)
    few, shown = queries_and_rows(client, path)
    _incidents(2, 8, security_staff)
    more, shown_more = queries_and_rows(client, path)
    assert (shown, shown_more) == (2, 10) and more == few
