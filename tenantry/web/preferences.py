"""``/odoo/preferences``: the user's own preferences, password and API keys.

Every change is a POST (CSRF-checked by :func:`~tenantry.web.frame.web_page`) made as
the user, through the model methods RPC clients use:

- ``POST /odoo/preferences``: name, email, timezone, language (``res.users.write`` on
  the user's own record, which users may do for these fields);
- ``POST /odoo/preferences/password``: ``res.users.change_password(old, new)``; it ends
  the user's other sessions, and this one is kept;
- ``POST /odoo/preferences/api_keys``: a new key, shown once on the answer (never in a
  URL), after the password is given again, as Odoo's identity check asks;
- ``POST /odoo/preferences/api_keys/revoke``: revoke one of the user's own keys.

A refused change shows the form again with the message in a ``role="alert"`` element.
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from tenantry.exceptions import AccessDenied, UserError
from tenantry.web.frame import Page, web_page
from tenantry.web.sessions import refresh_in

__all__ = ["routes"]

_URL = "/odoo/preferences"
_NOTICES = {"saved": "Preferences saved.", "password": "Password changed.", "revoked": "API key revoked."}


@functools.cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _text(page: Page, name: str, limit: int = 256) -> str:
    assert page.form is not None
    value = page.form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _render(
    page: Page, *, error: str = "", new_key: str = "", values: dict[str, str] | None = None
) -> Response:
    user = page.env.user
    current = {
        "name": str(user.name or ""),
        "email": str(user.email or ""),
        "tz": str(user.tz or ""),
        "lang": str(user.lang or "en_US"),
    }
    notice = _NOTICES.get(page.request.query_params.get("done", ""), "") if not error else ""
    context: dict[str, Any] = {
        "values": {**current, **(values or {})},
        "timezones": timezones(),
        "languages": page.env["res.lang"].get_installed(),
        "api_keys": page.env["res.users.apikeys"].list_keys(),
        "can_make_keys": page.env.user.has_group("base.group_user"),
        "error": error,
        "notice": notice,
        "new_key": new_key,
    }
    return page.render("preferences.html", context, status_code=400 if error else 200)


@web_page
def preferences(page: Page) -> Response:
    """The preferences form (GET), or its saving (POST)."""
    if page.form is None:
        return _render(page)
    values = {name: _text(page, name) for name in ("name", "email", "tz", "lang")}
    if not values["name"]:
        return _render(page, error="Your name cannot be empty.", values=values)
    if values["tz"] and values["tz"] not in timezones():
        return _render(page, error="Choose a timezone from the list.", values=values)
    if values["lang"] not in {code for code, _ in page.env["res.lang"].get_installed()}:
        return _render(page, error="Choose a language from the list.", values=values)
    try:
        with page.savepoint():
            page.env["res.users"].browse(page.env.uid).write(
                {
                    "name": values["name"],
                    "email": values["email"] or False,
                    "tz": values["tz"] or False,
                    "lang": values["lang"],
                }
            )
    except UserError as exc:
        return _render(page, error=exc.message, values=values)
    return page.redirect(f"{_URL}?done=saved")


@web_page
def change_password(page: Page) -> Response:
    """``res.users.change_password`` as the user; this session stays logged in."""
    old, new, confirm = (_text(page, name, 1024) for name in ("old_password", "new_password", "confirm"))
    if new != confirm:
        return _render(page, error="The new passwords do not match.")
    try:
        with page.savepoint():
            page.env["res.users"].change_password(old, new)
    except AccessDenied:
        return _render(page, error="The old password is wrong.")
    except UserError as exc:
        return _render(page, error=exc.message)
    refresh_in(page.env, page.session)
    return page.redirect(f"{_URL}?done=password")


@web_page
def make_api_key(page: Page) -> Response:
    """A new API key of the user's, shown on this answer only."""
    from tenantry.security.auth import check_password_in

    name = _text(page, "name")
    try:
        with page.savepoint():
            check_password_in(page.env, page.env.uid, _text(page, "password", 1024))
            key = page.env["res.users.apikeys"].generate(name)
    except AccessDenied:
        return _render(page, error="The password is wrong.")
    except UserError as exc:
        return _render(page, error=exc.message)
    return _render(page, new_key=key)


@web_page
def revoke_api_key(page: Page) -> Response:
    """Revoke one of the user's own keys (another's, or none, is a 404)."""
    raw = _text(page, "key_id")
    mine = {int(key["id"]) for key in page.env["res.users.apikeys"].list_keys()}
    if not (raw.isascii() and raw.isdigit() and int(raw) in mine):
        return page.error(404, "No such API key of yours.")
    page.env["res.users.apikeys"].browse(int(raw)).revoke()
    return page.redirect(f"{_URL}?done=revoked")


routes = [
    Route(_URL, preferences, methods=["GET", "POST"]),
    Route(f"{_URL}/password", change_password, methods=["POST"]),
    Route(f"{_URL}/api_keys", make_api_key, methods=["POST"]),
    Route(f"{_URL}/api_keys/revoke", revoke_api_key, methods=["POST"]),
]
