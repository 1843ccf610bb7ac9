"""Odoo's external API spoken raw over HTTP, for tests that send what no client library would.

``call(url, transport, service, method, params)`` posts one call on ``/xmlrpc/2/<service>``
(``"xmlrpc"``), legacy ``/xmlrpc/<service>`` (``"legacy"``) or ``/jsonrpc`` (``"jsonrpc"``)
and returns its result, or raises :class:`Refused` naming the Odoo exception the fault or
error stands for (``"AccessDenied"``, ``"AccessError"``, ``"UserError"``, ``"error"``...).
XML-RPC bodies may carry ``<nil/>`` and 64-bit integers (``<i8>``), which
``xmlrpc.client`` would refuse to send.
"""

from __future__ import annotations

import json
import xmlrpc.client
from typing import Any

import httpx

__all__ = ["TRANSPORTS", "Refused", "call"]

TRANSPORTS = ("xmlrpc", "legacy", "jsonrpc")
_XMLRPC_CODES = {1: "error", 2: "UserError", 3: "AccessDenied", 4: "AccessError"}
_INT32 = range(-(2**31), 2**31)


class Refused(Exception):
    """A fault or JSON-RPC error: ``kind`` is the Odoo exception's short name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def call(
    url: str,
    transport: str,
    service: str,
    method: str,
    params: list[Any],
    headers: dict[str, str] | None = None,
) -> Any:
    if transport == "jsonrpc":
        return _jsonrpc(url, service, method, params, headers)
    path = f"/xmlrpc/2/{service}" if transport == "xmlrpc" else f"/xmlrpc/{service}"
    response = httpx.post(url + path, content=xml_body(method, params), headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    try:
        (result,), _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
    except xmlrpc.client.Fault as fault:
        raise Refused(_fault_kind(fault), fault.faultString) from None
    return result


def xml_body(method: str, params: list[Any]) -> bytes:
    """An XML-RPC call, with ``None`` as ``<nil/>`` and big integers as ``<i8>``."""
    big: dict[str, int] = {}

    def placeholders(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value not in _INT32:
            marker = f"big-int-{len(big)}"
            big[marker] = value
            return marker
        if isinstance(value, list):
            return [placeholders(v) for v in value]
        if isinstance(value, dict):
            return {k: placeholders(v) for k, v in value.items()}
        return value

    body = xmlrpc.client.dumps(tuple(placeholders(p) for p in params), method, allow_none=True)
    for marker, value in big.items():
        body = body.replace(f"<string>{marker}</string>", f"<i8>{value}</i8>")
    return body.encode()


def _fault_kind(fault: xmlrpc.client.Fault) -> str:
    code = fault.faultCode
    if isinstance(code, int):
        return _XMLRPC_CODES.get(code, str(code))
    if code == "AccessDenied":
        return "AccessDenied"
    for kind in ("AccessError", "MissingError", "UserError", "ValidationError"):
        if code.startswith(f"warning -- {kind}"):
            return kind
    return "error"


def _jsonrpc(url: str, service: str, method: str, params: list[Any], headers: dict[str, str] | None) -> Any:
    params_ = {"service": service, "method": method, "args": params}
    payload = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params_}
    )  # ASCII: lone surrogates too
    headers = {"Content-Type": "application/json", **(headers or {})}
    response = httpx.post(url + "/jsonrpc", content=payload, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    if "error" in body:
        data = body["error"].get("data", {})
        raise Refused(str(data.get("name", "error")).rsplit(".", 1)[-1], str(data.get("message", "")))
    return body["result"]
