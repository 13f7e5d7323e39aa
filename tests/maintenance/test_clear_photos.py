"""M-2.3: the vendor clears with a note and optional before/after photos — JPEG or PNG by
their first bytes, stored under random names, served only through the ticket's scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.maintenance import services
from apps.maintenance.models import FaultTicket, TicketPhoto
from tests.core.matrix import JPEG
from tests.factories import CameraFactory
from tests.maintenance.factories import PDF, PNG, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def acknowledged(duty_operator, vendor_engineer):
    t = ticket(camera=CameraFactory(vendor=vendor_engineer.department), by=duty_operator)
    return services.ticket_acknowledge(ticket=t, by=vendor_engineer)


def test_clearing_with_before_and_after_photos(
    client, acknowledged, vendor_engineer, other_vendor_engineer, duty_operator
):
    client.force_login(vendor_engineer)
    response = client.post(
        f"/maintenance/tickets/{acknowledged.pk}/clear/",
        {
            "note": "Water in the junction box dried, gasket replaced",
            "before_photo": SimpleUploadedFile("IMG_0001.JPG", JPEG, "image/jpeg"),
            "after_photo": SimpleUploadedFile("IMG_0002.png", PNG, "image/png"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert page.count('data-testid="ticket-photo"') == 2
    photos = {p.kind: p for p in TicketPhoto.objects.filter(ticket=acknowledged)}
    assert set(photos) == {"before", "after"}
    assert photos["before"].image.name.startswith("maintenance/photos/")
    assert "IMG" not in photos["before"].image.name and photos["after"].image.name.endswith(".png")
    assert photos["before"].event.kind == "cleared"
    served = client.get(f"/maintenance/photos/{photos['before'].pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    client.force_login(duty_operator)
    assert client.get(f"/maintenance/photos/{photos['after'].pk}/").status_code == 200
    client.force_login(other_vendor_engineer)
    assert client.get(f"/maintenance/photos/{photos['after'].pk}/").status_code == 404
    assert client.get(f"/media/{photos['after'].image.name}").status_code == 404


def test_a_photo_that_is_not_a_picture_refuses_the_clear(client, acknowledged, vendor_engineer):
    client.force_login(vendor_engineer)
    response = client.post(
        f"/maintenance/tickets/{acknowledged.pk}/clear/",
        {"note": "done", "after_photo": SimpleUploadedFile("after.jpg", PDF, "image/jpeg")},
        follow=True,
    )
    assert "A photo must be a JPEG or PNG picture." in response.content.decode()
    acknowledged.refresh_from_db()
    assert acknowledged.state == FaultTicket.State.ACKNOWLEDGED
    assert not TicketPhoto.objects.exists()


def test_photos_are_optional(acknowledged, vendor_engineer):
    services.ticket_clear(ticket=acknowledged, by=vendor_engineer, note="Rebooted the switch")
    acknowledged.refresh_from_db()
    assert acknowledged.state == FaultTicket.State.CLEARED
    assert not TicketPhoto.objects.exists()


def test_the_api_clears_with_photos(client, acknowledged, vendor_engineer):
    client.force_login(vendor_engineer)
    answer = client.post(
        f"/api/maintenance/tickets/{acknowledged.pk}/clear/",
        {"note": "Lens replaced", "after_photo": SimpleUploadedFile("a.jpg", JPEG, "image/jpeg")},
    )
    assert answer.status_code == 200
    cleared = answer.json()["events"][-1]
    assert cleared["kind"] == "cleared" and [p["kind"] for p in cleared["photos"]] == ["after"]
    assert client.get(cleared["photos"][0]["url"]).status_code == 200
    refused = client.post(
        f"/api/maintenance/tickets/{acknowledged.pk}/clear/",
        {"note": "again", "after_photo": SimpleUploadedFile("a.jpg", PDF, "image/jpeg")},
    )
    assert refused.status_code == 400  # already cleared, and not a picture either
