"""Checks of what is typed into a footage request, on every path (page, API) before anything
is saved (M-3.5): the span, the handler's ID document, the attachments' type, size and count.

Each check raises ``RuleViolation`` with a sentence in the user's language; ``span_warnings``
returns what is allowed but worth saying (footage older than the retention floor).
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import RuleViolation

from .ids import resident_id_normalise, resident_id_problem
from .models import FootageRequest, RequestAttachment

# Attachments by their first bytes, never by their name or the browser's word (M-3.3).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
# What each requester type must show (M-3.3.2, M-3.3.3, M-3.3.4).
REQUIRED_ATTACHMENTS = {
    FootageRequest.RequesterType.INTERNAL: (),
    FootageRequest.RequesterType.STUDENT: (RequestAttachment.Kind.STUDENT_ID,),
    FootageRequest.RequesterType.LAW_ENFORCEMENT: (
        RequestAttachment.Kind.EVIDENCE_NOTICE,
        RequestAttachment.Kind.OFFICER_ID,
    ),
    FootageRequest.RequesterType.EXTERNAL: (
        RequestAttachment.Kind.CERTIFICATE,
        RequestAttachment.Kind.HANDLER_ID,
    ),
}
# No recorder holds older footage; also keeps dates far from the calendar's ends.
EARLIEST_YEAR = 2000
TEXT_LIMITS = {"applying_unit": 120, "handler_name": 60, "place_detail": 200, "reason": 4000}


def to_minute(moment: datetime) -> datetime:
    """The span is to the minute (M-3.5): seconds dropped."""
    return moment.replace(second=0, microsecond=0)


def span_check(span_from: datetime, span_to: datetime, *, now: datetime | None = None) -> None:
    """The span starts before it ends and lies wholly in the past (M-3.5)."""
    now = now or timezone.now()
    if span_from.year < EARLIEST_YEAR:
        raise RuleViolation(
            _("The footage span must start in %(year)d or later.") % {"year": EARLIEST_YEAR},
            clause="M-3.5",
        )
    if span_from >= span_to:
        raise RuleViolation(_("The footage span must start before it ends."), clause="M-3.5")
    if span_to > now:
        raise RuleViolation(
            _("The footage span cannot reach into the future: footage not yet recorded."),
            clause="M-3.5",
        )


def span_warnings(span_from: datetime, *, now: datetime | None = None) -> list[str]:
    """Allowed, but the requester should know: footage older than the retention floor
    (FOOTAGE_RETENTION_DAYS, M-4.1b) may already be overwritten."""
    now = now or timezone.now()
    days = settings.FOOTAGE_RETENTION_DAYS
    if span_from < now - timedelta(days=days):
        return [
            _(
                "The span starts more than %(days)d days ago: recorders keep footage for at "
                "least %(days)d days, so this footage may already be gone."
            )
            % {"days": days}
        ]
    return []


def id_number_clean(id_type: str, number: str) -> str:
    """The number as stored: a resident ID number normalised and checked with its GB 11643
    check digit; any other document: letters, digits and hyphens, 4 to 32 of them."""
    number = resident_id_normalise(number or "")
    if id_type not in FootageRequest.IdType.values:
        raise RuleViolation(_("Choose a type of ID document."))
    if not number:
        raise RuleViolation(_("Enter the handler's ID document number."))
    if id_type == FootageRequest.IdType.RESIDENT_ID:
        problem = resident_id_problem(number)
        if problem == "format":
            raise RuleViolation(
                _("A resident ID number has 18 characters: 17 digits, then a digit or X.")
            )
        if problem == "birth_date":
            raise RuleViolation(_("This resident ID number does not hold a valid birth date."))
        if problem == "check_digit":
            raise RuleViolation(
                _("This resident ID number's check digit is wrong: please check it is typed right.")
            )
        return number
    if not (4 <= len(number) <= 32) or not all(
        c.isascii() and (c.isalnum() or c == "-") for c in number
    ):
        raise RuleViolation(_("An ID document number has 4 to 32 letters, digits or hyphens."))
    return number


def text_check(**values: str) -> None:
    """No NUL (PostgreSQL refuses it with a server error) and nothing longer than its field."""
    for name, value in values.items():
        label = FootageRequest._meta.get_field(name).verbose_name
        if "\x00" in (value or ""):
            raise RuleViolation(_("%(field)s contains a NUL character.") % {"field": label})
        if len(value or "") > TEXT_LIMITS[name]:
            raise RuleViolation(
                _("%(field)s is longer than %(max)d characters.")
                % {"field": label, "max": TEXT_LIMITS[name]}
            )


def attachment_sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) by the file's first bytes, or None when not PDF/JPEG/PNG."""
    for signature, content_type, ext in _SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    return None


def attachment_check(upload, *, count: int) -> tuple[str, str, str]:
    """(content type, extension, SHA-256) of an acceptable upload, given ``count`` files the
    request already holds; else a RuleViolation saying which limit was hit."""
    limit = settings.REQUEST_ATTACHMENTS_MAX
    if count >= limit:
        raise RuleViolation(
            _("A request holds at most %(max)d attachments.") % {"max": limit}, clause="M-3.3"
        )
    max_bytes = settings.REQUEST_ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise RuleViolation(_("The file is empty."))
    if upload.size > max_bytes:
        raise RuleViolation(
            _("The file is larger than %(mb)s MB.") % {"mb": f"{max_bytes / 1024 / 1024:g}"}
        )
    upload.seek(0)
    sniffed = attachment_sniff(upload.read(16))
    if sniffed is None:
        raise RuleViolation(_("Attach a PDF, JPEG or PNG file (judged by its content)."))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return sniffed[0], sniffed[1], digest.hexdigest()


def attachments_missing(request: FootageRequest) -> list[str]:
    """Labels of the documents its requester type needs and the request does not hold."""
    held = set(request.attachments.values_list("kind", flat=True))
    return [
        str(RequestAttachment.Kind(kind).label)
        for kind in REQUIRED_ATTACHMENTS[request.requester_type]
        if kind not in held
    ]


def plain_text(label, value: str, *, limit: int, required: bool = True) -> str:
    """A retrieval or custody text (M-3.4): stripped, no NUL, within its field; required
    ones not empty. ``label`` names the field in the sentence."""
    value = (value or "").strip()
    if "\x00" in value:
        raise RuleViolation(_("%(field)s contains a NUL character.") % {"field": label})
    if len(value) > limit:
        raise RuleViolation(
            _("%(field)s is longer than %(max)d characters.") % {"field": label, "max": limit}
        )
    if required and not value:
        raise RuleViolation(_("Fill in %(field)s.") % {"field": label}, clause="M-3.4")
    return value


def sha256_clean(value: str) -> str:
    """An entered SHA-256: 64 hexadecimal characters (spaces dropped, read in lower case)."""
    digest = "".join((value or "").split()).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise RuleViolation(_("A SHA-256 is 64 hexadecimal characters (0-9, a-f)."), clause="M-3.4")
    return digest


def file_sha256(upload) -> str:
    """The SHA-256 of an uploaded file, read in chunks (the file itself is not kept)."""
    if not upload.size:
        raise RuleViolation(_("The file is empty."))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
