"""The web client's form page: server time of ``GET /odoo/sale.order/<id>`` with 20 lines.

One database per backend with ``sale_demo``, a salesman (Own Documents Only) and one
of their orders with 20 lines (two products, quantities and prices varying), made
through the ORM's public ``create``; 10k other orders of other salespeople are
loaded too (as the list benchmark does), so the record rules run over a real table.

The application (``tenantry.web.create_app``) runs in-process behind Starlette's
``TestClient``: no network, no uvicorn, so the figure is the server's time for the
whole request (session, page transaction, form view, read of the order and its
lines, Print menu, app menu, rendering). After a login and 20 warm-up requests the
form is timed ``ITERATIONS`` times in read mode, then in edit mode (inputs, selects of
customers and products). Goal: p50 under 25 ms (read mode).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench._common import BenchContext, Result, Stats, fmt_seconds, print_profile, profile_calls, web_login

NAME = "web_form"
ORDERS, QUICK_ORDERS = 10_000, 2_000
LINES = 20
ITERATIONS, QUICK_ITERATIONS = 200, 50
WARMUP = 20
GOAL_SECONDS = 0.025
_BATCH = 1_000
_DB = "bench_web_form"


def run(ctx: BenchContext) -> list[Result]:
    results: list[Result] = []
    for backend in ctx.backends:
        results.extend(_run_backend(ctx, backend))
    return results


def _load(ctx: BenchContext, inst: Any, count: int) -> int:
    """The database; returns the id of the measured order."""
    inst.create_database(_DB, modules=["sale_demo"])
    with inst.env(_DB) as env:
        salesman = env.ref("sale_demo.group_sale_salesman").id
        sam, other = env["res.users"].create(
            [
                {
                    "name": name,
                    "login": name.lower(),
                    "password": f"{name.lower()}-pass",
                    "groups_id": [(6, 0, [salesman])],
                }
                for name in ("Sam", "Other")
            ]
        )
        partners = env["res.partner"].create([{"name": f"Customer {k}"} for k in range(50)])
        products = env["product.product"].create([{"name": "Desk"}, {"name": "Chair"}]).ids
        order = env["sale.order"].create(
            {
                "name": "BENCH-FORM",
                "partner_id": partners.ids[0],
                "user_id": sam.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[k % 2],
                            "product_uom_qty": k + 1,
                            "price_unit": 10.5 * (k + 1),
                        },
                    )
                    for k in range(LINES)
                ],
            }
        )
        order_id = int(order.id)
        other_id = int(other.id)
    start = time.perf_counter()
    for first in range(0, count, _BATCH):
        with inst.env(_DB) as env:
            env["sale.order"].create(
                [
                    {"name": f"S{i:05d}", "partner_id": partners.ids[i % 50], "user_id": other_id}
                    for i in range(first, min(first + _BATCH, count))
                ]
            )
    ctx.log(f"web_form: {count} orders created in {time.perf_counter() - start:.1f} s")
    return order_id


def _run_backend(ctx: BenchContext, backend: str) -> list[Result]:
    from starlette.testclient import TestClient

    from tenantry.web import ServerConfig, create_app

    count = QUICK_ORDERS if ctx.quick else ORDERS
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    results: list[Result] = []
    with ctx.instance(backend) as inst:
        ctx.log(f"web_form/{backend}: loading {count} orders")
        order_id = _load(ctx, inst, count)
        with TestClient(create_app(inst, ServerConfig()), base_url="http://localhost") as client:
            web_login(client, _DB, "sam", "sam-pass")
            for mode, query, marker in (
                ("read", "", "<tr data-line="),
                ("edit", "?edit=1", 'name="order_line.'),
            ):
                url = f"/odoo/sale.order/{order_id}{query}"
                request = _request(client, url, marker)
                for _ in range(WARMUP):
                    request()
                samples = []
                for _ in range(iterations):
                    start = time.perf_counter()
                    request()
                    samples.append(time.perf_counter() - start)
                stats = Stats.of(samples)
                profile = None
                if ctx.profile and stats.median >= GOAL_SECONDS:
                    profile = profile_calls(request, 20, f"web_form-{mode}-{backend}")
                    print_profile(f"web_form {mode} {backend}", profile)
                results.append(
                    Result(
                        benchmark=f"GET /odoo/sale.order/<id>{query}, {LINES} lines ({mode}), salesman",
                        backend=backend,
                        figure=f"p50 {fmt_seconds(stats.median)} (p90 {fmt_seconds(stats.p90)})",
                        goal=f"p50 < {GOAL_SECONDS * 1000:.0f} ms",
                        passed=stats.median < GOAL_SECONDS,
                        value=round(stats.median, 5),
                        unit="s",
                        details={
                            "seconds": stats.scaled(1, 5),
                            "orders": count,
                            **({"profile": profile} if profile is not None else {}),
                        },
                    )
                )
    return results


def _request(client: Any, url: str, marker: str) -> Callable[[], None]:
    def request() -> None:
        response = client.get(url)
        if response.status_code != 200 or response.text.count(marker) < LINES:
            raise RuntimeError(f"unexpected form page: {response.status_code}")

    return request
