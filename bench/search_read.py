"""ORM ``search_read`` against the same hand-written SQLAlchemy Core query.

One database per backend with ``base`` and 50 salespeople, grown to each size
in turn (100k then 1M partners; ``--quick``: 10k then 100k), ``VACUUM ANALYZE``
after each load on PostgreSQL. At each size and for each domain, in one
transaction on one connection, round-robin:

* ``orm``: ``env["res.partner"].search_read(domain, ["name"], limit=80, order="id")``
  on the environment of that transaction (superuser, so no record rules; the
  ORM adds ``active = true`` itself);
* ``core``: ``select(t.c.id, t.c.name).where(<domain>, t.c.active == true())
  .order_by(t.c.id).limit(80)``, built and executed on ``env.cr.conn``, rows
  fetched with ``.all()``;
* diagnostics (not goals): ``orm_new_env``, the ORM call on a new
  ``Transaction``/``Environment`` over the same connection each time (what a
  request pays, minus BEGIN/COMMIT), and ``core_all_columns``, the Core query
  selecting every column the ORM selects (it prefetches all stored columns).

Goals: ``orm`` at most 1.5x ``core`` at every size; ``orm`` at the large size
at most 1.5x ``orm`` at the small size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from bench._common import (
    SALESPEOPLE,
    BenchContext,
    Result,
    Stats,
    analyze,
    create_salespeople,
    fmt_rows,
    interleave,
    load_partners,
    print_profile,
    profile_calls,
)
from tenantry.instance import Instance
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction

NAME = "search_read"
SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
ITERATIONS, QUICK_ITERATIONS = 300, 100
WARMUP = 30
# Timed rounds per (size, domain) take about this long at most: a slow plan (SQLite's
# for the ref domain at 1M rows) gets fewer rounds, never fewer than 20.
BUDGET_S, QUICK_BUDGET_S = 60.0, 15.0
LIMIT = 80
GOAL_RATIO = 1.5
GOAL_SCALING = 1.5
SALESPERSON_INDEX = 17  # which of the 50 salespeople the user_id domain asks for


@dataclass(frozen=True)
class Case:
    label: str
    orm_domain: Callable[[int], list[Any]]
    core_where: Callable[[sa.Table, int], sa.ColumnElement[bool]]
    share: str


CASES = (
    Case(
        "user_id = <1 of 50>",
        lambda uid: [("user_id", "=", uid)],
        lambda t, uid: t.c.user_id == uid,
        "2%",
    ),
    Case(
        "ref =like 'R1%'",
        lambda uid: [("ref", "=like", "R1%")],
        # The ORM compiles =like to LIKE with an explicit escape character; so does this.
        lambda t, uid: t.c.ref.like("R1%", escape="\\"),
        "10%",
    ),
)


def run(ctx: BenchContext) -> list[Result]:
    results: list[Result] = []
    for backend in ctx.backends:
        results.extend(_run_backend(ctx, backend))
    return results


def _run_backend(ctx: BenchContext, backend: str) -> list[Result]:
    sizes = QUICK_SIZES if ctx.quick else SIZES
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    results: list[Result] = []
    per_size: dict[int, dict[str, dict[str, Any]]] = {}
    with ctx.instance(backend) as inst:
        db = "bench_search_read"
        ctx.log(f"search_read/{backend}: creating {db} with base and {SALESPEOPLE} salespeople")
        inst.create_database(db)
        user_ids = create_salespeople(inst, db)
        uid = user_ids[SALESPERSON_INDEX]
        for size in sizes:
            with inst.env(db) as env:
                present = env["res.partner"].with_context(active_test=False).search_count([])
            ctx.log(f"search_read/{backend}: loading {size - present} partners (to {fmt_rows(size)})")
            load_partners(inst, db, size - present, user_ids)
            analyze(inst, db)
            per_size[size] = {}
            for case in CASES:
                ctx.log(f"search_read/{backend}: {case.label} @ {fmt_rows(size)}, up to {iterations} rounds")
                measured = _measure(ctx, inst, db, case, uid, iterations, f"{backend}-{size}")
                per_size[size][case.label] = measured
                results.append(_ratio_result(backend, size, case, measured))
    small, large = sizes
    for case in CASES:
        results.append(_scaling_result(backend, small, large, case, per_size))
    return results


def _measure(
    ctx: BenchContext, inst: Instance, db: str, case: Case, uid: int, iterations: int, label: str
) -> dict[str, Any]:
    domain = case.orm_domain(uid)
    with inst.env(db) as env:
        conn = env.cr.conn
        table = env.registry["res.partner"]._table_obj
        policy = inst.policy(env.registry)
        wide = [c for c in table.c if c.name in _orm_columns(env)]

        def orm() -> list[dict[str, Any]]:
            result: list[dict[str, Any]] = env["res.partner"].search_read(
                domain, ["name"], limit=LIMIT, order="id"
            )
            return result

        def orm_new_env() -> list[dict[str, Any]]:
            cr = Transaction(conn, env.registry, db, policy)
            cr.modules = inst.modules
            result: list[dict[str, Any]] = Environment(cr, SUPERUSER_ID)["res.partner"].search_read(
                domain, ["name"], limit=LIMIT, order="id"
            )
            return result

        def core() -> list[Any]:
            stmt = (
                sa.select(table.c.id, table.c.name)
                .where(case.core_where(table, uid), table.c.active == sa.true())
                .order_by(table.c.id)
                .limit(LIMIT)
            )
            return list(conn.execute(stmt).all())

        def core_all_columns() -> list[Any]:
            stmt = (
                sa.select(*wide)
                .where(case.core_where(table, uid), table.c.active == sa.true())
                .order_by(table.c.id)
                .limit(LIMIT)
            )
            return list(conn.execute(stmt).all())

        # Same answer, or the comparison means nothing.
        orm_rows, core_rows = orm(), core()
        if [(r["id"], r["name"]) for r in orm_rows] != [tuple(r) for r in core_rows]:
            raise AssertionError(f"ORM and Core disagree for {case.label}")
        if len(core_rows) != LIMIT:
            raise AssertionError(f"{case.label}: expected {LIMIT} rows, got {len(core_rows)}")
        sql = {"orm": _statements(conn, orm), "core": _statements(conn, core)}
        plans = {name: _plan(conn, *captured[0]) for name, captured in sql.items() if captured}

        variants = {
            "orm": orm,
            "core": core,
            "orm_new_env": orm_new_env,
            "core_all_columns": core_all_columns,
        }
        budget = QUICK_BUDGET_S if ctx.quick else BUDGET_S
        samples = interleave(variants, iterations, WARMUP, budget_s=budget)
        stats = {name: Stats.of(values) for name, values in samples.items()}
        paired = Stats.of([o / c for o, c in zip(samples["orm"], samples["core"], strict=True)])
        measured: dict[str, Any] = {
            "stats": stats,
            "paired_ratio": paired,
            "statements_per_orm_call": len(sql["orm"]),
            "sql": {name: [text for text, _ in captured] for name, captured in sql.items()},
            "plans": plans,
        }
        ratio = stats["orm"].median / stats["core"].median
        if ctx.profile and ratio > GOAL_RATIO:
            measured["profile"] = profile_calls(orm, 300, f"search_read-{label}-{_slug(case.label)}")
            print_profile(f"search_read {case.label} {label}", measured["profile"])
        return measured


def _orm_columns(env: Environment) -> set[str]:
    """The columns ``search_read`` selects: the id and every prefetched stored column."""
    return {"id", *env["res.partner"]._prefetch_columns(["name"])}


def _statements(conn: sa.Connection, fn: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SQL statements (with parameters) that one call of ``fn`` sends."""
    captured: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(conn, "before_cursor_execute", listener)
    return captured


