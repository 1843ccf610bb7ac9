"""Random rule sets and users: the SQL-filtered search equals ``AND(globals) AND OR(group rules)``
evaluated independently, in Python, with ``filtered_domain`` as superuser."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenantry.exceptions import AccessError
from tenantry.orm.environment import Environment
from tests.security.helpers import as_user, grant, make_group, make_rule, make_user

LEAVES = st.one_of(
    st.tuples(st.just("count"), st.sampled_from(["=", "!=", "<", ">=", "in", "not in"]), st.integers(0, 3)),
    st.tuples(
        st.just("kind"), st.sampled_from(["=", "!=", "in", "not in"]), st.sampled_from(["a", "b", False])
    ),
    st.tuples(st.just("flag"), st.sampled_from(["=", "!="]), st.booleans()),
    st.tuples(st.just("name"), st.sampled_from(["=", "ilike", "not ilike"]), st.sampled_from(["x", "y"])),
    st.tuples(st.just("company_id"), st.sampled_from(["=", "!="]), st.just(False)),
)
SPECIAL = ("TRUE", "FALSE", "COMPANY")  # rules written with names or constant leaves


def _leaf(leaf: tuple[str, str, Any]) -> tuple[str, str, Any]:
    field, op, value = leaf
    return (field, op, [value]) if op in ("in", "not in") else leaf


@st.composite
def domains(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    if depth >= 2 or draw(st.booleans()):
        return [_leaf(draw(LEAVES))]
    op = draw(st.sampled_from(["&", "|", "!"]))
    if op == "!":
        return ["!", *draw(domains(depth + 1))]
    return [op, *draw(domains(depth + 1)), *draw(domains(depth + 1))]


RULES = st.lists(
    st.fixed_dictionaries(
        {
            "domain": st.one_of(domains(), st.sampled_from(SPECIAL)),
            "groups": st.lists(st.integers(0, 2), max_size=2, unique=True),
            "perms": st.sampled_from(["r", "w", "rw", "rwcu"]),
        }
    ),
    max_size=5,
)
THINGS = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["x", "xy", "z"]),
            "count": st.integers(0, 3),
            "kind": st.sampled_from(["a", "b", "c", False]),
            "flag": st.booleans(),
            "company": st.booleans(),
        }
    ),
    min_size=1,
    max_size=6,
)
USER_GROUPS = st.lists(st.integers(0, 2), max_size=3, unique=True)
IMPLIES = st.booleans()  # whether group 1 implies group 2


def _texts(rule: dict[str, Any]) -> tuple[str, list[Any]]:
    """The rule's ``domain_force`` text, and the same domain spelled out for the oracle."""
    domain = rule["domain"]
    if domain == "TRUE":
        return "[(1, '=', 1)]", []
    if domain == "FALSE":
        return "[(0, '=', 1)]", [("id", "=", 0)]
    if domain == "COMPANY":
        return "['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]", ["COMPANY"]
    return repr(domain), domain


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=THINGS, rules=RULES, user_groups=USER_GROUPS, implies=IMPLIES)
def test_sql_rule_filtering_equals_python_combination(
    env: Environment,
    rows: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    user_groups: list[int],
    implies: bool,
) -> None:
    savepoint = env.cr.conn.begin_nested()
    try:
        _check(env, rows, rules, user_groups, implies)
    finally:
        savepoint.rollback()
        env.cr.invalidate()
        env.cr.data.clear()  # the security snapshot describes the rolled-back rules


def _check(
    env: Environment,
    rows: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    user_groups: list[int],
    implies: bool,
) -> None:
    main = env.ref("base.main_company")
    pool = [make_group(env, f"Oracle {n}") for n in range(3)]
    if implies:
        pool[1].write({"implied_ids": [(4, pool[2].id)]})
    grant(env, "test.thing", "base.group_user", "rwcu")
    things = env["test.thing"].create(
        [
            {
                "name": r["name"], "count": r["count"], "kind": r["kind"], "flag": r["flag"],
                "company_id": main.id if r["company"] else False,
            }
            for r in rows
        ]
    )  # fmt: skip
    user = make_user(env, "oracle", ["base.group_user", *(pool[i] for i in user_groups)])
    made = []
    for rule in rules:
        text, oracle = _texts(rule)
        made.append(
            (
                make_rule(
                    env, "test.thing", text, groups=[pool[i] for i in rule["groups"]], perms=rule["perms"]
                ),
                rule,
                oracle,
            )
        )

    # The user's groups, implied ones included, computed here without the policy.
    mine = set(user_groups) | ({2} if implies and 1 in user_groups else set())
    company_ids = [main.id]

    def matching(oracle: list[Any]) -> set[int]:
        if oracle == ["COMPANY"]:
            oracle = ["|", ("company_id", "=", False), ("company_id", "in", company_ids)]
        return set(things.filtered_domain(oracle).ids)

    user_env = as_user(env, user)
    for op, letter in (("read", "r"), ("write", "w")):
        allowed = set(things.ids)
        granted: set[int] | None = None
        for _record, rule, oracle in made:
            if letter not in rule["perms"]:
                continue
            if not rule["groups"]:
                allowed &= matching(oracle)
            elif mine & set(rule["groups"]):
                granted = (granted or set()) | matching(oracle)
        expected = allowed if granted is None else allowed & granted
        records = user_env["test.thing"].browse(things.ids)
        if op == "read":
            found = set(user_env["test.thing"].search([("id", "in", things.ids)]).ids)
        else:
            found = set()
            for record in records:
                try:
                    record.check_access_rule("write")
                except AccessError:
                    continue
                found.add(record.id)
        assert found == expected, (op, [(r["domain"], r["groups"], r["perms"]) for _, r, _ in made], mine)
