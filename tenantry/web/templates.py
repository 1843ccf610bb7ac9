"""The Jinja2 templates of the HTML pages (``tenantry/web/templates/``), autoescaped."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

__all__ = ["templates"]

_DIR = Path(__file__).with_name("templates")

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
