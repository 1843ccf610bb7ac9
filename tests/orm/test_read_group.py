"""read_group: Odoo's result shape, lazy and not, date buckets."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment


@pytest.fixture
def grouped(env: Environment):  # type: ignore[no-untyped-def]
    return env["test.thing"].create(
        [
            {"name": "g1", "kind": "b", "count": 1, "day": "2024-01-05", "code": "G1"},
            {"name": "g2", "kind": "b", "count": 2, "day": "2024-01-20", "code": "G2"},
            {"name": "g3", "kind": "c", "count": 4, "day": "2024-03-02", "code": "G3"},
        ]
    )


def test_lazy_groups_count_sum_and_domain(env: Environment, grouped) -> None:  # type: ignore[no-untyped-def]
    groups = env["test.thing"].read_group([("code", "like", "G")], ["count:sum"], ["kind", "day:month"])
    assert [(g["kind"], g["kind_count"], g["count"]) for g in groups] == [("b", 2, 3), ("c", 1, 4)]
    assert groups[0]["__context"] == {"group_by": ["day:month"]}
    assert env["test.thing"].search_count(groups[0]["__domain"]) == 2


def test_non_lazy_groups_by_month(env: Environment, grouped) -> None:  # type: ignore[no-untyped-def]
    groups = env["test.thing"].read_group(
        [("code", "like", "G")], ["count"], ["day:month", "kind"], lazy=False
    )
    assert [(g["day:month"], g["kind"], g["__count"], g["count"]) for g in groups] == [
        ("January 2024", "b", 2, 3),
        ("March 2024", "c", 1, 4),
    ]
    assert env["test.thing"].search_count(groups[0]["__domain"]) == 2


def test_group_by_many2one_gives_id_and_name(env: Environment) -> None:
    groups = env["sale.order"].read_group(
        [], ["amount_total:sum"], ["partner_id"], orderby="amount_total desc"
    )
    assert groups[0]["partner_id"][1] in ("Wood Corner", "Deco Addict")
    assert groups[0]["amount_total"] >= groups[-1]["amount_total"]


@pytest.mark.parametrize("groupby", ["nope", "label", "kind:month", "day:century"])
def test_bad_groupby_is_a_validation_error(env: Environment, groupby: str) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].read_group([], ["count"], [groupby])
