"""One RPC call, transport aside: ``dispatch_rpc(instance, config, service, method, params)``.

The HTTP layer parses the body (:mod:`tenantry.rpc.xmlrpc`, JSON), calls
:func:`dispatch_rpc`, and maps any exception with :mod:`tenantry.rpc.faults`::

    try:
        result = dispatch_rpc(instance, config, "object", "execute_kw", params, client_ip=ip)
    except Exception as exc:
        body = dump_fault(to_xmlrpc_fault(exc, dev=config.dev))
    else:
        body = dump_response(result)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tenantry.rpc.config import MethodNotFound, RpcConfig
from tenantry.rpc.services import SERVICES

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["MethodNotFound", "RpcConfig", "dispatch_rpc"]


def dispatch_rpc(
    instance: Instance,
    config: RpcConfig,
    service: str,
    method: str,
    params: Sequence[Any],
    *,
    client_ip: str | None = None,
) -> Any:
    """Run ``service.method(*params)``; the result is wire-ready, errors are raised as they are."""
    handler = SERVICES.get(service) if isinstance(service, str) else None
    if handler is None:
        raise MethodNotFound(f"Service not found: {service}")
    if not isinstance(method, str):
        raise MethodNotFound(f"Method not found: {method!r}")
    return handler(instance, config, method, tuple(params or ()), client_ip)
