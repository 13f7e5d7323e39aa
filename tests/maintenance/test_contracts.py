"""M-2.4: a vendor's written contract — period, SLA hours never laxer than the measures, the
signed responsibility and confidentiality document (type by magic bytes, size-limited, stored
under a random name, served only through the scoped view)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.maintenance import documents
from apps.maintenance.models import ServiceContract
from tests.factories import VendorFactory
from tests.maintenance.factories import PDF, PNG, contract, pdf_upload

pytestmark = pytest.mark.django_db


def card_count(page: str, key: str) -> str:
    match = re.search(rf'data-card="{key}".*?data-testid="card-count">([^<]*)<', page, re.S)
    assert match, f"no card {key}"
    return match.group(1).strip()


def _form(vendor, **changes):
    today = timezone.localdate()
    data = {
        "vendor": vendor.pk,
        "number": "HT-2026-001",
        "starts_on": (today - timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=355)).isoformat(),
        "general_hours": 6,
        "major_hours": 24,
        "contacts": "Zhang San 138-0000-0000",
        "document": pdf_upload(),
    }
    data.update(changes)
    return data


def test_staff_registers_a_contract_with_the_measures_defaults(client, security_staff):
    vendor = VendorFactory(name="Anxin Tech")
    client.force_login(security_staff)
    page = client.get("/maintenance/contracts/new/")
    assert page.status_code == 200
    assert 'value="6"' in page.content.decode() and 'value="24"' in page.content.decode()
    response = client.post("/maintenance/contracts/new/", _form(vendor))
    assert response.status_code == 302
    saved = ServiceContract.objects.get(number="HT-2026-001")
    assert (saved.general_hours, saved.major_hours) == (6, 24)
    assert saved.document_type == "application/pdf"
    # A random name below the private media folder: nothing of the vendor or the upload's name.
    assert saved.document.name.startswith("maintenance/contracts/")
    assert "contract" not in saved.document.name.rsplit("/", 1)[1]
    assert saved.document.name.endswith(".pdf")
    event = AuditEvent.objects.get(action="maintenance.contract_create")
    assert event.clause == "M-2.4" and event.data["number"] == "HT-2026-001"
    detail = client.get(response["Location"])
    assert "Anxin Tech" in detail.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contract.pdf", b"MZ\x90\x00 this is a program", "must be a PDF, JPEG or PNG"),
        ("contract.pdf", b"<html><script>alert(1)</script>", "must be a PDF, JPEG or PNG"),
        ("contract.pdf", b"", "empty"),
    ],
    ids=["executable named .pdf", "html named .pdf", "empty file"],
)
def test_a_document_that_is_not_pdf_or_image_is_refused(
    client, security_staff, name, content, message
):
    vendor = VendorFactory()
    client.force_login(security_staff)
    response = client.post(
        "/maintenance/contracts/new/", _form(vendor, document=pdf_upload(name, content))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_a_document_over_the_size_limit_is_refused(client, security_staff, monkeypatch):
    monkeypatch.setattr(documents, "DOCUMENT_MAX_BYTES", 1024)
    client.force_login(security_staff)
    big = pdf_upload(content=PDF + b"0" * 2048)
    response = client.post("/maintenance/contracts/new/", _form(VendorFactory(), document=big))
    assert "larger than" in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_a_png_scan_is_accepted(security_staff):
    saved = contract(
        vendor=VendorFactory(), by=security_staff, document=pdf_upload("scan.png", PNG)
    )
    assert saved.document_type == "image/png" and saved.document.name.endswith(".png")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"general_hours": 8}, "a contract may be stricter, not laxer"),
        ({"major_hours": 48}, "a contract may be stricter, not laxer"),
        ({"ends_on": "2020-01-01"}, "cannot end before it starts"),
    ],
    ids=["general laxer than 6 h", "major laxer than 24 h", "ends before it starts"],
)
def test_bad_contract_terms_are_refused_and_nothing_is_saved(
    client, security_staff, changes, message
):
    client.force_login(security_staff)
    response = client.post("/maintenance/contracts/new/", _form(VendorFactory(), **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_a_vendor_engineer_reads_only_their_own_company_s_contracts(
    client, vendor_engineer, other_vendor_engineer
):
    own = contract(vendor=vendor_engineer.department, number="HT-OWN")
    other = contract(vendor=other_vendor_engineer.department, number="HT-OTHER")
    client.force_login(vendor_engineer)
    listing = client.get("/maintenance/contracts/").content.decode()
    assert "HT-OWN" in listing and "HT-OTHER" not in listing
    assert client.get(own.get_absolute_url()).status_code == 200
    document = client.get(f"/maintenance/contracts/{own.pk}/document/")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content) == PDF
    assert "attachment" in document["Content-Disposition"]
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(f"/maintenance/contracts/{other.pk}/document/").status_code == 404
    assert client.get("/maintenance/contracts/new/").status_code == 403


def test_the_document_has_no_public_address(client, security_staff):
    saved = contract(vendor=VendorFactory(), by=security_staff)
    client.force_login(security_staff)
    assert client.get(f"/media/{saved.document.name}").status_code == 404


def test_dashboard_flags_expiring_contracts_and_cameras_without_a_valid_one(
    client, security_staff, duty_operator
):
    from tests.factories import CameraFactory

    today = timezone.localdate()
    covered, lapsing, lapsed = VendorFactory(), VendorFactory(), VendorFactory()
    contract(vendor=covered, number="HT-1")
    contract(vendor=lapsing, number="HT-2", ends_on=today + timedelta(days=20))
    contract(
        vendor=lapsed,
        number="HT-3",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    CameraFactory(vendor=covered)
    CameraFactory(vendor=lapsing)
    CameraFactory(vendor=lapsed)  # its contract ended yesterday
    CameraFactory(vendor=VendorFactory())  # never had one
    client.force_login(security_staff)
    page = client.get("/").content.decode()
    assert card_count(page, "contracts_expiring") == "1"
    assert card_count(page, "cameras_without_contract") == "2"
    client.force_login(duty_operator)  # the office staff keep contracts, not the duty desk
    assert 'data-card="contracts_expiring"' not in client.get("/").content.decode()


def test_only_the_security_office_registers_contracts(duty_operator, vendor_engineer):
    for user in (duty_operator, vendor_engineer):
        with pytest.raises(RuleViolation):
            contract(vendor=VendorFactory(), by=user)
