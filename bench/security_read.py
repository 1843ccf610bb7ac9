"""``search_read`` under record rules, against hand-written Core applying the same filter.

One database per backend with ``sale_demo``, 3 companies and 50 users; one of
them, the salesman, is in ``sale_demo.group_sale_salesman`` (Own Documents Only)
with two of the three companies allowed. ``sale.order`` is grown to each size
in turn (100k then 1M orders; ``--quick``: 10k then 100k) with SQLAlchemy Core:
row ``i`` belongs to user ``i % 50`` (one row in 100 to nobody) and company
``i % 3``. ``VACUUM ANALYZE`` after each load on PostgreSQL.

At each size, in one transaction on one connection, round-robin:

* ``orm``: ``env(user=salesman)["sale.order"].search_read([], ["name"], limit=80,
  order="id")``: the policy adds ``Personal Orders`` (``user_id = uid OR user_id
  IS NULL``) and ``Sales Order multi-company`` (``company_id IN (allowed)``);
* ``core``: ``select(id, name).where((user_id = uid OR user_id IS NULL) AND
  company_id IN (...)).order_by(id).limit(80)`` on ``env.cr.conn``;
* diagnostic ``orm_new_env``: the ORM call on a new ``Transaction`` each time
  (the security snapshot then comes from the per-process cache).

Goals: ``orm`` at most 1.5x ``core``; the rule domain computed once, then taken
from the cache: ``SecurityState.computed_domains`` does not grow over the timed
calls, in the same transaction or in new ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from bench._common import BenchContext, Result, Stats, analyze, fmt_rows, interleave
from tenantry.instance import Instance
from tenantry.orm.access import Operation
from tenantry.orm.environment import Environment, Transaction
from tenantry.security.policy import SecurityPolicy

NAME = "security_read"
SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
ITERATIONS, QUICK_ITERATIONS = 300, 100
WARMUP = 30
BUDGET_S, QUICK_BUDGET_S = 60.0, 15.0
LIMIT = 80
GOAL_RATIO = 1.5
USERS = 50
SALESMAN_INDEX = 17
_BATCH = 50_000


def run(ctx: BenchContext) -> list[Result]:
    results: list[Result] = []
    for backend in ctx.backends:
        results.extend(_run_backend(ctx, backend))
    return results


def _run_backend(ctx: BenchContext, backend: str) -> list[Result]:
    sizes = QUICK_SIZES if ctx.quick else SIZES
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    results: list[Result] = []
    with ctx.instance(backend) as inst:
        db = "bench_security_read"
        ctx.log(f"{NAME}/{backend}: creating {db} with sale_demo, 3 companies and {USERS} users")
        inst.create_database(db, modules=["sale_demo"])
        setup = _setup(inst, db)
        loaded = 0
        for size in sizes:
            ctx.log(f"{NAME}/{backend}: loading {size - loaded} orders (to {fmt_rows(size)})")
            _load_orders(inst, db, loaded + 1, size, setup)
            loaded = size
            analyze(inst, db)
            ctx.log(f"{NAME}/{backend}: salesman search_read @ {fmt_rows(size)}, up to {iterations} rounds")
            measured = _measure(ctx, inst, db, setup, iterations)
            results.extend(_results(backend, size, measured))
    return results


def _setup(inst: Instance, db: str) -> dict[str, Any]:
    with inst.env(db) as env:
        main = env.ref("base.main_company")
        assert main is not None
        others = env["res.company"].create([{"name": "Company B"}, {"name": "Company C"}])
        companies = [main.id, *others.ids]
        salesman_group = env.ref("sale_demo.group_sale_salesman").id  # type: ignore[union-attr]
        users = env["res.users"].create(
            [
                {
                    "name": f"Salesperson {k}",
                    "login": f"sales{k}",
                    "company_id": main.id,
                    "company_ids": [(6, 0, companies)],
                }
                for k in range(USERS)
            ]
        )
        salesman = users[SALESMAN_INDEX]
        salesman.write({"groups_id": [(4, salesman_group)], "company_ids": [(6, 0, companies[:2])]})
        partner = env["res.partner"].create({"name": "Bench Customer"})
        return {
            "users": list(users.ids),
            "companies": companies,
            "salesman": salesman.id,
            "allowed": companies[:2],
            "partner": partner.id,
        }


def _load_orders(inst: Instance, db: str, first: int, last: int, setup: dict[str, Any]) -> None:
    """Orders ``first..last`` (their ids) with SQLAlchemy Core, bypassing the ORM (setup)."""
    engine = inst.storage.engine(db)
    with inst.env(db) as env:
        table = env.registry["sale.order"]._table_obj
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    users, companies = setup["users"], setup["companies"]
    with engine.begin() as conn:
        offset = int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(_PG_INSERT),
                {
                    "users": users, "n_users": len(users), "companies": companies,
                    "partner": setup["partner"], "now": now,
                    "first": first + offset, "last": last + offset,
                },
            )  # fmt: skip
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('sale_order', 'id'), :last)"),
                {"last": last + offset},
            )
            return
        statement = sa.insert(table)
        for start in range(first + offset, last + offset + 1, _BATCH):
            stop = min(start + _BATCH, last + offset + 1)
            conn.execute(
                statement, [_row(i, users, companies, setup["partner"], now) for i in range(start, stop)]
            )


def _row(i: int, users: list[int], companies: list[int], partner: int, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": i,
        "name": f"SO{i:07d}",
        "partner_id": partner,
        "user_id": None if i % 100 == 0 else users[i % len(users)],
        "company_id": companies[i % len(companies)],
        "state": "sale" if i % 2 else "draft",
        "date_order": now,
        "amount_total": float(i % 1000),
        "create_uid": 1,
        "write_uid": 1,
        "create_date": now,
        "write_date": now,
    }


_PG_INSERT = """
INSERT INTO sale_order (
    id, name, partner_id, user_id, company_id, state, date_order, amount_total,
    create_uid, write_uid, create_date, write_date)
