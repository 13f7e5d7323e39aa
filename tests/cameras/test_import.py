"""Bulk import from CSV/XLSX: per-row errors, nothing half-imported (M-1.3)."""

import io

import pytest
from openpyxl import Workbook

from apps.cameras.imports import cameras_import
from apps.cameras.models import Camera
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
HEADER = "code,name,site_code,building,floor,area,area_kind,rtsp_main_uri,commissioned_on\n"


@pytest.fixture
def site(db):
    return SiteFactory(code="MAIN")


def test_good_csv_imports_every_row(vendor_engineer, site):
    content = (
        HEADER + "A1,南门,MAIN,南大门,,入口,entrance,rtsp://10.0.0.1/1,2026-01-05\n"
        "A2,北门,MAIN,北大门,,入口,entrance,rtsp://10.0.0.2/1,\n"
    ).encode()
    report = cameras_import(by=vendor_engineer, name="cams.csv", content=content, work_order="WO-1")
    assert report.ok and report.created == 2
    assert set(Camera.objects.values_list("code", flat=True)) == {"A1", "A2"}


def test_one_bad_row_imports_nothing_and_names_the_rows(vendor_engineer, site):
    content = (
        HEADER + "B1,ok,MAIN,Lib,1F,Hall,library,rtsp://10.0.0.1/1,\n"
        "B2,bad,MAIN,Dorm,3F,Room 301,dormitory_room,rtsp://10.0.0.2/1,\n"
        "B3,bad,NOPE,Lib,1F,Hall,library,,31/01/2026\n"
    ).encode()
    report = cameras_import(by=vendor_engineer, name="cams.csv", content=content, work_order="WO-1")
    assert report.created == 0 and not Camera.objects.exists()
    rows = dict(report.errors)
    assert "Decree 799" in rows[3]
    assert "unknown site NOPE" in rows[4] and "commissioned_on" in rows[4]
    assert "rtsp_main_uri or onvif_host" in rows[4]


def test_gbk_csv_from_chinese_excel(vendor_engineer, site):
    content = (HEADER + "G1,图书馆,MAIN,图书馆,1F,大厅,library,rtsp://10.0.0.1/1,\n").encode(
        "gb18030"
    )
    report = cameras_import(by=vendor_engineer, name="cams.csv", content=content, work_order="WO-1")
    assert report.ok and Camera.objects.get(code="G1").name == "图书馆"


def test_xlsx(vendor_engineer, site):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["X1", "Gate", "MAIN", "Gate", None, None, "entrance", "rtsp://10.0.0.1/1", None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = cameras_import(
        by=vendor_engineer, name="cams.xlsx", content=buffer.getvalue(), work_order="WO-1"
    )
    assert report.ok and report.created == 1


def test_import_page_shows_row_errors(client, vendor_engineer, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(vendor_engineer)
    upload = SimpleUploadedFile(
        "c.csv", (HEADER + "Z1,z,MAIN,B,,A,bathroom,rtsp://x/1,\n").encode()
    )
    response = client.post("/cameras/import/", {"file": upload, "work_order": "WO-3"})
    assert response.status_code == 400
    assert b"import-errors" in response.content and b"Row 2" in response.content


def test_every_row_the_import_writes_has_its_audit_event(vendor_engineer, site):
    """M-1.3: a place created by the import goes through location_create (its own event); an
    existing place is reused without one; each camera has its camera_create event."""
    from apps.audit.models import AuditEvent
    from apps.cameras.models import Location
    from tests.factories import LocationFactory

    existing = LocationFactory(site=site, building="Old hall", floor="", area="Gate")
    content = (
        HEADER + "L1,new place,MAIN,New wing,2F,Corridor,teaching,rtsp://10.0.0.1/1,\n"
        "L2,same new place,MAIN,New wing,2F,Corridor,teaching,rtsp://10.0.0.2/1,\n"
        "L3,old place,MAIN,Old hall,,Gate,entrance,rtsp://10.0.0.3/1,\n"
    ).encode()
    report = cameras_import(by=vendor_engineer, name="cams.csv", content=content, work_order="WO-7")
    assert report.ok and report.created == 3
    new = Location.objects.get(building="New wing")
    assert Location.objects.count() == 2
    assert Camera.objects.get(code="L3").location == existing
    created = AuditEvent.objects.filter(action="cameras.location_create")
    assert [(e.target_id, e.actor, e.clause) for e in created] == [
        (str(new.pk), vendor_engineer, "M-1.3")
    ]
    assert created.get().data["building"] == "New wing"
    camera_events = AuditEvent.objects.filter(target_type="cameras.camera")
    assert {e.target_id for e in camera_events} == {
        str(pk) for pk in Camera.objects.values_list("pk", flat=True)
    }


def test_a_refused_import_leaves_no_place_and_no_event(vendor_engineer, site):
    """The second row is refused by the camera service itself (another company's recorder),
    after the first row's place and camera were written: all of it rolls back, events too."""
    from apps.audit.models import AuditEvent
    from apps.cameras.models import Location
    from apps.cameras.services import recorder_create
    from tests.factories import VendorFactory

    recorder_create(by=None, code="NVR-X", name="theirs", site=site, vendor=VendorFactory())
    before = AuditEvent.objects.count()
    header = HEADER.strip() + ",recorder_code,channel\n"
    content = (
        header + "R1,fine,MAIN,New wing,2F,Corridor,teaching,rtsp://10.0.0.1/1,,,\n"
        "R2,theirs,MAIN,Other wing,1F,Hall,teaching,rtsp://10.0.0.2/1,,NVR-X,1\n"
    ).encode()
    report = cameras_import(by=vendor_engineer, name="cams.csv", content=content, work_order="WO-7")
    assert not report.ok and report.created == 0
    assert "another company" in dict(report.errors)[3]
    assert not Location.objects.exists() and not Camera.objects.exists()
    assert AuditEvent.objects.count() == before
