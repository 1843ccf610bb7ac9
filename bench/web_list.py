"""The web client's list page: server time of ``GET /odoo/sale.order`` as a salesman.

One database per backend with ``sale_demo``, 10 salespeople and 10k sale orders
created through the ORM's public ``create`` (in batches, as the superuser): order
``i`` belongs to salesperson ``i % 10``, one in 20 to nobody. The measured user is
a salesman (Own Documents Only), so the record rules filter the list (about 1,400
of the orders are theirs or unassigned).

The application (``tenantry.web.create_app``) runs in-process behind Starlette's
``TestClient``: no network, no uvicorn, so the figure is the server's time for the
whole request (session, page transaction, views, search, count, rendering).
After a login and 20 warm-up requests, ``GET /odoo/sale.order`` (80 rows, the first
page) is timed ``ITERATIONS`` times. Goal: p50 under 25 ms. Beside the wall-clock figure,
the process's CPU time per request (``time.process_time``: the app's and the in-process
client's threads; PostgreSQL's own work is not in it), which a loaded machine inflates less.
"""

from __future__ import annotations

import time
from typing import Any

from bench._common import BenchContext, Result, Stats, fmt_seconds, print_profile, profile_calls, web_login

NAME = "web_list"
ORDERS, QUICK_ORDERS = 10_000, 10_000
ITERATIONS, QUICK_ITERATIONS = 200, 50
WARMUP = 20
GOAL_SECONDS = 0.025
SALESPEOPLE = 10
_BATCH = 1_000
_DB = "bench_web_list"


def run(ctx: BenchContext) -> list[Result]:
    return [_run_backend(ctx, backend) for backend in ctx.backends]


def _load(ctx: BenchContext, inst: Any, count: int, db: str = _DB) -> None:
    """``db`` with sale_demo, the salespeople and ``count`` orders (also used by web_browser)."""
    inst.create_database(db, modules=["sale_demo"])
    with inst.env(db) as env:
        salesman = env.ref("sale_demo.group_sale_salesman").id
        users = env["res.users"].create(
            [
                {
                    "name": f"Salesperson {k}",
                    "login": f"sales{k}",
                    "password": f"sales{k}-pass",
                    "groups_id": [(6, 0, [salesman])],
                }
                for k in range(SALESPEOPLE)
            ]
        )
        partners = env["res.partner"].create([{"name": f"Customer {k}"} for k in range(50)])
    start = time.perf_counter()
    for first in range(0, count, _BATCH):
        with inst.env(db) as env:
            env["sale.order"].create(
                [
                    {
                        "name": f"S{i:05d}",
                        "partner_id": partners.ids[i % 50],
                        "user_id": False if i % 20 == 0 else users.ids[i % SALESPEOPLE],
                    }
                    for i in range(first, min(first + _BATCH, count))
                ]
            )
    ctx.log(f"web_list: {count} orders created in {time.perf_counter() - start:.1f} s")


def _run_backend(ctx: BenchContext, backend: str) -> Result:
    from starlette.testclient import TestClient

    from tenantry.web import ServerConfig, create_app

    count = QUICK_ORDERS if ctx.quick else ORDERS
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    with ctx.instance(backend) as inst:
        ctx.log(f"web_list/{backend}: loading {count} orders")
        _load(ctx, inst, count)
        with TestClient(create_app(inst, ServerConfig()), base_url="http://localhost") as client:
            web_login(client, _DB, "sales1", "sales1-pass")

            def request() -> None:
                response = client.get("/odoo/sale.order")
                if response.status_code != 200 or response.text.count("<tr data-id=") != 80:
                    raise RuntimeError(f"unexpected list page: {response.status_code}")

            for _ in range(WARMUP):
                request()
            samples, cpu = [], []
            for _ in range(iterations):
                start, start_cpu = time.perf_counter(), time.process_time()
                request()
                samples.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            stats, cpu_stats = Stats.of(samples), Stats.of(cpu)
            profile = None
            if ctx.profile and stats.median >= GOAL_SECONDS:
                profile = profile_calls(request, 20, f"web_list-{backend}")
                print_profile(f"web_list {backend}", profile)
    return Result(
        benchmark=f"GET /odoo/sale.order, 80 rows of {count // 1000}k as a salesman",
        backend=backend,
        figure=(
            f"p50 {fmt_seconds(stats.median)} (p90 {fmt_seconds(stats.p90)}; "
            f"CPU p50 {fmt_seconds(cpu_stats.median)})"
        ),
        goal=f"p50 < {GOAL_SECONDS * 1000:.0f} ms",
        passed=stats.median < GOAL_SECONDS,
        value=round(stats.median, 5),
        unit="s",
        details={
            "seconds": stats.scaled(1, 5),
            "process_cpu_seconds": cpu_stats.scaled(1, 5),
            "orders": count,
            **({"profile": profile} if profile is not None else {}),
        },
    )
