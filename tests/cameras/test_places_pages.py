"""Issue 15 §3, M-1.3: the places page lists locations and recorders a page at a time, narrowed
by site and search, in a fixed number of queries; a vendor engineer still sees their own
company's recorders only, and the forms to add stay on the page."""

import re

import pytest

from apps.cameras.models import Location, Recorder
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _places(vendor, other_vendor, *, locations: int, recorders: int) -> tuple:
    north, south = SiteFactory(code="N", name="North"), SiteFactory(code="S", name="South")
    Location.objects.bulk_create(
        Location(
            site=north if n % 2 else south,
            building="Library" if n % 3 == 0 else f"Block {n:03d}",
            floor="1F",
            area=f"Room {n:03d}",
            area_kind="teaching",
        )
        for n in range(locations)
    )
    Recorder.objects.bulk_create(
        Recorder(
            code=f"NVR-{n:03d}",
            name="Gate recorder" if n % 4 == 0 else f"Recorder {n}",
            site=north if n % 2 else south,
            vendor=vendor if n % 5 else other_vendor,
        )
        for n in range(recorders)
    )
    return north, south


def _items(page: str, kind: str) -> list[str]:
    block = page.split(f'data-testid="{kind}-list"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", block)]


@pytest.fixture
def many(vendor_engineer, other_vendor_engineer):
    return _places(
        vendor_engineer.department, other_vendor_engineer.department, locations=120, recorders=80
    )


def test_locations_and_recorders_come_a_page_at_a_time(client, duty_operator, many):
    client.force_login(duty_operator)
    first = client.get("/cameras/places/").content.decode()
    assert len(_items(first, "location")) == 50 and len(_items(first, "recorder")) == 50
    assert "Page 1 of 3 · 120 records" in first and "Page 1 of 2 · 80 records" in first
    last = client.get("/cameras/places/", {"lpage": 3, "rpage": 2}).content.decode()
    assert len(_items(last, "location")) == 20 and len(_items(last, "recorder")) == 30
    # Each list's pager keeps the other list's page.
    assert 'href="?rpage=2&amp;lpage=2"' in last and 'href="?lpage=3&amp;rpage=1"' in last
    seen = {
        code
        for n in (1, 2)
        for code in re.findall(
            r"NVR-\d{3}",
            "".join(
                _items(client.get("/cameras/places/", {"rpage": n}).content.decode(), "recorder")
            ),
        )
    }
    assert len(seen) == 80


def test_filters_by_site_and_search(client, duty_operator, many):
    north, _south = many
    client.force_login(duty_operator)
    page = client.get("/cameras/places/", {"site": north.pk}).content.decode()
    locations, recorders = _items(page, "location"), _items(page, "recorder")
    assert len(locations) == 50 and all(item.startswith("North ·") for item in locations)
    assert len(recorders) == 40 and all("· North ·" in item for item in recorders)
    page = client.get("/cameras/places/", {"site": north.pk, "q": "library"}).content.decode()
    # Every third location is the library; half of those are in the north.
    assert len(_items(page, "location")) == 20
    assert all("Library" in item for item in _items(page, "location"))
    assert _items(page, "recorder") == ["Nothing matches these filters."]
    page = client.get("/cameras/places/", {"q": "gate", "lpage": 9}).content.decode()
    assert len(_items(page, "recorder")) == 20
    assert 'value="gate"' in page  # the search stays in its box


def test_vendor_search_finds_own_recorders_only(client, vendor_engineer, many):
    client.force_login(vendor_engineer)
    page = client.get("/cameras/places/", {"q": "NVR-00"}).content.decode()
    # NVR-000 … NVR-009: every fifth (000, 005) is the other company's.
    assert re.findall(r"NVR-\d{3}", "".join(_items(page, "recorder"))) == [
        f"NVR-{n:03d}" for n in range(10) if n % 5
    ]
    assert 'data-testid="location-form"' in page and 'data-testid="recorder-form"' in page
    assert client.get("/cameras/places/").content.decode().count("Page 1 of") == 2


def test_adding_still_works_with_the_lists_paged(client, vendor_engineer, many):
    client.force_login(vendor_engineer)
    north, _south = many
    response = client.post(
        "/cameras/places/?q=library&lpage=2",
        {
            "kind": "recorder",
            "recorder-code": "NVR-NEW",
            "recorder-name": "New",
            "recorder-site": north.pk,
            "recorder-channels": 8,
        },
    )
    assert response.status_code == 302
    assert Recorder.objects.get(code="NVR-NEW").vendor == vendor_engineer.department
    page = client.get("/cameras/places/", {"q": "NVR-NEW"}).content.decode()
    (item,) = _items(page, "recorder")
    assert "NVR-NEW" in item and "North" in item


@pytest.mark.parametrize("query", [{"site": "999999"}, {"site": "x"}, {"q": "x" * 101}])
def test_bad_filter_is_a_400(client, duty_operator, many, query):
    client.force_login(duty_operator)
    assert client.get("/cameras/places/", query).status_code == 400


def test_queries_do_not_grow_with_places(
    client, duty_operator, vendor_engineer, other_vendor_engineer, django_assert_max_num_queries
):
    client.force_login(duty_operator)
    _places(vendor_engineer.department, other_vendor_engineer.department, locations=5, recorders=3)
    client.get("/cameras/places/")
    with django_assert_max_num_queries(14) as few:
        client.get("/cameras/places/")
    _places_more = Location.objects.bulk_create(
        Location(site=Location.objects.first().site, building=f"B{n}", area_kind="teaching")
        for n in range(300)
    )
    assert len(_places_more) == 300
    with django_assert_max_num_queries(len(few)):
        page = client.get("/cameras/places/").content.decode()
    assert len(_items(page, "location")) == 50


def test_places_pages_in_chinese(client, duty_operator, many):
    client.force_login(duty_operator)
    page = client.get(
        "/cameras/places/", {"lpage": 2}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "校区、安装位置与录像机" in page and "全部校区" in page and "查询" in page
    assert "第 2 / 3 页 · 共 120 条记录" in page and "第 1 / 2 页 · 共 80 条记录" in page
