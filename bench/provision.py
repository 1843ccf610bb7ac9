"""Provisioning a client: ``tenantry.saas.provision`` (clone or spare, then personalise).

The template holds ``base``, ``saas_client``, ``sale_demo`` and 1k partners. Each timed
provision is what a SaaS server does for ``create_new_database`` (the owner's session
token is out of scope here): a spare renamed (from the pool) or a direct clone (empty
pool), then the owner's login, name and email, the company name and three parameters
written in the copy. 20 provisions in a row of each kind, the pool filled beforehand
(untimed) for the first; p50 and worst are reported.

Goals: from the pool under 150 ms; with an empty pool under 1 s on PostgreSQL, 300 ms on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable

from bench._common import (
    BenchContext,
    Result,
    Stats,
    analyze,
    create_salespeople,
    fmt_seconds,
    load_partners,
    repeat,
)
from tenantry.saas.provision import Personalization, provision
from tenantry.saas.spares import SparePool

NAME = "provision"
PARTNERS = 1_000
ROUNDS, QUICK_ROUNDS = 20, 5
GOALS_POOL = 0.15
GOALS_CLONE = {"postgresql": 1.0, "sqlite": 0.3}
TEMPLATE = "bench-tpl.example.com"


def run(ctx: BenchContext) -> list[Result]:
    return [_run_backend(ctx, backend) for backend in ctx.backends]


def _run_backend(ctx: BenchContext, backend: str) -> Result:
    rounds = QUICK_ROUNDS if ctx.quick else ROUNDS
    with ctx.instance(backend) as inst:
        ctx.log(f"provision/{backend}: template with saas_client, sale_demo and {PARTNERS} partners")
        inst.create_database(TEMPLATE, modules=["saas_client", "sale_demo"])
        load_partners(inst, TEMPLATE, PARTNERS, create_salespeople(inst, TEMPLATE))
        analyze(inst, TEMPLATE)
        pool = SparePool(inst, {TEMPLATE: rounds})
        counter = iter(range(10**6))

        def one(use: SparePool | None) -> Callable[[], None]:
            def make() -> None:
                k = next(counter)
                values = Personalization(
                    owner_login=f"owner{k}@example.com",
                    owner_name=f"Owner {k}",
                    owner_email=f"owner{k}@example.com",
                    company_name=f"Customer {k}",
                    params={
                        "saas_client.max_users": "10",
                        "saas_client.expiration_datetime": "2030-01-01 00:00:00",
                        "saas_client.total_storage_limit": "500",
                    },
                )
                made = provision(inst, TEMPLATE, f"c{k}.example.com", values, pool=use)
                assert made.source == ("spare" if use is not None else "clone"), made

            return make

        ctx.log(f"provision/{backend}: filling the pool with {rounds} spares (untimed)")
        pool.refill(TEMPLATE)
        from_pool = Stats.of(repeat(one(pool), rounds))
        ctx.log(f"provision/{backend}: {rounds} direct clones")
        pool.set_target(TEMPLATE, 0)
        cloned = Stats.of(repeat(one(None), rounds))
    goal_clone = GOALS_CLONE[backend]
    passed = from_pool.median < GOALS_POOL and cloned.median < goal_clone
    return Result(
        benchmark=f"provision (clone+personalise) base+saas_client+sale_demo+{PARTNERS // 1000}k partners",
        backend=backend,
        figure=(
            f"pool p50 {fmt_seconds(from_pool.median)} worst {fmt_seconds(from_pool.max)};"
            f" empty pool p50 {fmt_seconds(cloned.median)} worst {fmt_seconds(cloned.max)}"
        ),
        goal=f"pool < {GOALS_POOL} s, empty < {goal_clone} s",
        passed=passed,
        value=round(from_pool.median, 4),
        unit="s",
        details={
            "rounds": rounds,
            "pool_seconds": from_pool.scaled(1, 4),
            "clone_seconds": cloned.scaled(1, 4),
        },
    )
