"""Inputs that raised a 500 are clear 4xx refusals that write nothing (issue 13 §4; M-1.3)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEvent
from apps.cameras.imports import cameras_import
from apps.cameras.models import Camera
from tests.factories import DepartmentFactory, LocationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADER = "code,name,site_code,building,area_kind,rtsp_main_uri,onvif_host,onvif_port\n"


@pytest.fixture
def site(db):
    return SiteFactory(code="MAIN")


def _written() -> tuple[int, int]:
    return Camera.objects.count(), AuditEvent.objects.count()


def test_a_csv_field_over_the_csv_limit_is_a_400_page(client, vendor_engineer, site):
    huge = "x" * 131_073  # csv's default field_size_limit is 131,072
    content = f'{HEADER}H1,"{huge}",MAIN,B,entrance,rtsp://127.0.0.1/1,,\n'.encode()
    client.force_login(vendor_engineer)
    before = _written()
    response = client.post(
        "/cameras/import/",
        {"file": SimpleUploadedFile("big.csv", content), "work_order": "WO-1"},
    )
    assert response.status_code == 400
    assert b"too long or malformed" in response.content and b"after line 1" in response.content
    assert _written() == before


@pytest.mark.parametrize("port", ["inf", "-inf", "nan", "1e400", "80.5", "eighty"])
def test_an_onvif_port_that_is_no_whole_number_names_the_row(vendor_engineer, site, port):
    content = f"{HEADER}P1,Gate,MAIN,B,entrance,,127.0.0.1,{port}\n".encode()
    before = _written()
    report = cameras_import(by=vendor_engineer, name="p.csv", content=content, work_order="WO-2")
    assert report.errors == [(2, "onvif_port must be a whole number")]
    assert _written() == before


def test_an_xlsx_float_port_is_still_a_port(vendor_engineer, site):
    content = f"{HEADER}P2,Gate,MAIN,B,entrance,,127.0.0.1,8080.0\n".encode()
    report = cameras_import(by=vendor_engineer, name="p.csv", content=content, work_order="WO-3")
    assert report.ok and Camera.objects.get(code="P2").onvif_port == 8080


@pytest.mark.parametrize("department", ["security office", "none"])
def test_api_post_by_a_vendor_engineer_outside_a_vendor_company_is_400(client, department):
    user = UserFactory(
        roles=["vendor_engineer"],
        username=f"odd-{department.replace(' ', '-')}",
        department=DepartmentFactory(name="Security office") if department != "none" else None,
    )
    token = Token.objects.create(user=user).key
    before = _written()
    response = client.post(
        "/api/cameras/",
        json.dumps(
            {
                "code": "V1",
                "name": "Gate",
                "location": LocationFactory().pk,
                "rtsp_main_uri": "rtsp://127.0.0.1/1",
                "work_order": "WO-4",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400, response.content
    assert "not in a maintenance vendor company" in response.json()["detail"]
    assert _written() == before
