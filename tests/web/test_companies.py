"""The ``cids`` cookie, read and written (no database)."""

from __future__ import annotations

import pytest

from tenantry.web.companies import allowed_companies, cids_value


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("3-1", [3, 1]),
        ("1-3", [1, 3]),
        ("3", [3]),
        ("3-9-1", [3, 1]),  # 9 is not the user's
        ("3-3-1", [3, 1]),
        ("x-3", [3]),
        ("-1", [1]),
        ("1,3", [1]),  # not Odoo 17's separator: nothing valid, so the default
        ("", [1]),
        (None, [1]),
        ("9", [1]),
        ("٣", [1]),  # digits, but not ASCII ones
        ("1" * 40, [1]),
    ],
)
def test_cids_keeps_the_users_companies_in_order_else_the_default(
    cookie: str | None, expected: list[int]
) -> None:
    assert allowed_companies(cookie, user_companies=[1, 3], default=1) == expected


def test_cids_value_puts_the_current_company_first_once() -> None:
    assert cids_value(3, [1, 3, 1]) == "3-1"
    assert cids_value(1) == "1"
