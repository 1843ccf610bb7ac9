"""Domain size limits: refused early, fast and by name; domains at the limits run on both back ends."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.domain import CompileContext, compile_domain, evaluate, normalize, parse
from tenantry.domain.limits import (
    MAX_DEPTH,
    MAX_PATH,
    MAX_PATTERN,
    MAX_RELATIONS,
    MAX_TERMS,
    MAX_VALUES,
    check,
    relation_depth,
    show,
)
from tenantry.domain.schema import FieldType
from tenantry.domain.sql import GROUP_WIDTH, INLINE_BUDGET, INLINE_VALUES
from tenantry.exceptions import ValidationError

from ._models import PARTNER, SCHEMA, MemoryReader, python_ids, sample_data, sql_ids

CTX = CompileContext(company_id=1)
M2O, O2M, M2M = (relation_depth(t) for t in (FieldType.MANY2ONE, FieldType.ONE2MANY, FieldType.MANY2MANY))


def p(domain: Any) -> Any:
    return parse(domain, PARTNER, SCHEMA)


def alternating(depth: int) -> list[Any]:
    """A domain nested ``depth`` levels deep: '|' and '&' alternate, each over a leaf."""
    domain: list[Any] = []
    for level in range(depth - 1):
        domain += ["|" if level % 2 == 0 else "&", ("score", "=", level)]
    return [*domain, ("score", "!=", -99)]


def nested_any(levels: int, leaf: tuple[str, str, Any] = ("name", "!=", "x")) -> list[Any]:
    domain: list[Any] = [leaf]
    for _ in range(levels):
        domain = [("parent_id", "any", domain)]
    return domain


def path(steps: int) -> str:
    return ".".join(["parent_id"] * steps + ["name"])


# -- each limit, refused by name ---------------------------------------------------------------

TOO_BIG = [
    pytest.param([("id", "=", i) for i in range(MAX_TERMS + 1)], "terms", MAX_TERMS, id="terms"),
    pytest.param(
        ["|", *[("id", "=", i) for i in range(MAX_TERMS)]], "terms", MAX_TERMS, id="terms-and-operators"
    ),
    pytest.param(
        [("child_ids", "any", [("id", "=", i) for i in range(MAX_TERMS)])],
        "terms",
        MAX_TERMS,
        id="terms-in-a-sub-domain",
    ),
    pytest.param([("id", "in", list(range(MAX_VALUES + 1)))], "values", MAX_VALUES, id="in"),
    pytest.param([("id", "not in", list(range(MAX_VALUES + 1)))], "values", MAX_VALUES, id="not-in"),
    pytest.param([("id", "=", list(range(MAX_VALUES + 1)))], "values", MAX_VALUES, id="eq-list"),
    pytest.param([("id", "in", set(range(MAX_VALUES + 1)))], "values", MAX_VALUES, id="set"),
    pytest.param(
        [("parent_id", "child_of", list(range(MAX_VALUES + 1)))], "values", MAX_VALUES, id="child_of"
    ),
    pytest.param(
        [("id", "in", list(range(MAX_VALUES // 2 + 1))), ("score", "in", list(range(MAX_VALUES // 2)))],
        "values",
        MAX_VALUES,
        id="values-of-all-lists-together",
    ),
    pytest.param(
        [("parent_id", "any", [("id", "in", list(range(MAX_VALUES + 1)))])],
        "values",
        MAX_VALUES,
        id="values-in-a-sub-domain",
    ),
    pytest.param([(path(MAX_RELATIONS + 1), "=", "a")], "relations", MAX_RELATIONS, id="path-steps"),
    pytest.param(nested_any(MAX_RELATIONS + 1), "relations", MAX_RELATIONS, id="nested-any"),
    pytest.param(
        nested_any(MAX_RELATIONS // 2, (path(MAX_RELATIONS - MAX_RELATIONS // 2 + 1), "=", "a")),
        "relations",
        MAX_RELATIONS,
        id="paths-inside-any",
    ),
    pytest.param([("a" * (MAX_PATH + 1), "=", 1)], "path", MAX_PATH, id="path-characters"),
    pytest.param([("name", "ilike", "a" * (MAX_PATTERN + 1))], "pattern", MAX_PATTERN, id="like-pattern"),
    pytest.param(
        [("name", "=LIKE", "%" * (MAX_PATTERN + 1))], "pattern", MAX_PATTERN, id="like-spelled-upper"
    ),
]


@pytest.mark.parametrize(("domain", "limit", "value"), TOO_BIG)
def test_a_domain_past_a_limit_is_refused_naming_the_limit(domain: list[Any], limit: str, value: int) -> None:
    with pytest.raises(ValidationError) as info:
        p(domain)
    assert info.value.context["limit"] == limit
    assert info.value.context["max"] == value
    assert str(value) in str(info.value)
    assert len(str(info.value)) < 400  # the domain is shown, not written out


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param(["!"] * (MAX_DEPTH + 1) + [("name", "=", "a")], id="not"),
        pytest.param(alternating(MAX_DEPTH + 1), id="and-or"),
        pytest.param(
            ["|", ("name", "=", "a"), "!", *alternating(MAX_DEPTH - 1)], id="alternations-under-a-not"
        ),
        pytest.param(
            [*alternating(MAX_DEPTH - M2O * 2 + 1)[:-1], (path(2), "=", "a")],
            id="paths-count-3-levels",
        ),
        pytest.param(
            [*alternating(MAX_DEPTH - M2O + 1)[:-1], ("parent_id", "any", [("name", "=", "a")])],
            id="any-counts-3-levels",
        ),
    ],
)
def test_a_domain_nested_too_deep_is_refused(domain: list[Any]) -> None:
    with pytest.raises(ValidationError, match=f"nested more than {MAX_DEPTH} levels deep"):
        p(domain)


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param([("id", "=", i) for i in range(MAX_TERMS)], id="terms"),
        pytest.param([("id", "in", list(range(MAX_VALUES)))], id="values"),
        pytest.param(alternating(MAX_DEPTH), id="depth"),
        pytest.param([*alternating(MAX_DEPTH - M2O * 2)[:-1], (path(2), "=", "a")], id="depth-with-path"),
        pytest.param([(path(MAX_RELATIONS), "=", "a")], id="path"),
        pytest.param(nested_any(MAX_RELATIONS), id="nested-any"),
        pytest.param([("name", "=", "a" * 100_000)], id="long-value"),
        pytest.param([("name", "not ilike", "a" * MAX_PATTERN)], id="long-pattern"),
    ],
)
def test_a_domain_at_the_limits_is_parsed(domain: list[Any]) -> None:
    node = normalize(p(domain), PARTNER, SCHEMA)
    assert node is not None


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param([("id", "in", list(range(5_000_000)))], id="5M-values"),
        pytest.param([("id", "=", i) for i in range(2_000_000)], id="2M-terms"),
        pytest.param(["!"] * 1_000_000 + [("id", "=", 1)], id="1M-nots"),
        pytest.param(["&"] * 1_000_000 + [("id", "=", 1)] * 1_000_001, id="1M-ands"),
        pytest.param([("parent_id." * 1_000_000 + "name", "=", "a")], id="10MB-path"),
        pytest.param(nested_any(100_000), id="100k-nested-any"),
    ],
)
def test_a_huge_domain_is_refused_at_once(domain: list[Any]) -> None:
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        p(domain)
    assert time.perf_counter() - started < 2  # bounded: unbounded takes minutes


def test_check_counts_terms_and_values() -> None:
    size = check(["|", ("id", "in", [1, 2, 3]), ("child_ids", "any", [("id", "in", (4, 5))])])
    assert (size.terms, size.values) == (4, 5)
    assert check("not a domain").terms == 0  # the parser refuses it, not the check


def test_show_is_bounded_and_keeps_small_values_exact() -> None:
    assert show([("name", "=", "a")]) == repr([("name", "=", "a")])
    started = time.perf_counter()
    text = show([("id", "in", list(range(1_000_000)))] * 1000)
    assert len(text) <= 200 and time.perf_counter() - started < 2
    assert len(show("x" * 10**6)) <= 200


def test_domains_nested_in_values_give_no_recursion_error() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    for domain in ([deep], [("name", "=", deep)], [("name", "in", [deep])], deep):
        with pytest.raises(ValidationError):
            p(domain)


# -- long lists and wide domains on both back ends -----------------------------------------------


def _fillers(kind: str, count: int) -> list[Any]:
    if kind == "date":
        return [date(1900, 1, 1) + timedelta(days=i) for i in range(count)]
    if kind == "datetime":
        return [datetime(1900, 1, 1, 12) + timedelta(hours=i) for i in range(count)]
    if kind == "text":
        return [f"no such text {i}" for i in range(count)]
    return list(range(1000, 1000 + count))


# (field, the values that match sample rows, the kind of filler values)
LISTS = [
    ("id", [1, 4], "int"),
    ("score", [0, 3], "int"),
    ("name", ["Agrolait", "Bob%_", ""], "text"),
    ("ref", ["A1"], "text"),
    ("kind", ["a", "b"], "text"),
    ("birthday", [date(2020, 1, 31)], "date"),
    ("created_at", [datetime(2024, 1, 31, 12, 0)], "datetime"),
    ("parent_id", [1, 2], "int"),
    ("country_id", [3], "int"),
    ("child_ids", [2], "int"),
    ("line_ids", [1, 3], "int"),
    ("tag_ids", [2, 3], "int"),
    ("credit", [5, 100], "int"),
]


@pytest.mark.parametrize("length", [INLINE_VALUES + 1, 5000], ids=["just-past-inline", "5000"])
@pytest.mark.parametrize("operator", ["in", "not in"])
@pytest.mark.parametrize(("field", "matching", "kind"), LISTS, ids=[f for f, _, _ in LISTS])
def test_long_lists_select_what_the_evaluator_finds(
    sample_conn: sa.Connection, field: str, matching: list[Any], kind: str, operator: str, length: int
) -> None:
    values = [*_fillers(kind, length - len(matching) - 1), *matching, False]
    domain = [(field, operator, values)]
    node = p(domain)
    found = sql_ids(sample_conn, node, PARTNER, CTX)
    assert found == python_ids(sample_data(), node, PARTNER, CTX)
    # sent as one parameter, whatever the length
    where = compile_domain(node, PARTNER, SCHEMA, CTX)
    compiled = sa.select(PARTNER.table.c.id).where(where).compile(sample_conn)
    assert len(compiled.params) < 5


def test_the_longest_list_accepted_runs(sample_conn: sa.Connection) -> None:
    node = p([("id", "in", [*range(100, 100 + MAX_VALUES - 2), 1, 3])])
    started = time.perf_counter()
    assert sql_ids(sample_conn, node, PARTNER, CTX) == {1, 3}
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param([("score", "!=", i) for i in range(MAX_TERMS)], id="and-of-the-most-terms"),
        pytest.param(
            ["|"] * (MAX_TERMS // 2 - 1) + [("score", "=", i) for i in range(MAX_TERMS // 2)],
            id="or-of-the-most-terms",
        ),
        pytest.param(
            ["!", *(["|"] * (GROUP_WIDTH * 3) + [("id", "=", i) for i in range(GROUP_WIDTH * 3 + 1)])],
            id="not-over-a-wide-or",
        ),
        pytest.param(alternating(MAX_DEPTH), id="deepest"),
        pytest.param([(path(MAX_RELATIONS), "=", "Agrolait")], id="longest-path"),
        pytest.param(nested_any(MAX_RELATIONS), id="deepest-any"),
        pytest.param(
            [
                (
                    "child_ids",
                    "any",
                    [(".".join(["child_ids"] * ((MAX_DEPTH - 1) // O2M - 1) + ["name"]), "!=", "x")],
                )
            ],
            id="one2many-chain",
        ),
    ],
)
def test_domains_at_the_limits_run_on_both_backends(sample_conn: sa.Connection, domain: list[Any]) -> None:
    node = p(domain)
    assert sql_ids(sample_conn, node, PARTNER, CTX) == python_ids(sample_data(), node, PARTNER, CTX)


ODOO_OR = 9500
"""The terms of the widest OR in Odoo's own tests (test_expression)."""


