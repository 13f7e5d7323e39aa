"""Stored pictures served by views that first found their object through a scoped selector.

There is no blanket ``/media/`` route: a picture is evidence (M-3.1), so a view loads the
camera or patrol check with the selector that takes the user (out of scope = 404) and hands
the file field to ``image_response``.
"""

import hashlib

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified

# Content types by the file's first bytes, not its name: only these are sent as images.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _content_type(head: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def _headers(response: HttpResponse, etag: str) -> HttpResponse:
    # Private: shared caches (proxies) must not keep a picture another user may not see;
    # no-cache: the browser revalidates, and an unchanged file answers 304.
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def image_response(request: HttpRequest, file: FieldFile) -> HttpResponse:
    """The file of ``file`` (an ImageField value), or 404 when there is none."""
    if not file or not file.name:
        raise Http404
    storage = file.storage
    try:
        size = storage.size(file.name)
        modified = storage.get_modified_time(file.name).timestamp()
    except (FileNotFoundError, OSError):
        raise Http404 from None
    # Every save gets a new random name (RandomImagePath), so name, size and time identify it.
    digest = hashlib.sha256(f"{file.name}:{size}:{modified}".encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        return _headers(HttpResponseNotModified(), etag)
    handle = storage.open(file.name, "rb")
    content_type = _content_type(handle.read(16))
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    if content_type == "application/octet-stream":
        response["Content-Disposition"] = "attachment"
    return _headers(response, etag)
