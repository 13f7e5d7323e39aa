"""M-1.3: recorders are devices of a maintenance vendor — a vendor engineer sees their own
company's only; sites and locations are shared campus geography that every camera role reads."""

import pytest

from apps.cameras.services import recorder_create
from tests.factories import LocationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(vendor_engineer, other_vendor_engineer):
    site = SiteFactory(code="MAIN", name="Main campus")
    LocationFactory(site=site, building="Library")
    recorder_create(by=vendor_engineer, code="NVR-MINE", name="Ours", site=site, host="10.0.0.1")
    recorder_create(
        by=other_vendor_engineer, code="NVR-THEIRS", name="Theirs", site=site, host="10.0.9.9"
    )
    return site


def test_vendor_sees_own_recorders_and_all_places(client, vendor_engineer, places):
    client.force_login(vendor_engineer)
    page = client.get("/cameras/places/").content.decode()
    assert "NVR-MINE" in page
    assert "NVR-THEIRS" not in page
    assert "Main campus" in page and "Library" in page


def test_office_roles_see_every_recorder(client, duty_operator, auditor, places):
    for user in (duty_operator, auditor):
        client.force_login(user)
        page = client.get("/cameras/places/").content.decode()
        assert "NVR-MINE" in page and "NVR-THEIRS" in page
