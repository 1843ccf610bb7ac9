"""Odoo's external API (``common``, ``object``, ``db``) as transport-independent Python.

- :mod:`~tenantry.rpc.dispatch`: :func:`dispatch_rpc`, one call of a service;
- :mod:`~tenantry.rpc.call`: :func:`call_kw`, Odoo's calling convention for model methods;
- :mod:`~tenantry.rpc.services`: the three services;
- :mod:`~tenantry.rpc.marshal`: Python values to wire values;
- :mod:`~tenantry.rpc.faults`: exceptions to XML-RPC faults and JSON-RPC errors;
- :mod:`~tenantry.rpc.xmlrpc`: XML-RPC request parsing and response writing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tenantry.rpc.config import MethodNotFound, RpcConfig

if TYPE_CHECKING:
    from tenantry.rpc.call import call_kw
    from tenantry.rpc.dispatch import dispatch_rpc
    from tenantry.rpc.faults import to_jsonrpc_error, to_xmlrpc_fault
    from tenantry.rpc.marshal import to_wire
    from tenantry.rpc.version import version_info
    from tenantry.rpc.xmlrpc import dump_fault, dump_response, parse_request

# Imported on first use: the server answers its first requests before the ORM loads.
_LAZY = {
    "call_kw": "tenantry.rpc.call",
    "dispatch_rpc": "tenantry.rpc.dispatch",
    "to_jsonrpc_error": "tenantry.rpc.faults",
    "to_xmlrpc_fault": "tenantry.rpc.faults",
    "to_wire": "tenantry.rpc.marshal",
    "version_info": "tenantry.rpc.version",
    "dump_fault": "tenantry.rpc.xmlrpc",
    "dump_response": "tenantry.rpc.xmlrpc",
    "parse_request": "tenantry.rpc.xmlrpc",
}

__all__ = [
    "MethodNotFound",
    "RpcConfig",
    "call_kw",
    "dispatch_rpc",
    "dump_fault",
    "dump_response",
    "parse_request",
    "to_jsonrpc_error",
    "to_wire",
    "to_xmlrpc_fault",
    "version_info",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tenantry.rpc' has no attribute {name!r}")
