"""The Jinja2 templates of the HTML pages (``tenantry/web/templates/``), autoescaped."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

__all__ = ["templates"]

_DIR = Path(__file__).with_name("templates")


@functools.cache
def templates() -> Jinja2Templates:
    """The page templates, loaded with the first page (not with the server)."""
    import jinja2
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.FileSystemLoader(_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )
