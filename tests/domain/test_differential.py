"""The differential oracle: for random data and random domains, SQL == Python.

Each example inserts a random data set in a transaction (rolled back after),
then checks several random domains: the ids selected by the compiled SQL must
equal the ids :func:`tenantry.domain.evaluate` finds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenantry.domain import CompileContext, Domain, parse
from tenantry.domain.schema import ModelSchema

from ._models import LINE, PARTNER, SCHEMA, Data, python_ids, sql_ids

# -- data ------------------------------------------------------------------------------

# ASCII only (SQLite's lower() is ASCII-only), with LIKE wildcards and the escape.
TEXTS = st.one_of(st.none(), st.sampled_from(["", "a", "b", "ab", "Ab", "ba", "a%b", "a_b", "x\\y"]))
DATES = st.one_of(st.none(), st.sampled_from([date(2020, 1, 1), date(2020, 1, 2), date(2021, 6, 30)]))
DATETIMES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            datetime(2020, 1, 1, 0, 0, 0),
            datetime(2020, 1, 1, 12, 0, 0),
            datetime(2020, 1, 1, 23, 59, 59),
            datetime(2020, 1, 2, 0, 0, 0),
        ]
    ),
)
SMALL_INTS = st.one_of(st.none(), st.integers(-2, 3))
BOOLS = st.one_of(st.none(), st.booleans())
KINDS = st.one_of(st.none(), st.sampled_from(["", "a", "b", "c"]))


def _parent(index: int) -> st.SearchStrategy[int | None]:
    """A parent among the earlier rows (ids start at 1), so trees have no cycles."""
    return st.one_of(st.none(), st.integers(1, index)) if index else st.none()


@st.composite
def datasets(draw: st.DrawFn) -> Data:
    data = Data()
    n_countries = draw(st.integers(0, 3))
    for i in range(n_countries):
        data.countries.append(
            {"id": i + 1, "name": draw(TEXTS), "code": draw(TEXTS), "parent_id": draw(_parent(i))}
        )
    n_tags = draw(st.integers(0, 3))
    for i in range(n_tags):
        data.tags.append({"id": i + 1, "name": draw(TEXTS), "active": draw(BOOLS)})
    n_partners = draw(st.integers(2, 7))
    for i in range(n_partners):
        credit = draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(["1", "2"]), st.integers(-2, 3))))
        data.partners.append(
            {
                "id": i + 1,
                "name": draw(TEXTS),
                "ref": draw(TEXTS),
                "score": draw(SMALL_INTS),
                "is_company": draw(BOOLS),
                "birthday": draw(DATES),
                "created_at": draw(DATETIMES),
                "kind": draw(KINDS),
                "parent_id": draw(_parent(i)),
                "country_id": draw(st.one_of(st.none(), st.integers(1, n_countries)))
                if n_countries
                else None,
                "credit": credit,
            }
        )
    for i in range(draw(st.integers(0, 6))):
        data.lines.append(
            {
                "id": i + 1,
                "name": draw(TEXTS),
                "partner_id": draw(st.one_of(st.none(), st.integers(1, n_partners))),
                "active": draw(BOOLS),
                "qty": draw(SMALL_INTS),
            }
        )
    if n_tags:
        pairs = st.tuples(st.integers(1, n_partners), st.integers(1, n_tags))
        data.partner_tags = sorted(draw(st.sets(pairs, max_size=6)))
    return data


# -- domains ---------------------------------------------------------------------------

STRING_OPS = ["=", "!=", "in", "not in", "like", "not like", "ilike", "not ilike", "=like", "=ilike", "=?"]
ORDER_OPS = ["<", "<=", ">", ">="]
EQ_OPS = ["=", "!=", "in", "not in", "=?"]
TEXT_VALUES = st.one_of(TEXTS, st.just(False), st.sampled_from(["%", "_", "a\\%", "b\\"]))
IDS = st.integers(1, 6)
ID_VALUES = st.one_of(IDS, st.just(False))
NAMES = st.sampled_from(["a", "b", "A", "ab"])


def _value_for(op: str, scalar: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    if op in ("in", "not in"):
        return st.lists(scalar, max_size=3)
    return scalar


def _leaves(ops: list[str], scalar: st.SearchStrategy[Any], paths: list[str]) -> st.SearchStrategy[Any]:
    return st.sampled_from(ops).flatmap(
        lambda op: st.tuples(st.sampled_from(paths), st.just(op), _value_for(op, scalar))
    )


def _hierarchy_leaves(paths: list[str]) -> st.SearchStrategy[Any]:
    seeds = st.one_of(IDS, st.lists(IDS, max_size=2), NAMES, st.just(False))
    return st.tuples(st.sampled_from(paths), st.sampled_from(["child_of", "parent_of"]), seeds)


def _combine(leaf: st.SearchStrategy[Any], max_leaves: int) -> st.SearchStrategy[list[Any]]:
    return _combine_domains(leaf.map(lambda term: [term]), max_leaves)


def _combine_domains(base: st.SearchStrategy[list[Any]], max_leaves: int) -> st.SearchStrategy[list[Any]]:
    """Domains made of ``base`` domains with '&', '|', '!' and implicit '&'."""

    def extend(inner: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            pair.map(lambda ab: ["&", *ab[0], *ab[1]]),
            pair.map(lambda ab: ["|", *ab[0], *ab[1]]),
            inner.map(lambda a: ["!", *a]),
            pair.map(lambda ab: [*ab[0], *ab[1]]),  # implicit '&'
        )

    return st.recursive(base, extend, max_leaves=max_leaves)


def _line_leaves() -> st.SearchStrategy[Any]:
    return st.one_of(
        _leaves(STRING_OPS, TEXT_VALUES, ["name"]),
        _leaves(EQ_OPS + ORDER_OPS, st.one_of(SMALL_INTS, st.just(False)), ["qty"]),
        _leaves(EQ_OPS, st.one_of(BOOLS, st.just(False)), ["active"]),
        _leaves(EQ_OPS, ID_VALUES, ["partner_id"]),
    )


def _country_leaves() -> st.SearchStrategy[Any]:
    return st.one_of(
        _leaves(STRING_OPS, TEXT_VALUES, ["name", "code"]),
        _leaves(EQ_OPS, ID_VALUES, ["parent_id", "id"]),
        _hierarchy_leaves(["id", "parent_id"]),
    )


def _partner_leaves(depth: int) -> st.SearchStrategy[Any]:
    plain = [
        _leaves(STRING_OPS, TEXT_VALUES, ["name", "ref", "parent_id.name", "country_id.code"]),
        _leaves(STRING_OPS + ORDER_OPS, st.one_of(KINDS, st.just(False)), ["kind"]),
        _leaves(EQ_OPS + ORDER_OPS, st.one_of(SMALL_INTS, st.just(False)), ["score", "credit"]),
        _leaves([*EQ_OPS, "like"], st.one_of(SMALL_INTS, st.just(False)), ["line_ids.qty"]),
        _leaves(EQ_OPS, st.one_of(BOOLS, st.just(False)), ["is_company"]),
        _leaves(
            EQ_OPS + ORDER_OPS,
            st.one_of(st.sampled_from(["2020-01-01", "2020-01-02"]), DATES, st.just(False)),
            ["birthday"],
        ),
        _leaves(
            EQ_OPS + ORDER_OPS,
            st.one_of(
                st.sampled_from(["2020-01-01", "2020-01-01 12:00:00", "2020-01-02"]),
                DATETIMES,
                st.just(False),
            ),
            ["created_at"],
        ),
        _leaves(EQ_OPS + ORDER_OPS, ID_VALUES, ["id", "parent_id", "country_id"]),
        _leaves(["=", "!=", "in", "not in"], ID_VALUES, ["line_ids", "tag_ids", "child_ids"]),
        _leaves(
            ["=", "!=", "ilike", "not ilike", "in", "not in"],
            NAMES,
            ["parent_id", "country_id", "tag_ids", "line_ids"],
        ),
        _leaves(STRING_OPS, TEXT_VALUES, ["tag_ids.name", "line_ids.name", "child_ids.name"]),
        _hierarchy_leaves(["id", "parent_id", "country_id"]),
    ]
    if depth < 2:
        sub_partner = _combine(_partner_leaves(depth + 1), 3)
        sub_line = _combine(_line_leaves(), 3)
        sub_country = _combine(_country_leaves(), 3)
        any_ops = st.sampled_from(["any", "not any"])
        plain += [
            st.tuples(st.sampled_from(["parent_id", "child_ids"]), any_ops, sub_partner),
            st.tuples(st.just("line_ids"), any_ops, sub_line),
            st.tuples(st.just("country_id"), any_ops, sub_country),
            st.tuples(st.just("tag_ids"), any_ops, _combine(_leaves(STRING_OPS, TEXT_VALUES, ["name"]), 2)),
        ]
    return st.one_of(plain)


def _on_one_field() -> st.SearchStrategy[list[Any]]:
    """ANDs and ORs of leaves on one field, which normalization merges into one leaf."""
    groups = [
        _leaves(EQ_OPS + ORDER_OPS, st.one_of(SMALL_INTS, st.just(False)), ["score", "credit"]),
        _leaves(STRING_OPS, TEXT_VALUES, ["name"]),
        _leaves(EQ_OPS + ORDER_OPS, st.one_of(DATES, st.just(False)), ["birthday"]),
        _leaves(EQ_OPS + ORDER_OPS, ID_VALUES, ["parent_id"]),
        _leaves(["=", "!=", "in", "not in"], ID_VALUES, ["tag_ids", "child_ids"]),
        _hierarchy_leaves(["id"]),
        _leaves(["=", "!=", "ilike", "not ilike"], NAMES, ["country_id", "line_ids"]),
        st.tuples(st.just("line_ids"), st.sampled_from(["any", "not any"]), _combine(_line_leaves(), 2)),
        st.tuples(st.just("parent_id"), st.sampled_from(["any", "not any"]), _combine(_partner_leaves(2), 2)),
    ]

    def join(operator: str, terms: list[Any]) -> list[Any]:
        return [operator] * (len(terms) - 1) + terms

    return st.sampled_from(groups).flatmap(
        lambda leaves: st.builds(join, st.sampled_from(["&", "|"]), st.lists(leaves, min_size=2, max_size=4))
    )


PARTNER_DOMAINS = st.one_of(_combine(_partner_leaves(0), 6), _combine_domains(_on_one_field(), 3))
LINE_DOMAINS = _combine(_line_leaves(), 5)

CONTEXTS = st.builds(
    lambda company_id, active_test, with_extra: CompileContext(
        company_id=company_id,
        active_test=active_test,
        extra_domain=_extra_line_rule if with_extra else None,
    ),
    st.sampled_from([1, 2, None]),
    st.booleans(),
    st.booleans(),
)


def _extra_line_rule(model: ModelSchema) -> Any:
    """A rule-like extra domain: only lines with a positive quantity are visible."""
    return [("qty", ">", 0)] if model.name == "test.line" else None


def _check(
    conn: sa.Connection, data: Data, domain: list[Any], model: ModelSchema, ctx: CompileContext
) -> None:
    node: Domain = parse(domain, model, SCHEMA)
    in_sql = sql_ids(conn, node, model, ctx)
    in_python = python_ids(data, node, model, ctx)
    assert in_sql == in_python, f"domain {domain!r} with {ctx!r}: SQL {in_sql} != Python {in_python}"


_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    # The engine fixture is shared by all examples on purpose: every example runs
    # in its own transaction, rolled back, so no state leaks between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_SETTINGS
@given(data=datasets(), domains=st.lists(PARTNER_DOMAINS, min_size=1, max_size=6), ctx=CONTEXTS)
def test_sql_matches_python_on_partners(
    tables: sa.Engine, data: Data, domains: list[Any], ctx: CompileContext
) -> None:
    with tables.connect() as conn, conn.begin() as transaction:
        data.insert(conn)
        for domain in domains:
            _check(conn, data, domain, PARTNER, ctx)
        transaction.rollback()


@_SETTINGS
@given(data=datasets(), domains=st.lists(LINE_DOMAINS, min_size=1, max_size=4), ctx=CONTEXTS)
def test_sql_matches_python_on_lines(
    tables: sa.Engine, data: Data, domains: list[Any], ctx: CompileContext
) -> None:
    with tables.connect() as conn, conn.begin() as transaction:
        data.insert(conn)
        for domain in domains:
            _check(conn, data, domain, LINE, ctx)
        transaction.rollback()


@pytest.mark.parametrize(
    "domain",
    [
        [("name", "not like", "a")],
        ["!", ("name", "=like", "a%")],
        ["!", ("country_id", "child_of", [2])],
        ["!", ("score", "<", 1)],
        ["!", ("parent_id.name", "=", "a")],
    ],
)
def test_negations_agree_on_null_rows(tables: sa.Engine, domain: list[Any]) -> None:
    data = Data(
        countries=[
            {"id": 1, "name": "a", "code": None, "parent_id": None},
            {"id": 2, "name": "b", "code": None, "parent_id": 1},
        ],
        partners=[
            {"id": 1, "name": None, "score": None, "parent_id": None, "country_id": None},
            {"id": 2, "name": "a", "score": 0, "parent_id": 1, "country_id": 2},
            {"id": 3, "name": "b", "score": 2, "parent_id": 2, "country_id": 1},
        ],
    )
    with tables.connect() as conn, conn.begin() as transaction:
        data.insert(conn)
        _check(conn, data, domain, PARTNER, CompileContext())
        transaction.rollback()
