"""The site's signature on its PDFs (apps/core/pdf.py): intact when untouched; a flipped
byte, an incremental revision, appended bytes or another signer are found (tamper evidence)."""

import copy
import stat
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from apps.core.pdf import (
    PdfSigningUnavailable,
    render_pdf,
    sign_pdf,
    signing_pair_create,
    verify_pdf_signature,
)
from tests.pdfcheck import assert_cjk_fonts, assert_page_has_ink, pdf_text

TEMPLATES = Path(__file__).parent / "templates"
ROWS = [{"code": "CAM-001", "place": "图书馆北门", "note": "离线"}]


@pytest.fixture(scope="module")
def unsigned_pdf():
    from django.conf import settings
    from django.test import override_settings

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES]
    with override_settings(TEMPLATES=templates):
        return render_pdf("pdftest/chinese.html", {"rows": ROWS}, title="调阅台账")


@pytest.fixture
def signed_pdf(unsigned_pdf, pdf_signing_pair):
    return sign_pdf(unsigned_pdf, reason="视频调阅台账导出", signer_name="保卫处 张三")


def _pdfsig(pdf: bytes, tmp_path) -> str:
    """poppler's own reading of the signature: a second, independent verifier."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_a_signed_pdf_verifies_intact_and_still_reads(signed_pdf, tmp_path):
    check = verify_pdf_signature(signed_pdf)
    assert check.status == "intact" and check.intact
    assert check.signer == "保卫处 张三" and check.reason == "视频调阅台账导出"
    assert check.signed_at is not None
    assert_cjk_fonts(signed_pdf)
    assert_page_has_ink(signed_pdf)
    assert "图书馆北门" in pdf_text(signed_pdf)
    poppler = _pdfsig(signed_pdf, tmp_path)
    assert "Signature is Valid" in poppler and "Total document signed" in poppler
    assert "ETSI.CAdES.detached" in poppler  # PAdES


def test_unsigned_pdf(unsigned_pdf, pdf_signing_pair):
    assert verify_pdf_signature(unsigned_pdf).status == "unsigned"


@pytest.mark.parametrize("where", [0.05, 0.3, 0.6, 0.9])
def test_one_flipped_byte_is_found(signed_pdf, where, tmp_path):
    flipped = bytearray(signed_pdf)
    flipped[int(len(flipped) * where)] ^= 0x01
    check = verify_pdf_signature(bytes(flipped))
    assert check.status == "modified", check
    assert "Signature is Valid" not in _pdfsig(bytes(flipped), tmp_path)


def _signature_hex(pdf: bytes) -> tuple[int, int]:
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    return start, pdf.index(b">", start)


def test_every_signed_byte_counts(signed_pdf):
    # 60 places over everything the signature covers (all but its own hex container).
    start, end = _signature_hex(signed_pdf)
    covered = [i for i in range(0, len(signed_pdf), len(signed_pdf) // 60) if not start <= i < end]
    statuses = set()
    for i in covered:
        flipped = bytearray(signed_pdf)
        flipped[i] ^= 0x04
        statuses.add(verify_pdf_signature(bytes(flipped)).status)
    assert statuses == {"modified"}


def test_a_garbled_signature_value_is_modified(signed_pdf):
    start, end = _signature_hex(signed_pdf)
    der_end = start + len(signed_pdf[start:end].rstrip(b"0"))
    for i in (der_end - 10, der_end - 60, (start + der_end) // 2):
        garbled = bytearray(signed_pdf)
        garbled[i] = ord("0") if garbled[i] != ord("0") else ord("7")
        assert verify_pdf_signature(bytes(garbled)).status == "modified"


def test_a_damaged_signature_dictionary_is_modified_not_unsigned(signed_pdf):
    damaged = signed_pdf.replace(b"/ByteRange", b"/ByteRangX", 1)
    check = verify_pdf_signature(damaged)
    assert check.status == "modified"


def test_a_damaged_ending_is_modified_not_an_error(signed_pdf):
    check = verify_pdf_signature(signed_pdf[:-40])
    assert check.status == "modified"


def test_an_incremental_revision_after_signing_is_found(signed_pdf):
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("已改")
    writer.update_container(info)
    out = BytesIO()
    writer.write(out)
    check = verify_pdf_signature(out.getvalue())
    assert check.status == "modified" and check.detail == "changed after it was signed"
    # The original bytes are still the signed revision: only the addition is refused.
    assert verify_pdf_signature(out.getvalue()[: len(signed_pdf)]).intact


def test_appended_bytes_are_found(signed_pdf):
    assert verify_pdf_signature(signed_pdf + b"\n% added\n").status == "modified"


def test_a_pdf_signed_by_another_key_is_not_this_sites(unsigned_pdf, settings, tmp_path):
    other_key, other_cert = tmp_path / "other" / "key.pem", tmp_path / "other" / "cert.pem"
    signing_pair_create(key_path=other_key, cert_path=other_cert, common_name="not the site")
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(other_key), str(other_cert)
    foreign = sign_pdf(unsigned_pdf, reason="x", signer_name="someone")
    site_key, site_cert = tmp_path / "site" / "key.pem", tmp_path / "site" / "cert.pem"
    signing_pair_create(key_path=site_key, cert_path=site_cert, common_name="the site")
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(site_key), str(site_cert)
    check = verify_pdf_signature(foreign)
    assert check.status == "modified" and check.detail == "not signed by this site"


def test_signing_without_the_pair_is_refused_naming_the_setting(unsigned_pdf, settings, tmp_path):
    settings.PDF_SIGNING_KEY = str(tmp_path / "missing-key.pem")
    settings.PDF_SIGNING_CERT = str(tmp_path / "missing-cert.pem")
    with pytest.raises(PdfSigningUnavailable, match="PDF_SIGNING_KEY names .*missing-key.pem"):
        sign_pdf(unsigned_pdf, reason="x", signer_name="y")
    settings.PDF_SIGNING_KEY = ""
    with pytest.raises(PdfSigningUnavailable, match="PDF_SIGNING_KEY and PDF_SIGNING_CERT"):
        sign_pdf(unsigned_pdf, reason="x", signer_name="y")


def test_a_garbled_key_is_refused(unsigned_pdf, pdf_signing_pair):
    key, _cert = pdf_signing_pair
    key.write_text("not a key")
    with pytest.raises(PdfSigningUnavailable, match="not a readable PEM"):
        sign_pdf(unsigned_pdf, reason="x", signer_name="y")


def test_the_command_makes_the_pair_once_key_private(settings, tmp_path, capsys):
    key, cert = tmp_path / "pair" / "key.pem", tmp_path / "pair" / "cert.pem"
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(key), str(cert)
    call_command("pdf_signing_key", name="某学院保卫处")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in key.read_bytes() and b"BEGIN CERTIFICATE" in cert.read_bytes()
    before = key.read_bytes()
    call_command("pdf_signing_key")  # again: kept, PDFs already signed stay verifiable
    assert key.read_bytes() == before and "kept" in capsys.readouterr().out
    cert.unlink()
    with pytest.raises(CommandError, match="only one of"):
        call_command("pdf_signing_key")
    assert key.read_bytes() == before
