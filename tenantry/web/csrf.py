"""CSRF tokens of the web client's forms.

A logged-in user's token is stored with the session (``Session.csrf_token``, made at
login). Every form of the web client carries it as a hidden input ``csrf_token``
(the template global ``csrf_input()`` writes it), and htmx requests as the header
``X-CSRF-Token`` (the layout sets it on ``<body hx-headers>``, which htmx inherits).
Every POST is checked before its handler runs (see :mod:`tenantry.web.frame`).
"""

from __future__ import annotations

import hmac
from typing import Any

from markupsafe import Markup, escape

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "csrf_input", "same_token"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def same_token(given: object, expected: str | None) -> bool:
    """Whether ``given`` (a form value, of any type) is the expected token, in constant time."""
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(given, expected or "")


def csrf_input(context: Any) -> Markup:
    """``<input type="hidden" name="csrf_token" value="...">`` for the page's token.

    Registered as a Jinja global taking the template context (``{{ csrf_input() }}``):
    the token is the context's ``csrf_token``.
    """
    token = context.get(CSRF_FIELD) or ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))
