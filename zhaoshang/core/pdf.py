"""Printable PDF documents (official notices, minutes) rendered by WeasyPrint with a CJK font.

WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, installed by ``make system``) renders a page
in ~1.5 s (Noto CJK takes 6 s per face); ``settings.PDF_CJK_FONT`` (a file path) overrides it.
Without the file, fontconfig is asked for the family named in the template's CSS. A template
puts ``{{ font_css|safe }}`` in its style sheet and uses the family "ZS CJK".
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PDF_TYPE = "application/pdf"


def font_css() -> str:
    """The @font-face rule declaring the CJK font file as "ZS CJK" (empty without the file)."""
    path = Path(getattr(settings, "PDF_CJK_FONT", "") or DEFAULT_CJK_FONT)
    if path.exists():
        return f'@font-face {{ font-family: "ZS CJK"; src: url("{path.resolve().as_uri()}"); }}'
    return ""


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML document (its relative URLs resolved from the project's root)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A download with a UTF-8 file name (an ASCII fallback for old clients)."""
    ascii_name = "export" + Path(filename).suffix
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename=filename, content_type=PDF_TYPE)
