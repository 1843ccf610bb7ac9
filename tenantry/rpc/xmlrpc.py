"""XML-RPC bodies: parse a request (hardened against entity tricks), write a response or a fault.

Responses are what Odoo 17 sends: ``allow_none`` off (values go through
:func:`~tenantry.rpc.marshal.to_wire` first), and the control characters XML 1.0 cannot
carry removed from strings.
"""

from __future__ import annotations

import re
import xmlrpc.client
from typing import Any

from defusedxml.xmlrpc import DefusedExpatParser

__all__ = ["dump_fault", "dump_response", "parse_request"]

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_request(body: bytes) -> tuple[str, tuple[Any, ...]]:
    """The method name and the parameters of an XML-RPC call.

    ``<dateTime.iso8601>`` arrives as ``datetime``, ``<base64>`` as ``bytes``. DTDs,
    entity declarations and external references are refused (``ValueError``).
    """
    unmarshaller = xmlrpc.client.Unmarshaller(use_datetime=True, use_builtin_types=True)
    parser = DefusedExpatParser(unmarshaller)
    try:
        parser.feed(body)
        parser.close()
        params = unmarshaller.close()
    except ValueError:
        raise
    except Exception as exc:  # expat, defusedxml and unmarshaller errors
        raise ValueError(f"Invalid XML-RPC request: {exc}") from exc
    method = unmarshaller.getmethodname()
    if not method:
        raise ValueError("Invalid XML-RPC request: no methodName")
    return method, tuple(params)


def dump_response(value: Any) -> bytes:
    """A ``methodResponse`` carrying ``value`` (already wire-ready: no ``None``)."""
    text = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=False)
    # Control characters are invalid anywhere in XML 1.0 and only string contents can
    # hold them: one pass over the document replaces a walk over the value.
    return _strip_invalid(text).encode("utf-8")


def dump_fault(fault: xmlrpc.client.Fault) -> bytes:
    """A ``methodResponse`` carrying ``fault``."""
    safe = xmlrpc.client.Fault(_xml_safe(fault.faultCode), _xml_safe(fault.faultString))
    return xmlrpc.client.dumps(safe, methodresponse=True, allow_none=False).encode("utf-8")


def _strip_invalid(text: str) -> str:
    return _XML_INVALID.sub("", text) if _XML_INVALID.search(text) else text


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        # Most strings are clean: searching is cheaper than substituting.
        return _XML_INVALID.sub("", value) if _XML_INVALID.search(value) else value
    if isinstance(value, dict):
        return {_xml_safe(k): _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_xml_safe(v) for v in value]
    return value
