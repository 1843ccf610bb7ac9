"""The JSON-RPC envelope of Odoo's ``type='json'`` routes.

A request is ``{"jsonrpc": "2.0", "method": "call", "params": {...}, "id": N}``
with ``Content-Type: application/json``; the ``method`` member is ignored (the
path routes the call) and ``id`` is echoed. The reply is HTTP 200 with either
``result`` (left out when the handler returns ``None``) or ``error``, which only
``tenantry.rpc.faults.to_jsonrpc_error`` builds::

    {"jsonrpc": "2.0", "id": 1, "error": {"code": 100, "message": "Odoo Session Expired", ...}}
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from tenantry.exceptions import TenantryError
from tenantry.rpc.faults import to_jsonrpc_error
from tenantry.web.context import Call

__all__ = ["JsonHandler", "json_endpoint"]

_log = logging.getLogger(__name__)
_MIMETYPES = frozenset({"application/json", "application/json-rpc"})

JsonHandler = Callable[[Call], Any]
"""A synchronous handler: reads ``call.params``, returns the result (run by ``Server.run``)."""


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            return base64.b64encode(value).decode()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _reply(payload: dict[str, Any]) -> Response:
    body = json.dumps(payload, default=_default, ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type="application/json; charset=utf-8")


def json_endpoint(handler: JsonHandler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint running ``handler`` inside the JSON-RPC envelope."""

    async def endpoint(request: Request) -> Response:
        mimetype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if mimetype not in _MIMETYPES:
            return PlainTextResponse(
                f"Bad Request: {request.url.path} expects JSON-RPC (Content-Type: application/json)",
                status_code=400,
            )
        try:
            message = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return PlainTextResponse("Invalid JSON data", status_code=400)
        params = message.get("params", {}) if isinstance(message, dict) else None
        if not isinstance(params, dict):
            return PlainTextResponse("Invalid JSON-RPC data", status_code=400)
        call = Call.of(request, params)
        envelope: dict[str, Any] = {"jsonrpc": "2.0", "id": message.get("id")}
        try:
            result = await call.server.run(handler, call)
        except Exception as exc:
            if not isinstance(exc, TenantryError):
                _log.exception("JSON-RPC %s failed", request.url.path)
            envelope["error"] = to_jsonrpc_error(exc, dev=call.server.config.dev)
        else:
            if result is not None:
                envelope["result"] = result
        response = _reply(envelope)
        call.apply_cookies(response)
        return response

    return endpoint


def required(call: Call, *names: str) -> list[Any]:
    """The values of the required parameters ``names`` (``TypeError`` naming the missing ones)."""
    missing = [name for name in names if name not in call.params]
    if missing:
        raise TypeError(f"missing required parameter(s): {', '.join(missing)}")
    return [call.params[name] for name in names]
