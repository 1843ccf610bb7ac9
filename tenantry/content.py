"""What an attachment's content is: its mimetype, and the text it is searched by.

Pure functions, as Odoo's ``guess_mimetype`` without libmagic: a name's extension,
else a URL's, else the content's first bytes; ``application/octet-stream`` when
nothing tells.
"""

from __future__ import annotations

import mimetypes
import re

__all__ = ["guess_mimetype", "index_text", "is_xml_like"]

DEFAULT = "application/octet-stream"

# (offset, signature, mimetype), first match wins.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
)
_WORDS = re.compile(rb"[\x20-\x7E]{4,}")


def guess_mimetype(name: str | None, url: str | None, data: bytes | None) -> str:
    """The mimetype of an attachment named ``name`` (or at ``url``) holding ``data``."""
    found = None
    if name:
        found = mimetypes.guess_type(name)[0]
    if not found and url:
        found = mimetypes.guess_type(url.split("?")[0])[0]
    if (not found or found == DEFAULT) and data:
        found = _sniff(data)
    return (found or DEFAULT).lower()


def _sniff(data: bytes) -> str | None:
    for offset, signature, mimetype in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return mimetype
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return None


def is_xml_like(mimetype: str) -> bool:
    """HTML, XHTML, SVG, XML...: content a browser would run scripts from (Office files aside)."""
    office = mimetype.startswith("application/vnd.openxmlformats")
    return "ht" in mimetype or ("xml" in mimetype and not office)


def index_text(data: bytes, mimetype: str) -> str | bool:
    """Odoo's ``_index``: the printable words of a text file (what ``strings`` shows); the
    main type (``image``...) for anything else."""
    if not mimetype:
        return False
    kind = mimetype.split("/")[0]
    if kind != "text":
        return kind
    return b"\n".join(_WORDS.findall(data)).decode("ascii")
