from __future__ import annotations

import datetime as dt
import time
import xmlrpc.client
from decimal import Decimal
from typing import Any

import pytest

from tenantry.exceptions import ValidationError
from tenantry.rpc.limits import MAX_NESTING
from tenantry.rpc.xmlrpc import dump_fault, dump_response, parse_request


def test_parse_request_gives_method_and_params() -> None:
    body = xmlrpc.client.dumps(
        ("db", 2, "pw", [1, 2], {"k": xmlrpc.client.DateTime("20240501T10:00:00")}), "execute_kw"
    ).encode()
    method, params = parse_request(body)
    assert method == "execute_kw"
    assert params[:4] == ("db", 2, "pw", [1, 2])
    assert params[4] == {"k": dt.datetime(2024, 5, 1, 10, 0)}


def test_entity_expansion_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<methodCall><methodName>version</methodName><params><param><value><string>&b;</string>"
        b"</value></param></params></methodCall>"
    )
    with pytest.raises(ValueError):
        parse_request(body)


@pytest.mark.parametrize("body", [b"", b"<not-xml", b"<methodCall><params/></methodCall>"])
def test_malformed_requests_are_value_errors(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_request(body)


def test_responses_never_allow_none_and_drop_control_characters() -> None:
    ((value,), _) = xmlrpc.client.loads(dump_response({"a": ["x\x00y", 1, False]}))
    assert value == {"a": ["xy", 1, False]}
    with pytest.raises(TypeError):
        dump_response(None)


def _call(value_xml: bytes, method: bytes = b"execute_kw") -> bytes:
    return (
        b"<?xml version='1.0'?><methodCall><methodName>" + method + b"</methodName><params><param>"
        b"<value>" + value_xml + b"</value></param></params></methodCall>"
    )


def _nested(tag: bytes, levels: int) -> bytes:
    if tag == b"array":
        return b"<array><data><value>" * levels + b"<int>1</int>" + b"</value></data></array>" * levels
    return (
        b"<struct><member><name>k</name><value>" * levels
        + b"<int>1</int>"
        + b"</value></member></struct>" * levels
    )


# Well-formed XML-RPC carrying what no request may: a ValidationError naming the limit.
BEYOND_THE_LIMITS = [
    pytest.param(_nested(b"array", 100_000), "nesting", id="arrays-100k-deep"),
    pytest.param(_nested(b"struct", 100_000), "nesting", id="structs-100k-deep"),
    pytest.param(_nested(b"array", MAX_NESTING + 1), "nesting", id="arrays-just-too-deep"),
    pytest.param(b"<int>" + b"9" * 100_000 + b"</int>", "integer", id="int-100k-digits"),
    pytest.param(b"<i8>%d</i8>" % 2**63, "integer", id="i8-beyond-64-bits"),
    pytest.param(b"<int>%d</int>" % -(2**63 + 1), "integer", id="int-below-64-bits"),
    pytest.param(b"<biginteger>%d</biginteger>" % 2**70, "integer", id="biginteger"),
    pytest.param(b"<double>nan</double>", "float", id="nan"),
    pytest.param(b"<double>inf</double>", "float", id="inf"),
    pytest.param(b"<double>-Infinity</double>", "float", id="minus-inf"),
    pytest.param(b"<double>1e999</double>", "float", id="overflowing-double"),
    pytest.param(b"<bigdecimal>1E+999999999</bigdecimal>", "float", id="huge-bigdecimal"),
]


@pytest.mark.parametrize(("value", "limit"), BEYOND_THE_LIMITS)
def test_values_beyond_the_limits_are_refused_while_parsing(value: bytes, limit: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        parse_request(_call(value))
    assert info.value.context["limit"] == limit
    assert time.perf_counter() - started < 10  # bounded, with room for a loaded machine


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"<string>&#xDC80;</string>", id="lone-surrogate-reference"),
        pytest.param(b"<string>&#55296;</string>", id="lone-high-surrogate-reference"),
        pytest.param(b"<string>\xed\xb2\x80</string>", id="utf8-encoded-surrogate"),
        pytest.param(b"<string>\xff\xfe</string>", id="invalid-utf8"),
        pytest.param(b"<string>a\x00b</string>", id="nul"),
        pytest.param(b"<boolean>2</boolean>", id="bad-boolean"),
        pytest.param(b"<dateTime.iso8601>never</dateTime.iso8601>", id="bad-datetime"),
        pytest.param(b"<base64>a</base64>", id="bad-base64"),
        pytest.param(b"<int>12x</int>", id="bad-int"),
    ],
)
def test_values_that_are_not_xml_rpc_are_value_errors(value: bytes) -> None:
    with pytest.raises(ValueError):
        parse_request(_call(value))


def test_values_at_the_limits_are_read() -> None:
    _, (deep,) = parse_request(_call(_nested(b"array", MAX_NESTING)))
    for _ in range(MAX_NESTING - 1):
        (deep,) = deep
    assert deep == [1]
    _, values = parse_request(
        _call(
            b"<array><data><value><i8>%d</i8></value><value><int>%d</int></value>"
            b"<value><double>1e308</double></value><value><bigdecimal>1.5</bigdecimal></value>"
            b"</data></array>" % (2**63 - 1, -(2**63))
        )
    )
    assert values == ([2**63 - 1, -(2**63), 1e308, Decimal("1.5")],)


def test_the_stdlib_unmarshaller_is_left_alone() -> None:
    assert xmlrpc.client.Unmarshaller.dispatch["int"] is xmlrpc.client.Unmarshaller.end_int
    assert xmlrpc.client.loads(_call(b"<int>%d</int>" % 2**70))[0] == (2**70,)


@pytest.mark.parametrize(
    "value",
    ["a\udc80b", {"k\ud800": "v"}, ["\udfff", {"x": "\ud83d"}]],
    ids=["string", "key", "nested"],
)
def test_responses_with_lone_surrogates_are_valid_xml(value: Any) -> None:
    ((read,), _) = xmlrpc.client.loads(dump_response(value))
    assert "\ufffd" in repr(read) and not any(0xD800 <= ord(c) <= 0xDFFF for c in repr(read))


@pytest.mark.parametrize("legacy", [False, True])
def test_faults_with_lone_surrogates_are_valid_xml(legacy: bool) -> None:
    code: Any = "warning -- UserError\n\nbad \udc80" if legacy else 2
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(dump_fault(xmlrpc.client.Fault(code, "bad value \ud800!")))
    assert fault.value.faultString == "bad value \ufffd!"
