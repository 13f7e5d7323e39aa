"""M-3.5 (docs/pdf.md): without the site's signing pair the request form's PDF is served
unsigned, and the request's page says so under its "Form as PDF" link, in the PDF's own words;
with the pair it says nothing."""

import pytest

from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db

UNSIGNED = "Not signed by the site: its signing key is not set up."


def _page(client, applicant) -> str:
    client.force_login(applicant)
    response = client.get(f"/requests/{filed(applicant, submit=True).pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_signing_key_the_page_says_the_pdf_is_unsigned(
    client, applicant, settings, tmp_path
):
    # Not the default paths: a developer's data/pdf-signing/ may hold a pair.
    settings.PDF_SIGNING_KEY = str(tmp_path / "absent-key.pem")
    settings.PDF_SIGNING_CERT = str(tmp_path / "absent-cert.pem")
    page = _page(client, applicant)
    assert 'data-testid="pdf-unsigned"' in page and UNSIGNED in page


def test_with_the_signing_pair_the_page_says_nothing(client, applicant, pdf_signing_pair):
    page = _page(client, applicant)
    assert 'data-testid="request-pdf"' in page
    assert 'data-testid="pdf-unsigned"' not in page and UNSIGNED not in page
