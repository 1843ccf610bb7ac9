"""HTML to PDF with WeasyPrint, which never fetches anything but ``data:`` URLs."""

from __future__ import annotations

import logging

__all__ = ["html_to_pdf"]

# WeasyPrint reports every CSS property it does not support at WARNING level.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a report's HTML.

    Images and stylesheets must be inline (``data:`` URLs, ``<style>``): a template or a
    value in it naming ``file:`` or ``http:`` URLs must not read the server's files or
    reach its network.
    """
    import weasyprint  # slow to import (Pango, fonts): only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, base_url="data:,", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
