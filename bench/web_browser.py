"""The web client in Chromium: from the login page to a rendered list, and that page's weight.

The data of ``web_list`` (``sale_demo``, 10 salespeople, 10k orders) behind a real
server: ``create_app`` under uvicorn in a thread, on a free port of 127.0.0.1 (HTTP/1.1,
no TLS). Debian's Chromium (``/usr/bin/chromium``, headless, ``--no-sandbox``) is
driven by Playwright; Playwright's own browser download is never used.

Each timed round opens a new browser context (no cookies, an empty cache: a first
visit, the heaviest case), loads ``/web/login?redirect=/odoo/sale.order`` (not timed),
fills in a salesman's login and password, and clicks "Log in". The browser POSTs the
form (the server verifies the password with Argon2), follows the 303 to
``/odoo/sale.order`` and renders its 80 rows, loading the stylesheet and htmx.

* time: the browser's own Navigation Timing of that navigation, ``loadEventEnd``
  (milliseconds from the form's submission, the redirect included, to the end of the
  load event of the list page). Goal: under 300 ms.
* transfer size: ``transferSize`` of the list document and of every resource it loaded
  (headers included, as the network panel counts them), in the same cold rounds.
  Goal: under 100 kB.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import web_list
from bench._common import BenchContext, Result, Stats, fmt_seconds

NAME = "web_browser"
ITERATIONS, QUICK_ITERATIONS = 30, 8
WARMUP = 3
GOAL_SECONDS = 0.300
GOAL_BYTES = 100_000
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
_DB = "bench_web_browser"
_LIST = "/odoo/sale.order"

# The list page's navigation and resources, as the browser measured them.
_MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    url: nav.name,
    redirects: nav.redirectCount,
    load_event_end_ms: nav.loadEventEnd,
    response_end_ms: nav.responseEnd,
    transfer: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    decoded: nav.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0),
    document: nav.transferSize,
    resources: resources.map(r => [r.name, r.transferSize]),
    rows: document.querySelectorAll('tr[data-id]').length,
  };
}"""


def run(ctx: BenchContext) -> list[Result]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    results: list[Result] = []
    for backend in ctx.backends:
        results.extend(_run_backend(ctx, backend))
    return results


@contextmanager
def _live_server(inst: Any) -> Iterator[str]:
    """The app under uvicorn in a thread; yields its base URL."""
    import uvicorn

    from tenantry.web import ServerConfig, create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(inst, ServerConfig()), log_level="warning", access_log=False, ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the benchmark's server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _round(browser: Any, url: str) -> dict[str, Any]:
    """One cold visit: the login page, then the timed login to the list."""
    context = browser.new_context(base_url=url)
    try:
        page = context.new_page()
        page.goto(f"/web/login?redirect={_LIST}")
        database = page.locator("select[name=db]")
        if database.count():
            database.select_option(_DB)
        page.fill("input[name=login]", "sales1")
        page.fill("input[name=password]", "sales1-pass")
        start = time.perf_counter()
        with page.expect_navigation(url=f"**{_LIST}", wait_until="load"):
            page.click("button[type=submit]")
        wall = time.perf_counter() - start
        measured: dict[str, Any] = page.evaluate(_MEASURE)
        if measured["rows"] != 80 or not measured["url"].endswith(_LIST):
            raise RuntimeError(f"unexpected page after login: {measured['url']} ({measured['rows']} rows)")
        measured["wall_s"] = wall
        return measured
    finally:
        context.close()


def _run_backend(ctx: BenchContext, backend: str) -> list[Result]:
    from playwright.sync_api import sync_playwright

    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    with ctx.instance(backend) as inst:
        ctx.log(f"web_browser/{backend}: loading {web_list.ORDERS} orders")
        web_list._load(ctx, inst, web_list.ORDERS, db=_DB)
        with _live_server(inst) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for _ in range(WARMUP):
                    _round(browser, url)
                rounds = [_round(browser, url) for _ in range(iterations)]
            finally:
                browser.close()
    nav = Stats.of([r["load_event_end_ms"] / 1000 for r in rounds])
    wall = Stats.of([r["wall_s"] for r in rounds])
    transfer = statistics.median(r["transfer"] for r in rounds)
    last = rounds[-1]
    return [
        Result(
            benchmark="Chromium: login page to a rendered list (navigation end), cold cache",
            backend=backend,
            figure=(
                f"p50 {fmt_seconds(nav.median)} (p90 {fmt_seconds(nav.p90)}; "
                f"wall p50 {fmt_seconds(wall.median)})"
            ),
            goal=f"p50 < {GOAL_SECONDS * 1000:.0f} ms",
            passed=nav.median < GOAL_SECONDS,
            value=round(nav.median, 5),
            unit="s",
            details={"navigation_seconds": nav.scaled(1, 5), "wall_seconds": wall.scaled(1, 5)},
        ),
        Result(
            benchmark="Chromium: the list page's total transfer size (document + resources)",
            backend=backend,
            figure=f"{transfer / 1000:.1f} kB ({last['decoded'] / 1000:.1f} kB decoded)",
            goal=f"< {GOAL_BYTES // 1000} kB",
            passed=transfer < GOAL_BYTES,
            value=transfer,
            unit="B",
            details={"document_bytes": last["document"], "resources": last["resources"]},
        ),
    ]