def _plan(conn: sa.Connection, statement: str, parameters: Any) -> list[str]:
    """The query plan the server chose for one captured statement."""
    prefix = "EXPLAIN " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    if conn.dialect.name == "postgresql":
        return [str(row[0]) for row in rows]
    return [str(row[-1]) for row in rows]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


def _ratio_result(backend: str, size: int, case: Case, measured: dict[str, Any]) -> Result:
    stats: dict[str, Stats] = measured["stats"]
    orm, core = stats["orm"].median, stats["core"].median
    ratio = orm / core
    details = {
        "rows": size,
        "domain": case.label,
        "selected_share": case.share,
        "limit": LIMIT,
        "order": "id",
        "unit": "µs per call",
        **{name: s.scaled(1e6) for name, s in stats.items()},
        "ratio_of_medians": round(ratio, 3),
        "paired_ratio": measured["paired_ratio"].scaled(1, 3),
        "orm_new_env_ratio": round(stats["orm_new_env"].median / core, 3),
        "core_all_columns_ratio": round(stats["core_all_columns"].median / core, 3),
        "statements_per_orm_call": measured["statements_per_orm_call"],
        "sql": measured["sql"],
        "plans": measured["plans"],
    }
    if "profile" in measured:
        details["profile"] = measured["profile"]
    return Result(
        benchmark=f"search_read {case.label} @ {fmt_rows(size)}",
        backend=backend,
        figure=f"ORM {orm * 1e6:.0f} µs vs Core {core * 1e6:.0f} µs = {ratio:.2f}x",
        goal=f"<= {GOAL_RATIO}x Core",
        passed=ratio <= GOAL_RATIO,
        value=round(ratio, 3),
        unit="x",
        details=details,
    )


def _scaling_result(
    backend: str, small: int, large: int, case: Case, per_size: dict[int, dict[str, dict[str, Any]]]
) -> Result:
    a: dict[str, Stats] = per_size[small][case.label]["stats"]
    b: dict[str, Stats] = per_size[large][case.label]["stats"]
    scaling = b["orm"].median / a["orm"].median
    core_scaling = b["core"].median / a["core"].median
    return Result(
        benchmark=f"search_read {case.label} {fmt_rows(large)} / {fmt_rows(small)}",
        backend=backend,
        figure=(
            f"ORM {a['orm'].median * 1e6:.0f} -> {b['orm'].median * 1e6:.0f} µs = {scaling:.2f}x"
            f" (Core {core_scaling:.2f}x)"
        ),
        goal=f"<= {GOAL_SCALING}x",
        passed=scaling <= GOAL_SCALING,
        value=round(scaling, 3),
        unit="x",
        details={
            "small_rows": small,
            "large_rows": large,
            "orm_median_us": [round(a["orm"].median * 1e6, 1), round(b["orm"].median * 1e6, 1)],
            "core_median_us": [round(a["core"].median * 1e6, 1), round(b["core"].median * 1e6, 1)],
            "core_scaling": round(core_scaling, 3),
        },
    )
