"""The whole mapping table of exceptions to XML-RPC faults (both flavours) and JSON-RPC errors."""

from __future__ import annotations

import xmlrpc.client

import pytest

from tenantry.exceptions import (
    AccessDenied,
    AccessError,
    MissingError,
    SessionExpired,
    UserError,
    ValidationError,
)
from tenantry.rpc.config import MethodNotFound
from tenantry.rpc.faults import to_jsonrpc_error, to_xmlrpc_fault
from tenantry.rpc.xmlrpc import dump_fault

TABLE = [
    # exception, /xmlrpc/2 code, legacy (code, string), JSON-RPC name
    (AccessDenied(), 3, ("AccessDenied", "Access Denied"), "odoo.exceptions.AccessDenied"),
    (AccessError("no"), 4, ("warning -- AccessError\n\nno", ""), "odoo.exceptions.AccessError"),
    (MissingError("gone"), 2, ("warning -- MissingError\n\ngone", ""), "odoo.exceptions.MissingError"),
    (ValidationError("bad"), 2, ("warning -- UserError\n\nbad", ""), "odoo.exceptions.ValidationError"),
    (UserError("oops"), 2, ("warning -- UserError\n\noops", ""), "odoo.exceptions.UserError"),
]


@pytest.mark.parametrize(("exc", "code", "legacy", "name"), TABLE, ids=lambda v: type(v).__name__)
def test_tenantry_errors_map_to_odoos_codes(
    exc: Exception, code: int, legacy: tuple[str, str], name: str
) -> None:
    fault = to_xmlrpc_fault(exc)
    assert (fault.faultCode, fault.faultString) == (code, str(exc))
    old = to_xmlrpc_fault(exc, legacy=True)
    assert (old.faultCode, old.faultString) == legacy
    error = to_jsonrpc_error(exc)
    assert error["code"] == 200
    assert error["message"] == "Odoo Server Error"
    assert error["data"]["name"] == name
    assert error["data"]["message"] == str(exc)
    assert error["data"]["arguments"] == [str(exc)]
    assert error["data"]["context"] == {}


@pytest.mark.parametrize("exc", [KeyError("x"), MethodNotFound("Method not found: foo"), TypeError("t")])
def test_unexpected_errors_are_fault_1_without_traceback(exc: Exception) -> None:
    fault = to_xmlrpc_fault(exc)
    assert fault.faultCode == 1
    assert fault.faultString.startswith(f"{type(exc).__name__}: ")
    assert "Traceback" not in fault.faultString
    old = to_xmlrpc_fault(exc, legacy=True)
    assert "Traceback" not in old.faultString
    data = to_jsonrpc_error(exc)["data"]
    assert data["name"] == f"{type(exc).__module__}.{type(exc).__qualname__}"
    assert "Traceback" not in data["debug"]


def test_tracebacks_only_in_dev_mode() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        fault = to_xmlrpc_fault(exc, dev=True)
        old = to_xmlrpc_fault(exc, legacy=True, dev=True)
        error = to_jsonrpc_error(exc, dev=True)
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):")
    assert fault.faultString.rstrip().endswith("KeyError: 'missing'")
    assert old.faultCode == "'missing'"
    assert old.faultString.startswith("Traceback")
    assert error["data"]["name"] == "builtins.KeyError"
    assert error["data"]["debug"].startswith("Traceback")


def test_session_expired_is_json_code_100() -> None:
    error = to_jsonrpc_error(SessionExpired())
    assert error["code"] == 100
    assert error["message"] == "Odoo Session Expired"
    assert error["data"]["name"] == "odoo.http.SessionExpiredException"
    assert error["data"]["message"] == "Session expired"
    assert to_xmlrpc_fault(SessionExpired()).faultCode == 1


def test_http_not_found_is_json_code_404() -> None:
    class NotFound(Exception):
        status_code = 404

    error = to_jsonrpc_error(NotFound())
    assert (error["code"], error["message"]) == (404, "404: Not Found")
    assert error["data"]["name"] == "werkzeug.exceptions.NotFound"


def test_error_context_travels_in_json() -> None:
    error = to_jsonrpc_error(AccessError("no", context={"model": "res.partner", "ids": (1, 2)}))
    assert error["data"]["context"] == {"model": "res.partner", "ids": [1, 2]}


@pytest.mark.parametrize("legacy", [False, True])
def test_faults_survive_the_xml_round_trip(legacy: bool) -> None:
    body = dump_fault(to_xmlrpc_fault(AccessError("no\x01 way"), legacy=legacy))
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(body)
    expected = "warning -- AccessError\n\nno way" if legacy else 4
    assert caught.value.faultCode == expected
