"""Rule domains are computed once per user, model, operation and companies, until access data changes."""

from __future__ import annotations

from typing import Any

from tenantry.domain import TRUE
from tenantry.instance import Instance
from tenantry.orm.access import Operation
from tenantry.orm.environment import Environment
from tenantry.security.policy import SecurityPolicy
from tenantry.testing import rollback_env
from tests.security.helpers import as_user, grant, make_rule, make_user


def _policy(env: Environment) -> SecurityPolicy:
    policy = env.cr.policy
    assert isinstance(policy, SecurityPolicy)
    return policy


def test_second_identical_call_comes_from_the_cache(env: Environment) -> None:
    grant(env, "test.thing", "base.group_user", "r")
    make_rule(env, "test.thing", "[('count', '>', 1)]")
    user_env = as_user(env, make_user(env, "cached"))
    policy = _policy(env)
    state = policy.state(user_env)
    before = state.computed_domains
    first = policy.rule_domain(user_env, "test.thing", Operation.READ)
    assert first is not None and first != TRUE
    assert state.computed_domains == before + 1
    assert policy.rule_domain(user_env, "test.thing", Operation.READ) is first
    user_env["test.thing"].search([])
    user_env["test.thing"].search_count([("name", "=", "x")])
    assert policy.state(user_env) is state
    assert state.computed_domains == before + 1
    policy.rule_domain(user_env, "test.thing", Operation.WRITE)  # another operation: computed
    assert state.computed_domains == before + 2


def test_the_active_companies_are_part_of_the_key(env: Environment) -> None:
    user = make_user(env, "companies")
    policy = _policy(env)
    state = policy.state(env)
    before = state.computed_domains
    plain = as_user(env, user)
    on_main = as_user(env, user, allowed_company_ids=[env.ref("base.main_company").id])
    policy.rule_domain(plain, "sale.order", Operation.READ)
    policy.rule_domain(on_main, "sale.order", Operation.READ)
    policy.rule_domain(on_main, "sale.order", Operation.READ)
    assert state.computed_domains == before + 2


def test_a_rule_change_makes_the_next_call_recompute(env: Environment) -> None:
    grant(env, "test.thing", "base.group_user", "r")
    things = env["test.thing"].create([{"name": "one", "count": 1}, {"name": "two", "count": 2}])
    rule = make_rule(env, "test.thing", "[('count', '=', 1)]")
    user_env = as_user(env, make_user(env, "recompute"))
    policy = _policy(env)
    scope: list[Any] = [("id", "in", things.ids)]
    assert user_env["test.thing"].search(scope).ids == things[:1].ids
    old = policy.state(user_env)
    rule.write({"domain_force": "[('count', '=', 2)]"})
    new = policy.state(user_env)
    assert new is not old and new.computed_domains == 0
    assert user_env["test.thing"].search(scope).ids == things[1:].ids
    assert new.computed_domains == 1
    rule.unlink()
    assert user_env["test.thing"].search(scope) == things
    assert policy.state(user_env).computed_domains == 1


def test_committed_state_is_shared_by_later_transactions(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        grant(env, "test.thing", "base.group_user", "r")
        rule_id = make_rule(env, "test.thing", "[('count', '>', 1)]").id
        uid = make_user(env, "shared").id
    with rollback_env(instance, fresh_db, uid=uid) as env:
        env["test.thing"].search([])
        first = _policy(env).state(env)
        count = first.computed_domains
    with rollback_env(instance, fresh_db, uid=uid) as env:
        env["test.thing"].search([])
        assert _policy(env).state(env) is first
        assert first.computed_domains == count
    with instance.env(fresh_db) as env:
        env["ir.rule"].browse(rule_id).write({"domain_force": "[('count', '>', 2)]"})
    with rollback_env(instance, fresh_db, uid=uid) as env:
        env["test.thing"].search([])
        state = _policy(env).state(env)
        assert state is not first and state.computed_domains == 1


def test_a_reused_environment_sees_new_comodel_rules_in_sub_searches(env: Environment) -> None:
    for model in ("test.thing", "test.line"):
        grant(env, model, "base.group_user", "rwcu")
    thing = env["test.thing"].create({"name": "parent", "line_ids": [(0, 0, {"amount": 1})]})
    user_env = as_user(env, make_user(env, "reused"))
    domain = [("id", "=", thing.id), ("line_ids", "any", [("amount", "=", 1)])]
    assert user_env["test.thing"].search(domain) == thing
    make_rule(env, "test.line", "[('amount', '>', 5)]")
    assert not user_env["test.thing"].search(domain)
