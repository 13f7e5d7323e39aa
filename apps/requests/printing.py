"""The paper documents of footage requests as Chinese PDFs (M-3.4, M-3.5), on the shared kit
(apps/core/pdf.py): the request form 视频监控资料调阅申请单 in its field order, each approval as
name, role and time, the retrieval and custody record at the end; and the access register
(台账). What a PDF holds comes from the same selectors as the pages (scope first); each export
is on record."""

import logging
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from apps.accounts.models import User
from apps.audit.services import event_append
from apps.core.pdf import PdfSigningUnavailable, sign_pdf

from .models import CopyDownloadLink, FootageCopy, FootageRequest, Retrieval

logger = logging.getLogger(__name__)

# The paper form's own name: the printed title, whatever the interface language.
FORM_TITLE = "视频监控资料调阅申请单"
REGISTER_TITLE = "视频监控资料调阅台账"
# A register printed in the request; more rows go to the CSV or a narrower filter.
REGISTER_PDF_MAX_ROWS = 300

# The form's opinion boxes and the route's roles that fill them (M-3.5).
SECTIONS = (
    ("department", ("department_head",)),
    ("security_office", ("security_staff", "security_chief")),
    ("leadership", ("leader_in_charge", "principal_leader")),
)


def _label(name: str) -> str:
    """A form field's label in the active language (the model's own verbose name)."""
    return str(FootageRequest._meta.get_field(name).verbose_name)


def request_form(*, request: FootageRequest) -> dict:
    """What the form PDF prints, in the paper form's order (M-3.5). The handler's ID number
    masked, as everywhere outside the audited reveal (PIPL)."""
    steps = list(
        request.steps.select_related("decided_by", "on_behalf_of", "department").order_by("order")
    )
    boxes = {key: [s for s in steps if s.role in roles] for key, roles in SECTIONS}
    retrieval = (
        Retrieval.objects.filter(request=request)
        .select_related("custodian")
        .prefetch_related("cameras")
        .first()
    )
    links = CopyDownloadLink.objects.select_related("recipient").prefetch_related("downloads")
    copies = list(
        FootageCopy.objects.filter(request=request)
        .select_related("acknowledged_by")
        .prefetch_related(Prefetch("links", queryset=links))
    )
    return {
        "req": request,
        "form_title": FORM_TITLE,
        # The paper form prints its labels itself; the requester type is not on it.
        "labels": {"requester_type": _label("requester_type")},
        "cameras": list(request.cameras.select_related("location__site").order_by("code")),
        "boxes": boxes,
        "retrieval": retrieval,
        "copies": copies,
    }


def request_pdf_sign(pdf: bytes, *, by: User) -> tuple[bytes, bool]:
    """The printed form signed by the site (tamper evidence, docs/pdf.md), and whether it is.
    Without the site's signing pair the form is still served, unsigned — its page says so —
    rather than refused: the paper form needs no signature of the site, the measures ask for
    the approvals it prints (M-3.5)."""
    try:
        return sign_pdf(pdf, reason=FORM_TITLE, signer_name=by.get_full_name() or str(by)), True
    except PdfSigningUnavailable as exc:
        logger.warning("Footage request form served unsigned: %s", exc)
        return pdf, False


def pdf_signing_ready() -> bool:
    """Whether the site's signing key and certificate are there (PDF_SIGNING_KEY/_CERT)."""
    names = (settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT)
    return all(name and Path(name).is_file() for name in names)


def request_pdf_exported(*, by: User, request: FootageRequest, signed: bool) -> None:
    """The form printed (M-3.5): a read of the request, on record (no field's content), and
    whether the file carried the site's signature."""
    event_append(
        actor=by,
        action="requests.request_pdf",
        target=request,
        clause="M-3.5",
        data={"number": request.number, "state": request.state, "signed": signed},
    )


def access_register_pdf_exported(*, by: User, rows: int, query: str) -> None:
    """The access register printed (M-3.4): who printed which search, and how many rows."""
    event_append(
        actor=by,
        action="requests.access_register_pdf",
        target_type="footage_requests.access_register",
        target_id="pdf",
        target_label=REGISTER_TITLE,
        clause="M-3.4",
        data={"rows": rows, "query": query[:500]},
    )


def register_rows(queryset: QuerySet[Retrieval]) -> list[Retrieval] | None:
    """The rows of a printed register, or None when there are more than
    REGISTER_PDF_MAX_ROWS (WeasyPrint lays out every page in the request: docs/pdf.md)."""
    rows = list(queryset[: REGISTER_PDF_MAX_ROWS + 1])
    return None if len(rows) > REGISTER_PDF_MAX_ROWS else rows