def _or(terms: list[Any]) -> list[Any]:
    return ["|"] * (len(terms) - 1) + terms


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        pytest.param(
            _or([("name", "=", f"x{i}") for i in range(ODOO_OR - 1)] + [("name", "=", "Bob%_")]),
            {4},
            id="names",
        ),
        pytest.param(_or([("id", "=", i) for i in range(2, ODOO_OR + 2)]), {2, 3, 4, 5}, id="ids"),
        pytest.param(
            _or([("name", "like", f"x{i}") for i in range(ODOO_OR - 1)] + [("name", "like", "Contact")]),
            {2},
            id="likes",
        ),
        pytest.param(
            _or([("score" if i % 2 else "ref", "=", i) for i in range(ODOO_OR)]), {1, 4}, id="two-fields"
        ),
        pytest.param(
            _or(
                [("parent_id.name", "=", f"x{i}") for i in range(ODOO_OR - 1)]
                + [("parent_id.name", "=", "Agrolait")]
            ),
            {2},
            id="paths",
        ),
        pytest.param(
            ["!", *_or([("score", "<", -i) for i in range(ODOO_OR)])], {1, 2, 4}, id="not-over-or"
        ),
    ],
)
def test_or_domains_of_odoo_size_run_on_both_backends(
    sample_conn: sa.Connection, domain: list[Any], expected: set[int]
) -> None:
    node = p(domain)
    started = time.perf_counter()
    assert sql_ids(sample_conn, node, PARTNER, CTX) == expected
    assert time.perf_counter() - started < 10
    assert python_ids(sample_data(), node, PARTNER, CTX) == expected


