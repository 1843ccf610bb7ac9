"""The XML-RPC response writer produces the stdlib's document without inter-element newlines."""

from __future__ import annotations

import datetime as dt
import re
import xmlrpc.client as stdlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenantry.rpc import xmlrpc as writer

_scalars = (
    st.text()
    | st.integers(min_value=-(2**31), max_value=2**31 - 1)
    | st.booleans()
    | st.floats(allow_nan=False)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _stdlib(value: Any) -> bytes:
    """What ``xmlrpc.client`` writes, less the newlines it puts between elements."""
    document = writer._strip_invalid(stdlib.dumps((value,), methodresponse=True))
    head, body = document.split("\n", 1)
    return (head + "\n" + re.sub(r">\n(?=<)", ">", body)).encode("utf-8")


@given(_values)
def test_documents_match_the_stdlib_marshaller(value: Any) -> None:
    assert writer.dump_response(value) == _stdlib(value)
    assert stdlib.loads(writer.dump_response(value))[0] == stdlib.loads(_stdlib(value))[0]


def test_read_rows_round_trip_through_the_stdlib_parser() -> None:
    rows = [{"id": 7, "name": "A & <B>", "partner_id": [3, "C"], "active": True, "amount": 1.5}]
    (parsed,), _ = stdlib.loads(writer.dump_response(rows))
    assert parsed == rows


def test_other_types_go_to_the_stdlib_marshaller() -> None:
    value = [stdlib.Binary(b"\x00\x01"), stdlib.DateTime("20240501T10:00:00")]
    (parsed,), _ = stdlib.loads(writer.dump_response(value), use_builtin_types=True)
    assert parsed == [b"\x00\x01", dt.datetime(2024, 5, 1, 10, 0)]


@pytest.mark.parametrize(
    ("value", "error"),
    [(2**31, OverflowError), (-(2**31) - 1, OverflowError), ({1: "x"}, TypeError), ([None], TypeError)],
)
def test_values_xmlrpc_cannot_carry_raise_like_the_stdlib(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        writer.dump_response(value)
    with pytest.raises(error):
        stdlib.dumps((value,), methodresponse=True)


def test_control_characters_are_stripped_from_strings() -> None:
    (parsed,), _ = stdlib.loads(writer.dump_response({"name": "a\x01b\x0bc"}))
    assert parsed == {"name": "abc"}
