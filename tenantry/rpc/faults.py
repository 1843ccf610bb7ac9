"""Exceptions to the wire: the one place where the exception tree meets RPC.

``/xmlrpc/2`` faults carry an integer code, legacy ``/xmlrpc`` faults a string code, and
JSON-RPC errors Odoo's ``{"code", "message", "data": {name, message, arguments, context,
debug}}`` envelope; the first matching row wins:

==============================  ===========  ===============================  ======================
exception                       ``/2`` code  legacy code (faultString)        JSON-RPC ``data.name``
==============================  ===========  ===============================  ======================
``AccessDenied``                3            ``"AccessDenied"`` (message)     odoo.exceptions.AccessDenied
``AccessError``                 4            ``"warning -- AccessError\\n\\n"``  odoo.exceptions.AccessError
                                             + message (``""``)
``MissingError``                2            ``"warning -- MissingError..."``  odoo.exceptions.MissingError
``ValidationError``/``UserError``  2         ``"warning -- UserError..."``     odoo.exceptions.<Class>
``SessionExpired``              1            message (type: message)           odoo.http.SessionExpired...
``DatabaseNotFound``            1            message (type: message)           psycopg2.OperationalError
anything else                   1            message (traceback if dev)        <module>.<Class>
==============================  ===========  ===============================  ======================

(``SessionExpired`` is JSON-RPC code 100 "Odoo Session Expired", named
``odoo.http.SessionExpiredException``; an HTTP 404 from the web layer is code 404.)
Tracebacks leave the process only in development mode; otherwise fault 1 and ``debug`` say
``"ExceptionType: message"``.
"""

from __future__ import annotations

import traceback
import xmlrpc.client
from typing import Any, cast

from tenantry.exceptions import (
    AccessDenied,
    AccessError,
    DatabaseNotFound,
    MissingError,
    SessionExpired,
    TenantryError,
    UserError,
    ValidationError,
)
from tenantry.rpc.marshal import to_wire

__all__ = [
    "ACCESS_DENIED",
    "ACCESS_ERROR",
    "APPLICATION_ERROR",
    "WARNING",
    "to_jsonrpc_error",
    "to_xmlrpc_fault",
]

APPLICATION_ERROR = 1
WARNING = 2
ACCESS_DENIED = 3
ACCESS_ERROR = 4

# Most specific first: AccessDenied and AccessError are UserErrors too.
_ODOO_NAMES: tuple[tuple[type[BaseException], str], ...] = (
    (AccessDenied, "odoo.exceptions.AccessDenied"),
    (AccessError, "odoo.exceptions.AccessError"),
    (MissingError, "odoo.exceptions.MissingError"),
    (ValidationError, "odoo.exceptions.ValidationError"),
    (UserError, "odoo.exceptions.UserError"),
    (SessionExpired, "odoo.http.SessionExpiredException"),
    (DatabaseNotFound, "psycopg2.OperationalError"),  # Odoo fails connecting to it
)


def to_xmlrpc_fault(exc: BaseException, *, legacy: bool = False, dev: bool = False) -> xmlrpc.client.Fault:
    """The fault for ``exc``: integer codes on ``/xmlrpc/2``, string codes when ``legacy``."""
    message = _message(exc)
    if legacy:
        if isinstance(exc, AccessDenied):
            return _legacy("AccessDenied", message)
        if isinstance(exc, MissingError):
            return _legacy(f"warning -- MissingError\n\n{message}", "")
        if isinstance(exc, AccessError):
            return _legacy(f"warning -- AccessError\n\n{message}", "")
        if isinstance(exc, UserError):
            return _legacy(f"warning -- UserError\n\n{message}", "")
        return _legacy(message, _details(exc, dev))
    if isinstance(exc, AccessDenied):
        return xmlrpc.client.Fault(ACCESS_DENIED, message)
    if isinstance(exc, AccessError):
        return xmlrpc.client.Fault(ACCESS_ERROR, message)
    if isinstance(exc, UserError):
        return xmlrpc.client.Fault(WARNING, message)
    return xmlrpc.client.Fault(APPLICATION_ERROR, _details(exc, dev))


def to_jsonrpc_error(exc: BaseException, *, dev: bool = False) -> dict[str, Any]:
    """The ``error`` member of a JSON-RPC response for ``exc``."""
    code, message = 200, "Odoo Server Error"
    if isinstance(exc, SessionExpired):
        code, message = 100, "Odoo Session Expired"
    elif getattr(exc, "status_code", None) == 404:  # an HTTP NotFound from the web layer
        code, message = 404, "404: Not Found"
    context = exc.context if isinstance(exc, TenantryError) else {}
    return {
        "code": code,
        "message": message,
        "data": {
            "name": exception_name(exc) if code != 404 else "werkzeug.exceptions.NotFound",
            "message": _message(exc),
            "arguments": [_safe_wire(arg) for arg in exc.args],
            "context": _safe_wire(context),
            "debug": _details(exc, dev),
        },
    }


def _legacy(code: str, text: str) -> xmlrpc.client.Fault:
    """A fault with a string code (typeshed says int; the protocol of old Odoo says str)."""
    return xmlrpc.client.Fault(cast(int, code), text)


def exception_name(exc: BaseException) -> str:
    """Odoo's dotted name for ``exc``'s class (``odoo.exceptions.UserError``, ``builtins.KeyError``)."""
    for cls, name in _ODOO_NAMES:
        if isinstance(exc, cls):
            return name
    cls_ = type(exc)
    return f"{cls_.__module__}.{cls_.__qualname__}"


def _message(exc: BaseException) -> str:
    if isinstance(exc, TenantryError):
        return exc.message
    if isinstance(exc, KeyError) and exc.args:  # str(KeyError) quotes its key: keep it
        return str(exc)
    return str(exc.args[0]) if len(exc.args) == 1 else str(exc)


def _details(exc: BaseException, dev: bool) -> str:
    if dev:
        return "".join(traceback.format_exception(exc))
    return f"{type(exc).__name__}: {_message(exc)}"


def _safe_wire(value: Any) -> Any:
    try:
        return to_wire(value)
    except TypeError:
        return str(value)
