"""The JSON-RPC envelope of Odoo's ``type='json'`` routes.

A request is ``{"jsonrpc": "2.0", "method": "call", "params": {...}, "id": N}``
with ``Content-Type: application/json``; the ``method`` member is ignored (the
path routes the call) and ``id`` is echoed. The reply is HTTP 200 with either
``result`` (left out when the handler returns ``None``) or ``error``, which only
``tenantry.rpc.faults.to_jsonrpc_error`` builds::

    {"jsonrpc": "2.0", "id": 1, "error": {"code": 100, "message": "Odoo Session Expired", ...}}

A body that is not JSON is HTTP 400 "Invalid JSON data", and one that is not a
JSON-RPC object 400 "Invalid JSON-RPC data", as Odoo answers. JSON that decodes but
carries what no request may (see :mod:`tenantry.rpc.limits`: nesting beyond the limit,
a number Python cannot read, NaN, a lone surrogate) is a JSON-RPC error
(``ValidationError``); nothing a client sends gets an HTTP 500.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from tenantry.exceptions import TenantryError, ValidationError
from tenantry.rpc import limits
from tenantry.rpc.faults import to_jsonrpc_error
from tenantry.web.context import Call, server_of

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


def _reply(payload: dict[str, Any], dev: bool) -> Response:
    try:
        body = _encode(payload)
    except (TypeError, ValueError, RecursionError) as exc:  # a result with no JSON form
        _log.exception("JSON-RPC result cannot be encoded")
        body = _encode({"jsonrpc": "2.0", "id": payload.get("id"), "error": to_jsonrpc_error(exc, dev=dev)})
    return Response(body, media_type="application/json; charset=utf-8")


def _encode(payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload, default=_default, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a message or a value) has no UTF-8 form: \u escapes do.
        return json.dumps(payload, default=_default, separators=(",", ":")).encode("ascii")


class _NotJson(Exception):
    """The body is not JSON (syntax or encoding): Odoo's HTTP 400 "Invalid JSON data"."""


# Strict UTF-8 (a UTF-8 encoded surrogate is not UTF-8): a lone surrogate can then only
# come in as a \uD800-\uDFFF escape.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _decode(body: bytes) -> Any:
    """The JSON value of ``body``, within :mod:`tenantry.rpc.limits`.

    Raises ``_NotJson`` for what is not JSON at all and ``ValidationError`` for JSON
    that no request may carry. The checks that walk the value only run when the text
    says they could fail (enough brackets to nest that deep, a surrogate escape).
    """
    try:
        text = body.decode("utf-8-sig")
        value = _DECODER.decode(text)
    except RecursionError:
        raise limits.too_deep() from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _NotJson from None
    except ValueError:  # int() refuses numbers of thousands of digits
        digits = sys.get_int_max_str_digits()
        raise ValidationError(
            f"Invalid request: a number has more than {digits} digits.", context={"limit": "number"}
        ) from None
    if text.count("[") + text.count("{") > limits.MAX_NESTING or _SURROGATE_ESCAPE.search(text):
        limits.check_value(value)
    return value


def _refuse_constant(name: str) -> float:
    return limits.check_float(float(name))  # NaN, Infinity, -Infinity: always refused


def _finite_float(text: str) -> float:
    return limits.check_float(float(text))  # 1e999 reads as infinity


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def json_endpoint(handler: JsonHandler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint running ``handler`` inside the JSON-RPC envelope."""

    async def endpoint(request: Request) -> Response:
        mimetype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if mimetype not in _MIMETYPES:
            return PlainTextResponse(
                f"Bad Request: {request.url.path} expects JSON-RPC (Content-Type: application/json)",
                status_code=400,
            )
        dev = server_of(request).config.dev
        try:
            message = _decode(await request.body())
        except _NotJson:
            return PlainTextResponse("Invalid JSON data", status_code=400)
        except ValidationError as exc:  # JSON, but beyond what a request may carry
            return _reply({"jsonrpc": "2.0", "id": None, "error": to_jsonrpc_error(exc, dev=dev)}, dev)
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
            envelope["error"] = to_jsonrpc_error(exc, dev=dev)
        else:
            if result is not None:
                envelope["result"] = result
        response = _reply(envelope, dev)
        call.apply_cookies(response)
        return response

    return endpoint


def required(call: Call, *names: str) -> list[Any]:
    """The values of the required parameters ``names`` (``TypeError`` naming the missing ones)."""
    missing = [name for name in names if name not in call.params]
    if missing:
        raise TypeError(f"missing required parameter(s): {', '.join(missing)}")
    return [call.params[name] for name in names]