def test_or_of_equalities_on_one_field_is_one_list_in_sql(sample_conn: sa.Connection) -> None:
    where = compile_domain(p(_or([("id", "=", i) for i in range(ODOO_OR)])), PARTNER, SCHEMA, CTX)
    compiled = sa.select(PARTNER.table.c.id).where(where).compile(sample_conn)
    assert len(compiled.params) == 1 and " OR " not in str(compiled)


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param(
            [("score", "in", [-i - 10, *range(-1, 6)]) for i in range(MAX_TERMS)], id="and-of-short-lists"
        ),
        pytest.param([("credit", ">", -i) for i in range(MAX_TERMS)], id="company-dependent"),
        pytest.param(_or([("name", "like", f"x{i}") for i in range(MAX_TERMS // 2)]), id="or-of-likes"),
    ],
)
def test_bind_parameters_stay_within_the_drivers_limits(
    sample_conn: sa.Connection, domain: list[Any]
) -> None:
    node = p(domain)
    where = compile_domain(node, PARTNER, SCHEMA, CTX)
    compiled = sa.select(PARTNER.table.c.id).where(where).compile(sample_conn)
    assert len(compiled.positiontup or compiled.params) <= 2 * MAX_TERMS + INLINE_BUDGET < 65_535
    assert sql_ids(sample_conn, node, PARTNER, CTX) == python_ids(sample_data(), node, PARTNER, CTX)


def test_the_evaluator_takes_domains_at_the_limits() -> None:
    data = sample_data()
    reader = MemoryReader(data, 1)
    ids = [row["id"] for row in data.partners]
    for domain in (alternating(MAX_DEPTH), nested_any(MAX_RELATIONS), [(path(MAX_RELATIONS), "=", "a")]):
        evaluate(p(domain), PARTNER, SCHEMA, ids, reader, CTX)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("%a" * 20 + "%b", "a" * 100),
        ("%a_" * 20 + "%b", "a" * 100),
        ("%" + "_" * 50 + "%b", "a" * 10_000),
        ("%" + "a_" * 4000 + "b%", "a" * 20_000),
    ],
    ids=["percents", "percents-and-underscores", "underscores", "long-piece"],
)
def test_the_evaluator_matches_like_without_backtracking(pattern: str, text: str) -> None:
    data = sample_data()
    data.partners[0]["name"] = text
    node = p([("name", "=like", pattern)])
    started = time.perf_counter()
    assert python_ids(data, node, PARTNER, CTX) == set()
    assert time.perf_counter() - started < 10  # bounded, with room for a loaded machine
