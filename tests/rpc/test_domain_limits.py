"""Domain limits over ``execute_kw``: every method taking a domain refuses one past a limit, fast,
with a ValidationError (fault 2) naming it, and runs one at the limits, on both back ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tenantry.domain.limits import MAX_DEPTH, MAX_PATH, MAX_RELATIONS, MAX_TERMS, MAX_VALUES, relation_depth
from tenantry.domain.schema import FieldType
from tenantry.exceptions import ValidationError
from tenantry.instance import Instance
from tenantry.rpc.faults import to_xmlrpc_fault
from tests.rpc.test_object import Client

M2O, O2M, M2M = (relation_depth(t) for t in (FieldType.MANY2ONE, FieldType.ONE2MANY, FieldType.MANY2MANY))

Method = Callable[[Client, str, list[Any]], Any]

# Every way a domain reaches the ORM over RPC: (model, domain) -> result.
METHODS: dict[str, Method] = {
    "search": lambda call, model, domain: call(model, "search", domain),
    "search_count": lambda call, model, domain: call(model, "search_count", domain),
    "search_read": lambda call, model, domain: call(model, "search_read", domain, ["id"], limit=5),
    "read_group": lambda call, model, domain: call(model, "read_group", domain, ["id:count"], ["create_uid"]),
    "name_search": lambda call, model, domain: call(model, "name_search", "", domain, limit=5),
    "filtered_domain": lambda call, model, domain: call(
        model, "filtered_domain", call(model, "search", [], limit=20), domain
    ),
}


def alternating(depth: int, last: Any = ("id", "!=", -1)) -> list[Any]:
    """Nested ``depth`` levels deep (with ``last`` a leaf of depth 1): '|' and '&' alternate."""
    domain: list[Any] = []
    for level in range(depth - 1):
        domain += ["|" if level % 2 == 0 else "&", ("id", "=", -level - 2)]
    return [*domain, last]


def chain(*steps: str, leaf: str = "id") -> str:
    return ".".join([*steps, leaf])


# (model, domain): each at one limit, accepted.
AT_THE_LIMITS = [
    pytest.param("res.partner", [("id", "!=", -i) for i in range(MAX_TERMS)], id="terms-and"),
    pytest.param(
        "res.partner",
        ["|"] * (MAX_TERMS // 2 - 1) + [("id", "=", i) for i in range(MAX_TERMS // 2)],
        id="terms-or",
    ),
    pytest.param("res.partner", [("id", "in", list(range(1, MAX_VALUES + 1)))], id="values-in"),
    pytest.param("res.partner", [("id", "not in", list(range(-MAX_VALUES, 0)))], id="values-not-in"),
    pytest.param("res.partner", alternating(MAX_DEPTH), id="depth"),
    pytest.param(
        "res.partner", [(chain(*["parent_id"] * ((MAX_DEPTH - 1) // M2O)), "!=", -1)], id="many2one-path"
    ),
    pytest.param(
        "res.partner", [(chain(*["child_ids"] * ((MAX_DEPTH - 1) // O2M)), "!=", -1)], id="one2many-path"
    ),
    pytest.param(
        "res.groups", [(chain(*["implied_ids"] * ((MAX_DEPTH - 1) // M2M)), "!=", -1)], id="many2many-path"
    ),
    pytest.param(
        "sale.order",
        [(chain(*["order_line", "order_id"] * ((MAX_DEPTH - 1) // (O2M + M2O))), "!=", -1)],
        id="one2many-many2one-path",
    ),
    pytest.param(
        "res.partner",
        alternating(MAX_DEPTH - 3 * O2M, (chain("child_ids", "child_ids", "child_ids"), "!=", -1)),
        id="depth-and-path",
    ),
]


@pytest.fixture
def admin(instance: Instance, template: str) -> Client:
    return Client(instance, template)


@pytest.mark.parametrize(("model", "domain"), AT_THE_LIMITS)
@pytest.mark.parametrize("method", list(METHODS))
def test_a_domain_at_the_limits_runs_in_every_method(
    admin: Client, method: str, model: str, domain: list[Any]
) -> None:
    started = time.perf_counter()
    METHODS[method](admin, model, domain)
    assert time.perf_counter() - started < 20


# (domain): each just past one limit, on res.partner.
PAST_THE_LIMITS = [
    pytest.param([("id", "!=", -i) for i in range(MAX_TERMS + 1)], "terms", id="terms"),
    pytest.param([("id", "in", list(range(MAX_VALUES + 1)))], "values", id="values"),
    pytest.param([("id", "in", list(range(5_000_000)))], "values", id="5M-values"),
    pytest.param(alternating(MAX_DEPTH + 1), None, id="depth"),
    pytest.param(["!"] * 100_000 + [("id", "=", 1)], "terms", id="100k-nots"),
    pytest.param(["!"] * (MAX_DEPTH + 1) + [("id", "=", 1)], None, id="nots"),
    pytest.param(["&"] * 100_000 + [("id", "=", 1)] * 100_001, "terms", id="100k-ands"),
    pytest.param([(chain(*["parent_id"] * (MAX_RELATIONS + 1)), "=", 1)], "relations", id="path-steps"),
    pytest.param([("parent_id." * 1_000_000 + "id", "=", 1)], "path", id="10MB-path"),
    pytest.param([("a" * (MAX_PATH + 1), "=", 1)], "path", id="path-characters"),
    pytest.param(
        alternating(MAX_DEPTH - 3 * O2M + 1, (chain("child_ids", "child_ids", "child_ids"), "!=", -1)),
        None,
        id="depth-and-path",
    ),
]


@pytest.mark.parametrize(("domain", "limit"), PAST_THE_LIMITS)
@pytest.mark.parametrize("method", list(METHODS))
def test_a_domain_past_a_limit_is_refused_fast_in_every_method(
    admin: Client, method: str, domain: list[Any], limit: str | None
) -> None:
    started = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        METHODS[method](admin, "res.partner", domain)
    assert time.perf_counter() - started < 10  # bounded, with room for a loaded machine
    if limit is None:
        assert f"nested more than {MAX_DEPTH} levels deep" in str(info.value)
    else:
        assert info.value.context["limit"] == limit
    fault = to_xmlrpc_fault(info.value)
    assert fault.faultCode == 2 and len(fault.faultString) < 500


def test_long_domains_are_not_kept_in_the_registry_memo(
    instance: Instance, template: str, admin: Client
) -> None:
    registry = instance.registry(template)
    before = len(registry.memo)
    for start in range(0, 50 * 2000, 2000):  # 50 different long lists
        admin("res.partner", "search", [("id", "in", list(range(start, start + 2000)))])
    assert len(registry.memo) - before < 10


@pytest.mark.parametrize("method", ["search", "search_count", "filtered_domain"])
def test_a_value_nested_deeper_than_any_domain_is_refused_without_recursion_error(
    env: Any, method: str
) -> None:
    # Over the wire nesting stops at 100 levels; Python callers may pass anything.
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    partners = env["res.partner"].search([])
    for domain in ([("name", "=", deep)], [("id", "in", [deep])], [deep]):
        with pytest.raises(ValidationError):
            if method == "filtered_domain":
                partners.filtered_domain(domain)
            else:
                getattr(env["res.partner"], method)(domain)
