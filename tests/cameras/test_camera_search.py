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


@pytest.mark.parametrize("many", [None, "PLACES_AS_VALUES", "CAMERAS_AS_VALUES"])
def test_search_by_code_name_and_place(client, duty_operator, cameras, monkeypatch, many):
    # More matching places, or cameras, than are passed as ids: the expression paths.
    if many:
        monkeypatch.setattr(filters, many, 0)
    client.force_login(duty_operator)
    assert _codes(client, "library") == {"LIB-01", "LIB-02", "X-9"}  # building or name
    assert _codes(client, "car park") == {"GATE-01", "X-9"}  # area
    assert _codes(client, "gate-0") == {"GATE-01"}  # code
    assert _codes(client, "nowhere") == set()


def test_vendor_engineer_searches_their_own_cameras(client, vendor_engineer, cameras):
    client.force_login(vendor_engineer)
    assert _codes(client, "library") == {"LIB-02"}


def test_a_narrow_search_reads_the_matching_cameras_by_id(cameras):
    # issue 15: the page's query filters by the few matching ids, so PostgreSQL does not walk
    # the list's code index testing every camera to fill a page.
    from apps.cameras.models import Camera

    found = filters.CameraFilterSet({"q": "lib"}, queryset=Camera.objects.all()).qs
    sql = str(found.query).split("WHERE", 1)[1]
    assert "LIKE" not in sql and '"cameras_camera"."id" IN' in sql
    assert {c.code for c in found} == {"LIB-01", "LIB-02", "X-9"}