SELECT g, 'SO' || lpad(g::text, 7, '0'), :partner,
       CASE WHEN g % 100 = 0 THEN NULL ELSE (CAST(:users AS integer[]))[g % :n_users + 1] END,
       (CAST(:companies AS integer[]))[g % 3 + 1],
       CASE WHEN g % 2 = 1 THEN 'sale' ELSE 'draft' END, :now, (g % 1000)::float,
       1, 1, :now, :now
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
"""


def _measure(
    ctx: BenchContext, inst: Instance, db: str, setup: dict[str, Any], iterations: int
) -> dict[str, Any]:
    uid, allowed = setup["salesman"], setup["allowed"]
    with inst.env(db) as root:
        conn = root.cr.conn
        registry = root.registry
        policy = inst.policy(registry)
        assert isinstance(policy, SecurityPolicy)
        env = Environment(root.cr, uid, {})
        table = registry["sale.order"]._table_obj

        def orm() -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = env["sale.order"].search_read([], ["name"], limit=LIMIT, order="id")
            return rows

        new_envs: list[Environment] = []

        def orm_new_env() -> list[dict[str, Any]]:
            cr = Transaction(conn, registry, db, policy)
            cr.modules = inst.modules
            fresh = Environment(cr, uid, {})
            new_envs.append(fresh)
            rows: list[dict[str, Any]] = fresh["sale.order"].search_read(
                [], ["name"], limit=LIMIT, order="id"
            )
            return rows

        def core() -> list[Any]:
            stmt = (
                sa.select(table.c.id, table.c.name)
                .where(
                    sa.or_(table.c.user_id == uid, table.c.user_id.is_(None)),
                    table.c.company_id.in_(allowed),
                )
                .order_by(table.c.id)
                .limit(LIMIT)
            )
            return list(conn.execute(stmt).all())

        orm_rows, core_rows = orm(), core()
        if [(r["id"], r["name"]) for r in orm_rows] != [tuple(r) for r in core_rows]:
            raise AssertionError("ORM under record rules and Core disagree")
        if len(core_rows) != LIMIT:
            raise AssertionError(f"expected {LIMIT} rows, got {len(core_rows)}")
        domain = policy.rule_domain(env, "sale.order", Operation.READ)
        state = policy.state(env)
        computed_before = state.computed_domains
        budget = QUICK_BUDGET_S if ctx.quick else BUDGET_S
        samples = interleave(
            {"orm": orm, "core": core, "orm_new_env": orm_new_env}, iterations, WARMUP, budget_s=budget
        )
        computed_after = state.computed_domains
        shared_states = {id(policy.state(e)) for e in new_envs}
        stats = {name: Stats.of(values) for name, values in samples.items()}
        return {
            "stats": stats,
            "paired_ratio": Stats.of([o / c for o, c in zip(samples["orm"], samples["core"], strict=True)]),
            "calls": sum(len(v) for v in samples.values()) + WARMUP * 3,
            "computed_before": computed_before,
            "computed_after": computed_after,
            "new_env_states": len(shared_states),
            "new_env_same_state": shared_states == {id(state)},
            "domain": repr(domain),
        }


def _results(backend: str, size: int, measured: dict[str, Any]) -> list[Result]:
    stats: dict[str, Stats] = measured["stats"]
    orm, core = stats["orm"].median, stats["core"].median
    ratio = orm / core
    cached = measured["computed_after"] == measured["computed_before"] and measured["new_env_same_state"]
    details = {
        "rows": size,
        "limit": LIMIT,
        "rule_domain": measured["domain"],
        "unit": "µs per call",
        **{name: s.scaled(1e6) for name, s in stats.items()},
        "ratio_of_medians": round(ratio, 3),
        "paired_ratio": measured["paired_ratio"].scaled(1, 3),
        "orm_new_env_ratio": round(stats["orm_new_env"].median / core, 3),
    }
    return [
        Result(
            benchmark=f"security_read salesman (own + multi-company rules) @ {fmt_rows(size)}",
            backend=backend,
            figure=f"ORM {orm * 1e6:.0f} µs vs Core {core * 1e6:.0f} µs = {ratio:.2f}x",
            goal=f"<= {GOAL_RATIO}x Core",
            passed=ratio <= GOAL_RATIO,
            value=round(ratio, 3),
            unit="x",
            details=details,
        ),
        Result(
            benchmark=f"security_read rule domain cache @ {fmt_rows(size)}",
            backend=backend,
            figure=(
                f"computed_domains {measured['computed_before']} -> {measured['computed_after']} "
                f"over the timed calls; new transactions shared the snapshot: "
                f"{'yes' if measured['new_env_same_state'] else 'no'}"
            ),
            goal="no recomputation",
            passed=cached,
            details={
                "computed_before": measured["computed_before"],
                "computed_after": measured["computed_after"],
                "distinct_states_in_new_transactions": measured["new_env_states"],
            },
        ),
    ]
