"""Odoo's external API over HTTP: ``/xmlrpc/2/<service>``, legacy ``/xmlrpc/<service>``, ``/jsonrpc``.

Each call goes to ``tenantry.rpc.dispatch.dispatch_rpc`` (through ``Server.dispatch``)
with the request's db-filter, so a host can only name the databases it selects. No session is
involved: every ``object`` call carries its own credentials.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tenantry.exceptions import TenantryError
from tenantry.rpc import xmlrpc
from tenantry.rpc.faults import to_xmlrpc_fault
from tenantry.web.context import Call
from tenantry.web.jsonrpc import json_endpoint, required

__all__ = ["routes"]

_log = logging.getLogger(__name__)


def _xmlrpc(call: Call, service: str, body: bytes, legacy: bool) -> bytes:
    try:
        method, params = xmlrpc.parse_request(body)
        result = call.server.dispatch(call.rpc_config, service, method, params, call.client_ip)
        return xmlrpc.dump_response(result)
    except Exception as exc:
        if not isinstance(exc, TenantryError):
            _log.exception("XML-RPC call to %s failed", service)
        return xmlrpc.dump_fault(to_xmlrpc_fault(exc, legacy=legacy, dev=call.server.config.dev))


async def xmlrpc_2(request: Request) -> Response:
    """``POST /xmlrpc/2/<service>``: integer fault codes."""
    body = await request.body()
    call = Call.of(request)
    reply = await call.server.run(_xmlrpc, call, request.path_params["service"], body, False)
    return Response(reply, media_type="text/xml; charset=utf-8")


async def xmlrpc_legacy(request: Request) -> Response:
    """``POST /xmlrpc/<service>``: string fault codes, for old clients."""
    body = await request.body()
    call = Call.of(request)
    reply = await call.server.run(_xmlrpc, call, request.path_params["service"], body, True)
    return Response(reply, media_type="text/xml; charset=utf-8")


def _jsonrpc(call: Call) -> Any:
    service, method, args = required(call, "service", "method", "args")
    if not isinstance(args, list):
        raise TypeError("args must be a list")
    return call.server.dispatch(call.rpc_config, service, method, args, call.client_ip)


routes = [
    Route("/xmlrpc/2/{service}", xmlrpc_2, methods=["POST"]),
    Route("/xmlrpc/{service}", xmlrpc_legacy, methods=["POST"]),
    Route("/jsonrpc", json_endpoint(_jsonrpc), methods=["POST"]),
]
