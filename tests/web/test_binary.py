"""``/web/binary/company_logo`` over real HTTP: no session needed, a placeholder when there is
no logo or no database, the session's company, ``?company=``, ``?dbname=``."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve

PLACEHOLDER_SIZE = (180, 60)


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), color).save(out, "PNG")
    return out.getvalue()


def _image(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


@pytest.fixture
def logos(instance: Instance, fresh_db: str) -> Iterator[tuple[str, int]]:
    """``fresh_db`` with a red logo on the main company and a second company with a blue one."""
    with instance.env(fresh_db) as env:
        env.ref("base.main_company").logo = base64.b64encode(_png("red")).decode()
        other = env["res.company"].create(
            {"name": "Blue Co", "logo": base64.b64encode(_png("blue")).decode()}
        )
        other_id = other.id
    yield fresh_db, other_id


def test_company_logo_without_session_or_database_is_a_placeholder(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        for path in ("/web/binary/company_logo", "/logo.png"):
            assert _image(http.get(path)).size == PLACEHOLDER_SIZE


def test_company_logo_of_a_named_database_and_company(server: LiveServer, logos: tuple[str, int]) -> None:
    db, other = logos
    with httpx.Client(base_url=server.url) as http:
        main = _image(http.get("/web/binary/company_logo", params={"dbname": db}))
        assert main.size == (256, 85) and main.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
        blue = _image(http.get("/web/binary/company_logo", params={"dbname": db, "company": other}))
        assert blue.convert("RGB").getpixel((5, 5)) == (0, 0, 255)
        for bad in ({"dbname": "no-such-db"}, {"dbname": "../x"}, {"dbname": db, "company": "999999"}):
            assert _image(http.get("/web/binary/company_logo", params=bad)).size == PLACEHOLDER_SIZE


def test_company_logo_follows_the_session_and_the_db_filter(
    serve: Serve, instance: Instance, logos: tuple[str, int]
) -> None:
    db, _other = logos
    with instance.env(db) as env:
        env.ref("base.user_admin").write({"password": "admin"})
    filtered = serve(instance, ServerConfig(db_filter=f"^{db}$"))
    with httpx.Client(base_url=filtered.url) as http:
        # The only database this host sees: its main company's logo, no session needed.
        assert _image(http.get("/web/binary/company_logo")).size == (256, 85)
        # A database the host may not see is not shown, even when named.
        assert _image(http.get("/logo", params={"dbname": "s-tpl-orm"})).size == PLACEHOLDER_SIZE
        login = {"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}}
        assert "result" in http.post("/web/session/authenticate", json=login).json()
        assert _image(http.get("/web/binary/company_logo")).size == (256, 85)
