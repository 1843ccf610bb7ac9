"""The ORM's SQL search agrees with ``filtered_domain`` (Python) on random data and domains."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenantry.orm.environment import Environment

TEXT = st.one_of(st.none(), st.sampled_from(["", "a", "ab", "B", "a%"]))
INT = st.one_of(st.none(), st.integers(-1, 3))
BOOL = st.one_of(st.none(), st.booleans())
KIND = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))

LEAVES = st.one_of(
    st.tuples(
        st.sampled_from(["name", "code", "note"]),
        st.sampled_from(["=", "!=", "like", "ilike", "not ilike", "=like", "in", "not in"]),
        TEXT,
    ),
    st.tuples(st.just("count"), st.sampled_from(["=", "!=", "<", ">=", "in", "not in", "=?"]), INT),
    st.tuples(st.just("flag"), st.sampled_from(["=", "!="]), BOOL),
    st.tuples(st.just("kind"), st.sampled_from(["=", "!=", "in", "not in"]), KIND),
    st.tuples(st.sampled_from(["parent_id", "partner_id"]), st.sampled_from(["=", "!="]), st.just(False)),
    st.tuples(st.just("parent_id.count"), st.sampled_from(["=", "!=", ">"]), INT),
    st.tuples(st.just("tag_ids.name"), st.sampled_from(["=", "!=", "ilike"]), TEXT),
    st.tuples(
        st.just("line_ids.amount"), st.sampled_from([">", "<=", "="]), st.sampled_from([0.0, 1.0, 2.5])
    ),
    st.tuples(
        st.sampled_from(["tag_ids", "line_ids", "child_ids"]), st.sampled_from(["=", "!="]), st.just(False)
    ),
)


def _in_values(leaf: tuple[str, str, Any]) -> tuple[str, str, Any]:
    field, op, value = leaf
    if op in ("in", "not in"):
        return (field, op, [value] if value is not None else [False])
    if op in ("like", "ilike", "not ilike", "=like") and value is None:
        return (field, op, False)
    return (field, op, False if value is None else value)


@st.composite
def domains(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    if depth >= 2 or draw(st.booleans()):
        return [_in_values(draw(LEAVES))]
    op = draw(st.sampled_from(["&", "|", "!"]))
    if op == "!":
        return ["!", *draw(domains(depth + 1))]
    return [op, *draw(domains(depth + 1)), *draw(domains(depth + 1))]


@st.composite
def things(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for index in range(draw(st.integers(2, 6))):
        rows.append(
            {
                "name": draw(TEXT) or "n",  # required
                "code": draw(TEXT),
                "note": draw(TEXT),
                "count": draw(st.one_of(st.none(), st.integers(0, 3))),
                "flag": draw(BOOL),
                "kind": draw(KIND),
                "parent": draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None,
                "tags": draw(st.lists(st.integers(0, 2), max_size=2, unique=True)),
                "lines": draw(st.lists(st.sampled_from([0.0, 1.0, 2.5]), max_size=2)),
                "active": draw(st.booleans()),
            }
        )
    return rows


def _load(env: Environment, rows: list[dict[str, Any]]) -> Any:
    tags = env["test.tag"].create([{"name": n} for n in ("a", "AB", "b")])
    records = env["test.thing"].browse()
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("parent", "tags", "lines") and v is not None}
        values["code"] = values.get("code") or False  # codes are unique: keep most empty
        values["tag_ids"] = [(6, 0, [tags[i].id for i in row["tags"]])]
        values["line_ids"] = [(0, 0, {"amount": amount}) for amount in row["lines"]]
        if row["parent"] is not None:
            values["parent_id"] = records[row["parent"]].id
        try:
            with env.cr.savepoint():
                records |= env["test.thing"].create(values)
        except Exception:
            values.pop("code")
            records |= env["test.thing"].create(values)
    return records


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=things(), domain_list=st.lists(domains(), min_size=3, max_size=3))
def test_sql_search_equals_python_evaluation(
    env: Environment, rows: list[dict[str, Any]], domain_list: list[Any]
) -> None:
    savepoint = env.cr.conn.begin_nested()  # each example starts from the same data
    try:
        records = _load(env, rows)
        model = env["test.thing"].with_context(active_test=False)
        for domain in domain_list:
            found = model.search([("id", "in", records.ids), *domain])
            expected = records.filtered_domain(domain)
            assert set(found.ids) == set(expected.ids), domain
    finally:
        savepoint.rollback()
        env.cr.invalidate()
