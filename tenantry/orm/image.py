"""Image contents for ``fields.Image``: checked, and shrunk to fit a box (Pillow).

Odoo's rules: an image larger than the field's ``max_width`` x ``max_height`` is
resized to fit, keeping its proportions and its format; one that fits is kept byte
for byte; SVG is kept as it is (no pixels to count); anything Pillow cannot read is
refused; so is an image of more than 50 million pixels, before it is decoded (a
small file can claim a huge size: a decompression bomb).
"""

from __future__ import annotations

import io
import warnings

from tenantry.exceptions import ValidationError

__all__ = ["MAX_PIXELS", "fit_image", "human_size"]

MAX_PIXELS = 50_000_000
"""Odoo's ``IMAGE_MAX_RESOLUTION``."""

_KEEP_QUALITY = {"JPEG": {"quality": 95}, "WEBP": {"quality": 95}}


def fit_image(data: bytes, max_width: int = 0, max_height: int = 0, verify_resolution: bool = True) -> bytes:
    """``data`` resized to fit ``max_width`` x ``max_height`` (0: no limit), in its own format."""
    if not data or _is_svg(data):
        return data
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if verify_resolution and width * height > MAX_PIXELS:
                raise ValidationError(
                    "Image size excessive, uploaded images must be smaller than 50 million pixels."
                )
            too_big = (max_width and width > max_width) or (max_height and height > max_height)
            if not too_big:
                image.verify()  # a truncated or corrupt file is refused, not stored
                return data
            fmt = image.format or "PNG"
            image.thumbnail((max_width or width, max_height or height), Image.Resampling.LANCZOS)
            if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=fmt, **_KEEP_QUALITY.get(fmt, {}))
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("This file could not be decoded as an image file.") from None


def human_size(size: int | None) -> str | bool:
    """Odoo's ``human_size``: ``2048`` -> ``"2.00 Kb"`` (what ``bin_size`` reads return)."""
    if not size:
        return False
    units = ("bytes", "Kb", "Mb", "Gb", "Tb")
    value, index = float(size), 0
    while value >= 1024 and index < len(units) - 1:
        value /= 1024
        index += 1
    return f"{value:.2f} {units[index]}"


def _is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower()
