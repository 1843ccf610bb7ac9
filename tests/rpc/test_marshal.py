from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenantry.rpc.marshal import to_wire


def test_dates_and_datetimes_become_odoo_strings() -> None:
    assert to_wire(dt.date(2024, 5, 1)) == "2024-05-01"
    assert to_wire(dt.datetime(2024, 5, 1, 13, 4, 5, 999)) == "2024-05-01 13:04:05"


def test_aware_datetimes_are_sent_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    assert to_wire(dt.datetime(2024, 5, 1, 13, 0, tzinfo=paris)) == "2024-05-01 11:00:00"


def test_none_becomes_false_everywhere() -> None:
    assert to_wire(None) is False
    assert to_wire({"a": None, "b": [None, (None,)]}) == {"a": False, "b": [False, [False]]}


def test_containers_become_lists_and_keys_strings() -> None:
    assert to_wire((1, 2)) == [1, 2]
    assert to_wire({1: "x", dt.date(2024, 1, 2): "y"}) == {"1": "x", "2024-01-02": "y"}
    assert sorted(to_wire({3, 1})) == [1, 3]


def test_bytes_become_text_and_raw_binary_base64() -> None:
    assert to_wire(b"aGVsbG8=") == "aGVsbG8="
    assert to_wire(b"\xff\x00") == "/wA="


def test_scalars_pass_through_and_decimals_become_floats() -> None:
    assert to_wire(True) is True
    assert to_wire(0) == 0
    assert to_wire(1.5) == 1.5
    assert to_wire(Decimal("2.5")) == 2.5


def test_unknown_objects_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot marshal object"):
        to_wire(object())


def test_recordsets_become_id_lists(env) -> None:  # type: ignore[no-untyped-def]
    partners = env["res.partner"].search([], limit=2)
    assert to_wire({"p": partners}) == {"p": partners.ids}
