"""XML-RPC bodies: parse a request (hardened against entity tricks), write a response or a fault.

Requests are read by the stdlib's unmarshaller within :mod:`tenantry.rpc.limits`:
arrays and structs nested too deep, integers beyond 64 bits and floats that are not
finite are a ``ValidationError`` as soon as the parser meets them.

Responses are what Odoo 17 sends: ``allow_none`` off (values go through
:func:`~tenantry.rpc.marshal.to_wire` first), and the characters XML 1.0 cannot carry
(control characters; lone surrogates, which become U+FFFD) removed from strings.
"""

from __future__ import annotations

import re
import xmlrpc.client
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from defusedxml.xmlrpc import DefusedExpatParser

from tenantry.exceptions import ValidationError
from tenantry.rpc import limits

__all__ = ["dump_fault", "dump_response", "parse_request"]

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_request(body: bytes) -> tuple[str, tuple[Any, ...]]:
    """The method name and the parameters of an XML-RPC call.

    ``<dateTime.iso8601>`` arrives as ``datetime``, ``<base64>`` as ``bytes``. DTDs,
    entity declarations and external references are refused (``ValueError``).
    """
    unmarshaller = _Unmarshaller(use_datetime=True, use_builtin_types=True)
    parser = DefusedExpatParser(unmarshaller)
    try:
        parser.feed(body)
        parser.close()
        params = unmarshaller.close()
    except (ValueError, ValidationError):
        raise
    except Exception as exc:  # expat, defusedxml and unmarshaller errors
        raise ValueError(f"Invalid XML-RPC request: {exc}") from exc
    method = unmarshaller.getmethodname()
    if not method:
        raise ValueError("Invalid XML-RPC request: no methodName")
    return method, tuple(params)


class _Unmarshaller(xmlrpc.client.Unmarshaller):
    """The stdlib's unmarshaller, checking :mod:`tenantry.rpc.limits` as elements come."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        super().start(tag, attrs)
        if len(self._marks) > limits.MAX_NESTING:  # one mark per open array or struct
            raise limits.too_deep()


def _end_int(self: xmlrpc.client.Unmarshaller, data: str) -> None:
    if len(data.strip().lstrip("+-")) > 20:  # beyond 64 bits: int() would work for nothing (or refuse)
        raise limits.int_out_of_range()
    self.append(limits.check_int(int(data)))
    self._value = False


def _end_double(self: xmlrpc.client.Unmarshaller, data: str) -> None:
    self.append(limits.check_float(float(data)))
    self._value = False


def _end_bigdecimal(self: xmlrpc.client.Unmarshaller, data: str) -> None:
    value = Decimal(data)
    limits.check_float(float(value))  # 1E+999999999 would be a costly int, or inf
    self.append(value)
    self._value = False


# The stdlib's handlers, with numbers checked (the table is looked up per instance).
_Unmarshaller.dispatch = {
    **xmlrpc.client.Unmarshaller.dispatch,
    **dict.fromkeys(("i1", "i2", "i4", "i8", "int", "biginteger"), _end_int),
    "double": _end_double,
    "float": _end_double,
    "bigdecimal": _end_bigdecimal,
}


def dump_response(value: Any) -> bytes:
    """A ``methodResponse`` carrying ``value`` (already wire-ready: no ``None``).

    The document is the one ``xmlrpc.client.dumps`` writes, element for element,
    without the newlines between elements (insignificant in XML-RPC: clients parse
    a fifth faster without their whitespace events), from a writer specialised for
    wire values (see :func:`_Writer`): the stdlib's generic marshaller was a fifth of
    a ``search_read`` call.
    """
    out = ["<?xml version='1.0'?>\n<methodResponse><params><param>"]
    _write(value, out.append)
    out.append("</param></params></methodResponse>\n")
    return _strip_invalid_bytes(_utf8("".join(out)))


def dump_fault(fault: xmlrpc.client.Fault) -> bytes:
    """A ``methodResponse`` carrying ``fault``."""
    safe = xmlrpc.client.Fault(_xml_safe(fault.faultCode), _xml_safe(fault.faultString))
    return _utf8(xmlrpc.client.dumps(safe, methodresponse=True, allow_none=False))


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _scalar(value: Any) -> str | None:
    """The ``<value>`` element of a str, int, bool or float; None for anything else."""
    kind = type(value)
    if kind is str:
        if "&" in value or "<" in value or ">" in value:
            value = _escape(value)
        return f"<value><string>{value}</string></value>"
    if kind is int:
        if not _INT_MIN <= value <= _INT_MAX:
            raise OverflowError("int exceeds XML-RPC limits")
        return f"<value><int>{value}</int></value>"
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is float:
        return f"<value><double>{value!r}</double></value>"
    return None


_TRUE = "<value><boolean>1</boolean></value>"
_FALSE = "<value><boolean>0</boolean></value>"


def _write(value: Any, write: Callable[[str], None]) -> None:
    """Append the ``<value>`` of a wire value: str, int, float, bool, dict, list, tuple.

    A struct is written as one string (its members' headers computed once per key
    and document: the rows of a ``read()`` share their keys). Anything else goes to
    the stdlib marshaller (``Binary``, ``DateTime``, ...), which also raises its own
    errors (``TypeError``).
    """
    _Writer(write).value(value)


class _Writer:
    __slots__ = ("headers", "write")

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.headers: dict[str, str] = {}

    def value(self, value: Any) -> None:
        kind = type(value)
        if kind is dict:
            self.write(self.struct(value))
        elif kind is list or kind is tuple:
            write = self.write
            write("<value><array><data>")
            for item in value:
                if type(item) is dict:
                    write(self.struct(item))
                else:
                    element = _scalar(item)
                    if element is None:
                        self.value(item)
                    else:
                        write(element)
            write("</data></array></value>")
        else:
            element = _scalar(value)
            if element is None:
                marshaller = xmlrpc.client.Marshaller("utf-8", allow_none=False)
                marshaller._Marshaller__dump(value, self.write)  # type: ignore[attr-defined]
            else:
                self.write(element)

    def struct(self, value: dict[Any, Any]) -> str:
        headers = self.headers
        parts = ["<value><struct>"]
        for key, item in value.items():
            header = headers.get(key)
            if header is None:
                if type(key) is not str:
                    raise TypeError("dictionary key must be string")
                header = headers[key] = f"<member><name>{_escape(key)}</name>"
            element = _scalar(item)
            if element is None:
                nested: list[str] = []
                _Writer(nested.append).value(item)
                element = "".join(nested)
            parts.append(f"{header}{element}</member>")
        parts.append("</struct></value>")
        return "".join(parts)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(document: str) -> bytes:
    """``document`` in UTF-8; a lone surrogate (no UTF-8 form, no XML one) becomes U+FFFD."""
    try:
        return document.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", document).encode("utf-8")


def _strip_invalid(text: str) -> str:
    return _XML_INVALID.sub("", text) if _XML_INVALID.search(text) else text


# Control characters are invalid anywhere in XML 1.0 and only string contents can hold
# them, so they are deleted from the encoded document in one C-speed pass. In UTF-8 they
# are single bytes that never occur inside a multi-byte sequence (those are >= 0x80).
_INVALID_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))


def _strip_invalid_bytes(data: bytes) -> bytes:
    return data.translate(None, _INVALID_BYTES)


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        # Most strings are clean: searching is cheaper than substituting.
        return _XML_INVALID.sub("", value) if _XML_INVALID.search(value) else value
    if isinstance(value, dict):
        return {_xml_safe(k): _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_xml_safe(v) for v in value]
    return value
