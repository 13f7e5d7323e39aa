"""M-1.5: a footage request whose cameras and span a preservation hold covers says so on its
page (the duty app's incident, through the footage_holds provider); a request outside the
hold's span or cameras says nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.duty.holds import hold_place, incident_open
from tests.factories import CameraFactory
from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_camera(security_staff):
    camera = CameraFactory(code="HOLD-1")
    now = timezone.now()
    incident = incident_open(
        by=security_staff,
        title="Fight at the east gate",
        occurred_at=now - timedelta(days=2),
        description="Two students injured.",
    )
    hold_place(
        incident=incident,
        cameras=[camera],
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=1),
        by=security_staff,
    )
    return camera


def test_the_request_page_shows_the_hold_over_its_footage(client, applicant, held_camera):
    request = filed(applicant, cameras=[held_camera])  # its span: two days ago, in the hold
    client.force_login(applicant)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="preservation-hold"' in page
    assert "Fight at the east gate" in page


def test_no_notice_outside_the_hold(client, applicant, held_camera):
    other_camera = filed(applicant, cameras=[CameraFactory(code="FREE-1")])
    now = timezone.now()
    later = filed(
        applicant,
        cameras=[held_camera],
        span_from=now - timedelta(hours=5),
        span_to=now - timedelta(hours=4),
    )
    client.force_login(applicant)
    for request in (other_camera, later):
        page = client.get(f"/requests/{request.pk}/").content.decode()
        assert 'data-testid="preservation-hold"' not in page
