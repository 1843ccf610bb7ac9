"""Odoo's external API (``common``, ``object``, ``db``) as transport-independent Python.

- :mod:`~tenantry.rpc.dispatch`: :func:`dispatch_rpc`, one call of a service;
- :mod:`~tenantry.rpc.call`: :func:`call_kw`, Odoo's calling convention for model methods;
- :mod:`~tenantry.rpc.services`: the three services;
- :mod:`~tenantry.rpc.marshal`: Python values to wire values;
- :mod:`~tenantry.rpc.faults`: exceptions to XML-RPC faults and JSON-RPC errors;
- :mod:`~tenantry.rpc.xmlrpc`: XML-RPC request parsing and response writing.
"""

from tenantry.rpc.call import call_kw
from tenantry.rpc.config import MethodNotFound, RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.faults import to_jsonrpc_error, to_xmlrpc_fault
from tenantry.rpc.marshal import to_wire
from tenantry.rpc.services import version_info
from tenantry.rpc.xmlrpc import dump_fault, dump_response, parse_request

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
