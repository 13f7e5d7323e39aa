"""The request form's PDF signed by the site (M-3.5; tamper evidence, docs/pdf.md): with the
signing pair the downloaded file verifies intact, signed for the user who printed it; without
it the form is still served, unsigned, its page says so, and the audit event records which it
was."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.pdf import verify_pdf_signature
from tests.pdfcheck import pdf_text
from tests.requests.helpers import filed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # WeasyPrint and pyHanko: a second

# The PDF's sentence, in Chinese once the catalogue holds it (/tmp/zh/req.json), else English.
UNSIGNED = ("Notsignedbythesite", "本件未经本站电子签名")


def _says_unsigned(pdf: bytes) -> bool:
    text = "".join(pdf_text(pdf).split())
    return any(sentence in text for sentence in UNSIGNED)


@pytest.fixture
def request_of(applicant):
    applicant.full_name = "李明"
    applicant.save(update_fields=["full_name"])
    return filed(applicant, "student", submit=True)


def test_the_form_is_signed_by_the_site(client, applicant, request_of, pdf_signing_pair):
    client.force_login(applicant)
    response = client.get(f"/requests/{request_of.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    check = verify_pdf_signature(response.content)
    assert check.intact, check.detail
    assert (check.signer, check.reason) == ("李明", "视频监控资料调阅申请单")
    assert request_of.number in pdf_text(response.content)
    assert not _says_unsigned(response.content)
    event = AuditEvent.objects.filter(action="requests.request_pdf").latest("id")
    assert event.data["signed"] is True


@pytest.mark.parametrize("broken", ["absent", "unreadable"])
def test_without_a_usable_signing_pair_it_is_served_unsigned_and_says_so(
    client, applicant, request_of, settings, tmp_path, broken
):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    if broken == "unreadable":  # files there, but not a PEM pair
        key.write_text("not a key")
        cert.write_text("not a certificate")
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(key), str(cert)
    client.force_login(applicant)
    response = client.get(f"/requests/{request_of.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"/ByteRange" not in response.content
    assert _says_unsigned(response.content)
    event = AuditEvent.objects.filter(action="requests.request_pdf").latest("id")
    assert event.data["signed"] is False
