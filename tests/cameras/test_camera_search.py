"""The camera list's search box finds cameras by code, by name and by their place's building or
area (M-1.3 register), in the user's scope; the places are looked up first (issue 15)."""

import pytest

from apps.cameras import filters
from tests.factories import CameraFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cameras(vendor_engineer):
    library = LocationFactory(building="North library", area="Reading room")
    gate = LocationFactory(building="Main gate", area="Car park")
    return {
        "lib": CameraFactory(code="LIB-01", name="Stacks", location=library),
        "gate": CameraFactory(code="GATE-01", name="Barrier", location=gate),
        "named": CameraFactory(code="X-9", name="Library stairs", location=gate),
        "vendor_lib": CameraFactory(
            code="LIB-02", name="Desk", location=library, vendor=vendor_engineer.department
        ),
    }


def _codes(client, q: str) -> set[str]:
    page = client.get("/cameras/", {"q": q}).content.decode()
    return {code for code in ("LIB-01", "LIB-02", "GATE-01", "X-9") if code in page}


@pytest.mark.parametrize("many_places", [False, True])
def test_search_by_code_name_and_place(client, duty_operator, cameras, monkeypatch, many_places):
    if many_places:  # more matching places than are passed as values: the subquery path
        monkeypatch.setattr(filters, "PLACES_AS_VALUES", 0)
    client.force_login(duty_operator)
    assert _codes(client, "library") == {"LIB-01", "LIB-02", "X-9"}  # building or name
    assert _codes(client, "car park") == {"GATE-01", "X-9"}  # area
    assert _codes(client, "gate-0") == {"GATE-01"}  # code
    assert _codes(client, "nowhere") == set()


def test_vendor_engineer_searches_their_own_cameras(client, vendor_engineer, cameras):
    client.force_login(vendor_engineer)
    assert _codes(client, "library") == {"LIB-02"}
