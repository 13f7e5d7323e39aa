"""Chinese PDFs for every app: render a template, sign it as the site, verify it, send it.

An app's view or task calls ``render_pdf`` with its own template (extending
``pdf/base.html``), optionally ``sign_pdf``, and returns ``pdf_response``; the audit event of
the export is the calling app's (it knows the clause), see docs/pdf.md. Nothing here knows a
domain. Rendering never touches the network: the URL fetcher serves only static and media
files and ``data:`` URIs, so a template cannot make the server fetch a remote address.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BASE_TEMPLATE = "pdf/base.html"


class PdfSigningUnavailable(ImproperlyConfigured):  # noqa: N818 (reads as a sentence)
    """The site's signing key or certificate is missing or unreadable (docs/pdf.md)."""


# --- Rendering ---------------------------------------------------------------------------


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return [root.resolve() for root in roots]


def _local_file(url: str) -> Path | None:
    """The file a ``file:`` URL (or a /static/, /media/ address) names, if it may be served."""
    path = unquote(urlsplit(url).path)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    if path.startswith(static_prefix):
        relative = path[len(static_prefix) :]
        candidate = Path(settings.STATIC_ROOT) / relative
        if not candidate.is_file():  # before collectstatic (DEBUG, tests): the finders
            found = finders.find(relative)
            candidate = Path(found) if found else candidate
    elif path.startswith(media_prefix):
        candidate = Path(settings.MEDIA_ROOT) / path[len(media_prefix) :]
    else:
        candidate = Path(path)
    # Resolved (symlinks and ".." gone), then checked: nothing outside the roots is served.
    candidate = candidate.resolve()
    if candidate.is_file() and any(candidate.is_relative_to(root) for root in _allowed_roots()):
        return candidate
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Static and media files and data: URIs only; http(s), ftp and other files refused."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = _local_file(url)
                if path is not None:
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
                    )
            logger.warning("PDF rendering: refused to fetch %s (local files only)", url[:200])
            raise ValueError(f"refused: {url[:200]} (PDF rendering fetches local files only)")

    return LocalOnlyFetcher()


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_counter_css() -> str:
    """CSS ``content`` for "第 X 页 / 共 Y 页" in the active language, from one msgid."""
    pattern = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", pattern)
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def render_pdf(
    template_name: str, context: dict, *, request: HttpRequest | None = None, title: str
) -> bytes:
    """Render a template extending ``pdf/base.html`` to an A4 PDF (fonts: Noto CJK).

    The base template adds the title, author (``PDF_AUTHOR``) and creation time to the PDF's
    metadata, page numbers to every page, and the ``pdf_header``/``pdf_footer`` blocks to every
    page's margins. Images and stylesheets may come from static or media files or ``data:``
    URIs (``data_uri``); anything else, remote addresses above all, is refused and left out.
    """
    from weasyprint import HTML

    created = timezone.localtime()
    full_context = {
        **context,
        "pdf_title": title,
        "pdf_author": settings.PDF_AUTHOR,
        "pdf_created": created,
        "pdf_created_iso": created.replace(microsecond=0).isoformat(),
        "pdf_page_counter": mark_safe(_page_counter_css()),  # noqa: S308 (escaped above)
    }
    html = render_to_string(template_name, full_context, request=request)
    # Root-relative addresses (/static/…, /media/…) become file:///static/… for the fetcher.
    document = HTML(string=html, base_url="file:///", url_fetcher=_fetcher())
    return document.write_pdf()


def data_uri(content: bytes, content_type: str) -> str:
    """A ``data:`` URI for a private file (an attachment, a photo) to show in a PDF."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


# --- Signing -----------------------------------------------------------------------------


def _signing_paths() -> tuple[Path, Path]:
    key, cert = settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT
    if not key or not cert:
        raise PdfSigningUnavailable(
            "PDF signing is not set up: PDF_SIGNING_KEY and PDF_SIGNING_CERT must name the "
            "site's key and certificate (manage.py pdf_signing_key makes them; docs/pdf.md)."
        )
    key_path, cert_path = Path(key), Path(cert)
    for name, path in (("PDF_SIGNING_KEY", key_path), ("PDF_SIGNING_CERT", cert_path)):
        if not path.is_file():
            raise PdfSigningUnavailable(
                f"PDF signing is not set up: {name} names {path}, which does not exist "
                "(manage.py pdf_signing_key makes the pair; docs/pdf.md)."
            )
    return key_path, cert_path


def signing_pair_create(*, key_path: Path, cert_path: Path, common_name: str) -> None:
    """A self-signed document-signing pair (ECDSA P-256, 10 years); the key file mode 600."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "campuscctv"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    for path, data, mode in ((key_path, key_pem, 0o600), (cert_path, cert_pem, 0o644)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)  # never readable by others, even for a moment
        path.write_bytes(data)
        path.chmod(mode)


