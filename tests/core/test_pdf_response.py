"""pdf_response: a Chinese file name survives (RFC 6266 / 5987 filename*), never cached."""

from urllib.parse import unquote

import pytest

from apps.core.pdf import pdf_response


def _names(disposition: str) -> tuple[str, str, str]:
    kind, plain, extended = (part.strip() for part in disposition.split(";"))
    assert plain.startswith('filename="') and plain.endswith('"')
    assert extended.startswith("filename*=UTF-8''")
    return kind, plain[len('filename="') : -1], unquote(extended[len("filename*=UTF-8''") :])


def test_chinese_filename_with_ascii_fallback():
    response = pdf_response(b"%PDF-1.7 x", "调阅台账-2026-11.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 x"
    kind, plain, name = _names(response["Content-Disposition"])
    assert kind == "attachment" and name == "调阅台账-2026-11.pdf"
    assert plain == "2026-11.pdf" and plain.isascii()
    assert response["Content-Disposition"].isascii()  # a header is ASCII: percent-encoded


def test_never_cached_and_not_sniffed():
    response = pdf_response(b"%PDF-", "x.pdf")
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache and "max-age=0" in cache
    assert response["Expires"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ('a"b\r\nSet-Cookie: x.pdf', "a_b_Set-Cookie: x.pdf"),  # no header injection
        ("../../etc/值班表", ".._.._etc_值班表.pdf"),  # no path, .pdf added
        ("运维日志.PDF", "运维日志.PDF"),
        ("", "document.pdf"),
    ],
)
def test_unsafe_names_are_cleaned(filename, expected):
    disposition = pdf_response(b"%PDF-", filename)["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    _kind, plain, name = _names(disposition)
    assert name == expected and plain.isascii() and plain.endswith((".pdf", ".PDF"))


def test_inline_for_a_preview():
    disposition = pdf_response(b"%PDF-", "值班表.pdf", inline=True)["Content-Disposition"]
    assert disposition.startswith("inline;")
