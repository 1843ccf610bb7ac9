from __future__ import annotations

import datetime as dt
import xmlrpc.client

import pytest

from tenantry.rpc.xmlrpc import dump_response, parse_request


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
