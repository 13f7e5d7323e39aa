"""The signed contract document (M-2.4): checked by its first bytes and size, served only
through the scoped contract view (never by a media URL)."""

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from apps.core.exceptions import RuleViolation

# Largest document accepted: a scanned contract of a few pages.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

# Accepted types by their magic bytes (the name and the browser's type are not trusted).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def document_kind(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an accepted document, or None."""
    for signature, content_type, ext in _SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    return None


def document_check(upload: UploadedFile) -> tuple[str, str]:
    """The upload's (content type, extension), or a RuleViolation saying what is wrong."""
    if upload.size is None or upload.size == 0:
        raise RuleViolation(_("The document is empty."), clause="M-2.4")
    if upload.size > DOCUMENT_MAX_BYTES:
        raise RuleViolation(
            _("The document is larger than %(mb)d MB.") % {"mb": DOCUMENT_MAX_BYTES // 2**20},
            clause="M-2.4",
        )
    upload.seek(0)
    kind = document_kind(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise RuleViolation(_("The document must be a PDF, JPEG or PNG file."), clause="M-2.4")
    return kind


def photo_check(upload: UploadedFile) -> str:
    """A before/after photo: JPEG or PNG by its first bytes, within the size limit; its
    extension, or a RuleViolation saying what is wrong."""
    content_type, ext = document_check(upload)
    if not content_type.startswith("image/"):
        raise RuleViolation(_("A photo must be a JPEG or PNG picture."), clause="M-2.3")
    return ext


def document_response(request: HttpRequest, file: FieldFile) -> HttpResponse:
    """The stored document, as an attachment, private and not cacheable by proxies."""
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    kind = document_kind(handle.read(16))
    handle.seek(0)
    ext = kind[1] if kind else ""
    response = FileResponse(
        handle,
        content_type=kind[0] if kind else "application/octet-stream",
        as_attachment=True,
        filename=f"contract-{hashlib.sha256(file.name.encode()).hexdigest()[:8]}{ext}",
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
