"""Reading a generated PDF back, the way a person would see it (poppler-utils, Pillow).

Use them together: ``pdf_text`` says what the words are, ``assert_cjk_fonts`` that they are
drawn with embedded Noto CJK fonts (not boxes, not a DejaVu fallback), ``render_page_png`` +
``ink_fraction`` that the page is not blank. Text alone passes a PDF of tofu boxes.

    pdf = response.content
    assert_cjk_fonts(pdf)
    assert ink_fraction(render_page_png(pdf)) > 0.002
    assert "运维日志" in pdf_text(pdf)
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

CJK_FONT_NAMES = ("NotoSansCJK", "NotoSerifCJK", "Noto-Sans-CJK", "Noto-Serif-CJK")


@dataclass(frozen=True)
class PdfFont:
    name: str  # without the subset tag ("ABCDEF+")
    type: str  # e.g. "CID Type 0C (OT)", "Type 3"
    embedded: bool
    subset: bool
    unicode: bool  # has a ToUnicode map: the text can be searched and copied


def _run(args: list[str], pdf: bytes) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="pdfcheck-") as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(  # pdftoppm without an output root writes to stdout
            [*args, str(path)],
            capture_output=True,
            check=True,
            timeout=60,
        )


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """The fonts ``pdffonts`` lists (every page)."""
    lines = _run(["pdffonts"], pdf).stdout.decode().splitlines()
    # Columns are fixed by the dashes line under the header.
    dashes = lines[1].split(" ")
    starts, position = [], 0
    for dash in dashes:
        starts.append(position)
        position += len(dash) + 1
    fonts = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        name, font_type, _encoding, emb, sub, uni = cells[:6]
        fonts.append(
            PdfFont(
                name=name.split("+", 1)[-1],
                type=font_type,
                embedded=emb == "yes",
                subset=sub == "yes",
                unicode=uni == "yes",
            )
        )
    return fonts


def assert_cjk_fonts(pdf: bytes) -> list[PdfFont]:
    """Every font is an embedded Noto CJK font with a ToUnicode map; no Type 3, no DejaVu."""
    fonts = pdf_fonts(pdf)
    assert fonts, "the PDF has no fonts: no text was drawn"
    for font in fonts:
        assert "Type 3" not in font.type, f"Type 3 font (drawn boxes?): {font}"
        assert "DejaVu" not in font.name, f"a fallback font, not Noto CJK: {font}"
        assert any(cjk in font.name for cjk in CJK_FONT_NAMES), f"not a Noto CJK font: {font}"
        assert font.embedded and font.unicode, f"not embedded or not searchable: {font}"
    return fonts


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text ``pdftotext`` reads (``layout=True`` keeps columns side by side)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])]
    with tempfile.TemporaryDirectory(prefix="pdfcheck-") as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        text = path.with_suffix(".txt")
        subprocess.run([*args, str(path), str(text)], check=True, timeout=60)
        return text.read_text(encoding="utf-8")


def pdf_info(pdf: bytes) -> dict[str, str]:
    """``pdfinfo``'s fields: Title, Author, CreationDate, Pages, Page size, …"""
    info = {}
    for line in _run(["pdfinfo"], pdf).stdout.decode().splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def render_page_png(pdf: bytes, page: int = 1, *, dpi: int = 60) -> bytes:
    """One page drawn by poppler as a PNG (grey), as a reader would show it."""
    args = ["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    png = _run([*args, "-singlefile"], pdf).stdout
    assert png.startswith(b"\x89PNG"), f"page {page} not drawn"
    return png


def ink_fraction(png: bytes, *, threshold: int = 128) -> float:
    """The share of pixels darker than ``threshold`` (0 for a blank page)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:threshold]) / (image.width * image.height)


def assert_page_has_ink(pdf: bytes, page: int = 1, *, at_least: float = 0.002) -> float:
    fraction = ink_fraction(render_page_png(pdf, page))
    assert fraction >= at_least, f"page {page} is blank ({fraction:.4%} dark pixels)"
    return fraction
