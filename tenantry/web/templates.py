"""The Jinja2 templates of the HTML pages (``tenantry/web/templates/``), autoescaped.

Globals every template may use: ``csrf_input()`` (the hidden CSRF field of a form,
from the context's ``csrf_token``) and ``static_url(path)`` (a versioned
``/web/static/...`` URL). Page templates extend ``layout.html`` (see its blocks).
"""

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

    from tenantry.web.csrf import csrf_input
    from tenantry.web.static import HTMX_VERSION, static_url

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        csrf_input=jinja2.pass_context(csrf_input), static_url=static_url, htmx_version=HTMX_VERSION
    )
    return Jinja2Templates(env=env)
