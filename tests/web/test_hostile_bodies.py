"""Hostile request bodies over real HTTP: every JSON route and XML-RPC endpoint answers with a
JSON-RPC error, an XML-RPC fault or Odoo's 400, never an HTTP 500 or a traceback."""

from __future__ import annotations

import json
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.rpc.limits import MAX_NESTING
from tenantry.web import ServerConfig
from tenantry.web.jsonrpc import _reply
from tests.web.conftest import LiveServer, start_server

JSON_ROUTES = [
    "/jsonrpc",
    "/web/webclient/version_info",
    "/web/session/authenticate",
    "/web/session/get_session_info",
    "/web/session/check",
    "/web/session/destroy",
    "/web/dataset/call_kw",
    "/web/dataset/call_kw/res.partner/search",
    "/web/database/list",
]
XMLRPC_ROUTES = [
    f"{prefix}/{service}" for prefix in ("/xmlrpc/2", "/xmlrpc") for service in ("common", "object", "db")
]


def _nested(levels: int, inner: str = "1") -> str:
    return "[" * levels + inner + "]" * levels


# JSON that decodes, carrying what no request may: a JSON-RPC ValidationError naming the limit.
JSON_BEYOND_THE_LIMITS = [
    pytest.param('{"params": ' + _nested(100_000) + "}", "nesting", id="100k-deep"),
    pytest.param('{"params": {"a": ' + _nested(MAX_NESTING) + "}}", "nesting", id="just-too-deep"),
    pytest.param('{"params": {}, "id": ' + _nested(1000) + "}", "nesting", id="deep-id"),
    pytest.param(
        '{"params": {"a": ' + _nested(50, '{"b": ' + _nested(60) + "}") + "}}",
        "nesting",
        id="lists-and-dicts",
    ),
    pytest.param('{"params": {"login": "a\\udc80"}}', "surrogate", id="lone-low-surrogate"),
    pytest.param('{"params": {"login": "\\ud800"}}', "surrogate", id="lone-high-surrogate"),
    pytest.param('{"params": {"login": "\\uDBFF\\u0041"}}', "surrogate", id="high-surrogate-then-letter"),
    pytest.param('{"params": {"\\udc80": 1}}', "surrogate", id="surrogate-in-a-key"),
    pytest.param('{"params": {}, "id": "\\udc80"}', "surrogate", id="surrogate-in-the-id"),
    pytest.param('{"params": {"a": [[{"b": ["\\udc80"]}]]}}', "surrogate", id="nested-surrogate"),
    pytest.param('{"params": {"a": ' + "9" * 100_000 + "}}", "number", id="100k-digit-number"),
    pytest.param('{"params": {"a": NaN}}', "float", id="nan"),
    pytest.param('{"params": {"a": Infinity}}', "float", id="infinity"),
    pytest.param('{"params": {"a": -Infinity}}', "float", id="minus-infinity"),
    pytest.param('{"params": {"a": 1e999}}', "float", id="overflowing-float"),
]


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server over an empty storage: what is tested here happens before any database."""
    instance = Instance(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'data'}")
    live = start_server(instance, ServerConfig())
    yield live
    live.stop()
    instance.close()


def _post(
    server: LiveServer, path: str, body: bytes, content_type: str = "application/json"
) -> httpx.Response:
    return httpx.post(server.url + path, content=body, headers={"Content-Type": content_type}, timeout=60)


def _strict_json(text: str) -> Any:
    """Parse as a strict client would: no NaN, no lone surrogate (strict UTF-8 first)."""

    def refuse(name: str) -> Any:
        raise ValueError(name)

    return json.loads(text.encode("utf-8").decode("utf-8"), parse_constant=refuse)


@pytest.mark.parametrize(("body", "limit"), JSON_BEYOND_THE_LIMITS)
@pytest.mark.parametrize("path", JSON_ROUTES)
def test_json_beyond_the_limits_is_a_validation_error_on_every_route(
    bare: LiveServer, path: str, body: str, limit: str
) -> None:
    reply = _post(bare, path, body.encode())
    assert reply.status_code == 200
    error = _strict_json(reply.text)["error"]
    assert error["code"] == 200
    assert error["data"]["name"] == "odoo.exceptions.ValidationError"
    assert error["data"]["context"]["limit"] == limit
    assert "Traceback" not in reply.text


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        pytest.param(b'{"params": {"login": "\xff"}}', "Invalid JSON data", id="invalid-utf8"),
        pytest.param(
            b'{"params": {"login": "\xed\xb2\x80"}}', "Invalid JSON data", id="utf8-encoded-surrogate"
        ),
        pytest.param(b'{"params": ', "Invalid JSON data", id="truncated"),
        pytest.param(b"", "Invalid JSON data", id="empty"),
        pytest.param(b"[]", "Invalid JSON-RPC data", id="array"),
        pytest.param(b"1", "Invalid JSON-RPC data", id="number"),
        pytest.param(b"null", "Invalid JSON-RPC data", id="null"),
        pytest.param(b'{"params": "x"}', "Invalid JSON-RPC data", id="params-string"),
        pytest.param(b'{"params": [1]}', "Invalid JSON-RPC data", id="params-array"),
    ],
)
@pytest.mark.parametrize("path", JSON_ROUTES)
def test_a_body_that_is_not_json_rpc_gets_odoos_400(
    bare: LiveServer, path: str, body: bytes, answer: str
) -> None:
    reply = _post(bare, path, body)
    assert (reply.status_code, reply.text) == (400, answer)


@pytest.mark.parametrize("path", JSON_ROUTES)
def test_json_at_the_limits_is_read(bare: LiveServer, path: str) -> None:
    # {"params": {"a": [[...]]}}: the object, params and MAX_NESTING - 2 lists; an emoji
    # written as its surrogate pair; the longest number Python reads; a float near the top.
    params = f'{{"a": {_nested(MAX_NESTING - 2)}, "b": "\\ud83d\\ude00", "c": {"9" * 4300}, "d": 1.7e308}}'
    reply = _post(bare, path, f'{{"params": {params}, "id": 7}}'.encode())
    assert reply.status_code == 200
    answer = _strict_json(reply.text)
    assert answer["id"] == 7
    assert "limit" not in answer.get("error", {}).get("data", {}).get("context", {})


XML_BEYOND_THE_LIMITS = [
    pytest.param(b"<array><data><value>" * 100_000 + b"</value></data></array>" * 100_000, id="100k-deep"),
    pytest.param(b"<int>" + b"9" * 100_000 + b"</int>", id="100k-digit-int"),
    pytest.param(b"<i8>%d</i8>" % 2**64, id="i8-beyond-64-bits"),
    pytest.param(b"<double>nan</double>", id="nan"),
    pytest.param(b"<double>1e999</double>", id="overflowing-double"),
    pytest.param(b"<bigdecimal>1E+999999999</bigdecimal>", id="huge-bigdecimal"),
]
XML_MALFORMED = [
    pytest.param(b"<string>&#xDC80;</string>", id="lone-surrogate-reference"),
    pytest.param(b"<string>\xed\xb2\x80</string>", id="utf8-encoded-surrogate"),
    pytest.param(b"<string>\xff</string>", id="invalid-utf8"),
    pytest.param(b"<int>x</int>", id="bad-int"),
    pytest.param(b"<boolean>7</boolean>", id="bad-boolean"),
]


def _call(value: bytes) -> bytes:
    return (
        b"<?xml version='1.0'?><methodCall><methodName>login</methodName><params><param><value>"
        + value
        + b"</value></param></params></methodCall>"
    )


def _fault(reply: httpx.Response) -> xmlrpc.client.Fault:
    assert reply.status_code == 200
    assert "Traceback" not in reply.text
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(reply.content)
    return fault.value


@pytest.mark.parametrize("value", XML_BEYOND_THE_LIMITS)
@pytest.mark.parametrize("path", XMLRPC_ROUTES)
def test_xml_rpc_beyond_the_limits_is_a_warning_fault_on_every_endpoint(
    bare: LiveServer, path: str, value: bytes
) -> None:
    fault = _fault(_post(bare, path, _call(value), "text/xml"))
    if path.startswith("/xmlrpc/2/"):
        assert fault.faultCode == 2
        assert fault.faultString.startswith("Invalid request:")
    else:
        assert str(fault.faultCode).startswith("warning -- UserError\n\nInvalid request:")


@pytest.mark.parametrize(
    "body",
    [
        *(_call(p.values[0]) for p in XML_MALFORMED),
        b"",
        b"not xml",
        b"<?xml version='1.0'?><methodResponse><params/></methodResponse>",
        b"<?xml version='1.0'?><methodCall><params/></methodCall>",
    ],
    ids=[*(p.id or "" for p in XML_MALFORMED), "empty", "not-xml", "a-response", "no-method"],
)
@pytest.mark.parametrize("path", XMLRPC_ROUTES)
def test_malformed_xml_rpc_is_an_application_fault_on_every_endpoint(
    bare: LiveServer, path: str, body: bytes
) -> None:
    fault = _fault(_post(bare, path, body, "text/xml"))
    if path.startswith("/xmlrpc/2/"):
        assert fault.faultCode == 1
    else:  # legacy: the message is the code, and no "warning --" (not a user error)
        assert isinstance(fault.faultCode, str) and not fault.faultCode.startswith("warning")


# -- values that reach the ORM ------------------------------------------------------------------


def _json_call(server: LiveServer, params: dict[str, Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "params": params, "id": 1}).encode()  # \u-escapes surrogates
    reply = _post(server, "/jsonrpc", body)
    assert reply.status_code == 200
    return _strict_json(reply.text)


def test_a_lone_surrogate_never_reaches_the_orm_or_the_database(server: LiveServer, template: str) -> None:
    def execute_kw(method: str, *args: Any) -> Any:
        return _json_call(
            server,
            {
                "service": "object",
                "method": "execute_kw",
                "args": [template, 2, "admin", "res.partner", method, list(args)],
            },
        )

    count = execute_kw("search_count", [])["result"]
    created = execute_kw("create", {"name": "a\udc80b"})
    assert created["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    pid = execute_kw("create", {"name": "fine"})["result"]
    written = execute_kw("write", [pid], {"name": "\ud800"})
    assert written["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    searched = execute_kw("search", [("name", "=", "\udfff")])
    assert searched["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert execute_kw("read", [pid], ["name"])["result"][0]["name"] == "fine"
    assert execute_kw("search_count", [])["result"] == count + 1
    execute_kw("unlink", [pid])

    with httpx.Client(base_url=server.url, timeout=60) as web:  # the session routes too
        login = {"jsonrpc": "2.0", "params": {"db": template, "login": "admin", "password": "admin"}}
        assert "result" in web.post("/web/session/authenticate", json=login).json()
        call = {"model": "res.partner", "method": "create", "args": [{"name": "x\udc80"}], "kwargs": {}}
        body = json.dumps({"jsonrpc": "2.0", "params": call}).encode()
        reply = web.post("/web/dataset/call_kw", content=body, headers={"Content-Type": "application/json"})
        assert _strict_json(reply.text)["error"]["data"]["name"] == "odoo.exceptions.ValidationError"


# -- the response encoder -----------------------------------------------------------------------


def test_the_json_encoder_escapes_lone_surrogates_in_results_and_messages() -> None:
    reply = _reply({"jsonrpc": "2.0", "id": 1, "result": {"k\udc80": ["v\ud800"]}}, dev=False)
    assert json.loads(bytes(reply.body).decode("utf-8"))["result"] == {"k\udc80": ["v\ud800"]}


def test_a_result_with_no_json_form_is_a_jsonrpc_error_not_a_500() -> None:
    circular: list[Any] = []
    circular.append(circular)
    for result in (object(), circular):
        reply = _reply({"jsonrpc": "2.0", "id": 3, "result": result}, dev=False)
        answer = _strict_json(bytes(reply.body).decode("utf-8"))
        assert answer["id"] == 3 and answer["error"]["code"] == 200 and "result" not in answer