def sign_pdf(pdf: bytes, *, reason: str, signer_name: str) -> bytes:
    """The PDF with the site's signature over the whole file (tamper evidence, docs/pdf.md).

    ``reason`` says what the document is for (shown by a PDF reader), ``signer_name`` who had
    it made. Raises ``PdfSigningUnavailable`` when the key or certificate is missing: the site
    never hands out an unsigned PDF where a signed one was asked for.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key_path, cert_path = _signing_paths()
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if signer is None:
        raise PdfSigningUnavailable(
            f"PDF signing is not set up: {key_path} and {cert_path} are not a readable PEM "
            "key and certificate (docs/pdf.md)."
        )
    meta = signers.PdfSignatureMetadata(
        field_name="SiteSignature",
        reason=reason,
        name=signer_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,  # PAdES baseline B
        # Certify (DocMDP, no changes allowed): any later revision is a modification.
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


# Left in a signed file even when its signature dictionary no longer parses.
_SIGNATURE_MARKERS = (b"/ByteRange", b"/SiteSignature", b"ETSI.CAdES.detached", b"/DocMDP")


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What ``verify_pdf_signature`` found.

    ``status``: "intact" (signed by this site, not one byte changed since), "modified"
    (a signature that no longer matches, a revision added after it, a signer other than this
    site, or a damaged file), "unsigned" (a readable PDF without a signature).
    """

    status: Literal["intact", "modified", "unsigned"]
    signer: str = ""
    reason: str = ""
    signed_at: datetime | None = None
    detail: str = ""

    @property
    def intact(self) -> bool:
        return self.status == "intact"


def verify_pdf_signature(pdf: bytes) -> PdfSignatureCheck:
    """Check the site's signature on a PDF this site made (M-x evidence: tamper evidence)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _key_path, cert_path = _signing_paths()
    site_cert = load_cert_from_pemder(str(cert_path))
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # any damage a reader meets: the file is not what was signed
        return PdfSignatureCheck("modified", detail=f"damaged: {type(exc).__name__}: {exc}")
    if not signatures:
        if any(marker in pdf for marker in _SIGNATURE_MARKERS):
            # A signature dictionary a reader no longer recognises: a signed file, damaged.
            return PdfSignatureCheck("modified", detail="damaged: the signature is unreadable")
        return PdfSignatureCheck("unsigned")
    context = ValidationContext(trust_roots=[site_cert], allow_fetching=False)
    last = signatures[-1]
    try:
        statuses = [validate_pdf_signature(sig, context) for sig in signatures]
    except Exception as exc:  # a garbled signature fails in many ways; none of them is intact
        return PdfSignatureCheck("modified", detail=f"damaged: {type(exc).__name__}: {exc}")
    status = statuses[-1]
    info = {
        "signer": str(last.sig_object.get("/Name", "")),
        "reason": str(last.sig_object.get("/Reason", "")),
        "signed_at": status.signer_reported_dt,
    }
    for one in statuses:
        if not (one.intact and one.valid):
            return PdfSignatureCheck("modified", detail="the signed bytes changed", **info)
        # The very certificate of this site, not merely one that chains to it.
        if not one.trusted or one.signing_cert.dump() != site_cert.dump():
            return PdfSignatureCheck("modified", detail="not signed by this site", **info)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfSignatureCheck("modified", detail="changed after it was signed", **info)
    return PdfSignatureCheck("intact", **info)


# --- Sending -----------------------------------------------------------------------------

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download of ``pdf`` named ``filename`` (Chinese allowed: RFC 6266/5987 filename*).

    Never cached (a scoped document must not outlive the user's right to it in a cache).
    """
    name = _UNSAFE_FILENAME.sub("_", filename).strip() or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    fallback = name.encode("ascii", "ignore").decode().strip(" _-") or "document.pdf"
    if fallback.lower() == ".pdf":
        fallback = "document.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
    return response
