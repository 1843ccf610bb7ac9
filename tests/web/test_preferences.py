"""``/odoo/preferences``: a user's own name, email, timezone, language, password and API keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tenantry.exceptions import AccessDenied
from tenantry.instance import Instance
from tenantry.security.auth import authenticate
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of


@pytest.fixture
def user_db(instance: Instance, fresh_db: str) -> str:
    """``fresh_db`` with ``pat`` (password ``pat-pass``), an internal user without write access to users."""
    with instance.env(fresh_db) as env:
        make_user(env, "pat", password="pat-pass", tz="Europe/Brussels")
    return fresh_db


@pytest.fixture
def pat(serve: Serve, instance: Instance, user_db: str) -> Iterator[httpx.Client]:
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, user_db, "pat", "pat-pass").status_code == 303
        yield client


def _user(instance: Instance, db: str) -> dict[str, object]:
    with instance.env(db) as env:
        user = env["res.users"].search([("login", "=", "pat")])
        return {"name": user.name, "email": user.email, "tz": user.tz, "lang": user.lang}


def test_a_user_saves_their_own_preferences(pat: httpx.Client, instance: Instance, user_db: str) -> None:
    page = pat.get("/odoo/preferences")
    assert page.status_code == 200
    assert re.search(r"<option selected>Europe/Brussels</option>", page.text)
    for name in ("name", "email", "tz", "lang", "old_password", "new_password"):
        assert re.search(rf'<label for="([\w-]+)">.*\n\s*<(input|select) id="\1" name="{name}"', page.text), (
            name
        )
    fields = {"name": "Pat Q", "email": "pat@example.com", "tz": "Asia/Tokyo", "lang": "en_US"}
    token = token_of(page.text)
    assert pat.post("/odoo/preferences", data=fields).status_code == 403
    saved = pat.post("/odoo/preferences", data={**fields, "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["location"] == "/odoo/preferences?done=saved"
    assert _user(instance, user_db) == {**fields}
    assert "Preferences saved." in pat.get(saved.headers["location"]).text
    for bad in ({"tz": "Mars/Olympus"}, {"lang": "xx_XX"}, {"name": " "}):
        refused = pat.post("/odoo/preferences", data={**fields, **bad, "csrf_token": token})
        assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert _user(instance, user_db) == {**fields}


def test_a_password_change_keeps_this_session_and_ends_the_others(
    pat: httpx.Client, serve: Serve, instance: Instance, user_db: str
) -> None:
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as other:
        log_in(other, user_db, "pat", "pat-pass")
        token = token_of(pat.get("/odoo/preferences").text)
        fields = {"old_password": "pat-pass", "new_password": "n3w-pass", "confirm": "n3w-pass"}
        wrong = pat.post(
            "/odoo/preferences/password", data={**fields, "old_password": "x", "csrf_token": token}
        )
        assert wrong.status_code == 400 and "The old password is wrong." in wrong.text
        mismatch = pat.post(
            "/odoo/preferences/password", data={**fields, "confirm": "y", "csrf_token": token}
        )
        assert mismatch.status_code == 400
        changed = pat.post("/odoo/preferences/password", data={**fields, "csrf_token": token})
        assert changed.status_code == 303
        assert "Password changed." in pat.get("/odoo/preferences?done=password").text
        assert other.get("/odoo").status_code == 303
    assert authenticate(instance, user_db, "pat", "n3w-pass")
    with pytest.raises(AccessDenied):
        authenticate(instance, user_db, "pat", "pat-pass")


def test_an_api_key_is_shown_once_then_listed_and_revoked(
    pat: httpx.Client, instance: Instance, user_db: str
) -> None:
    token = token_of(pat.get("/odoo/preferences").text)
    wrong = pat.post("/odoo/preferences/api_keys", data={"name": "ci", "password": "x", "csrf_token": token})
    assert wrong.status_code == 400 and 'role="alert"' in wrong.text
    made = pat.post(
        "/odoo/preferences/api_keys", data={"name": "ci", "password": "pat-pass", "csrf_token": token}
    )
    found = re.search(r'data-field="new_api_key">(\w+)<', made.text)
    assert made.status_code == 200 and found
    key = found.group(1)
    assert authenticate(instance, user_db, "pat", key, api_keys=True)
    listed = pat.get("/odoo/preferences").text
    assert "<td>ci</td>" in listed and key not in listed
    key_id = re.search(r'name="key_id" value="(\d+)"', listed)
    assert key_id
    with instance.env(user_db) as env:
        admins_key = env["res.users.apikeys"]._generate_for(2, "admin's")
        admins_id = env["res.users.apikeys"].search([("user_id", "=", 2)]).id
    refused = pat.post(
        "/odoo/preferences/api_keys/revoke", data={"key_id": str(admins_id), "csrf_token": token}
    )
    assert refused.status_code == 404
    assert authenticate(instance, user_db, "admin", admins_key, api_keys=True)
    revoked = pat.post(
        "/odoo/preferences/api_keys/revoke", data={"key_id": key_id.group(1), "csrf_token": token}
    )
    assert revoked.status_code == 303 and "<td>ci</td>" not in pat.get("/odoo/preferences").text
    with pytest.raises(AccessDenied):
        authenticate(instance, user_db, "pat", key, api_keys=True)
