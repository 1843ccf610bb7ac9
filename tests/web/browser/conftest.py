"""Browser tests: Debian's Chromium driven by Playwright, against a live server on loopback.

- ``chromium``: one headless Chromium for this package's tests (``/usr/bin/chromium``;
  Playwright never downloads a browser here). Keep browser tests in this package: while
  Playwright's sync API is open, the thread has a running event loop, so the fixture
  ends with the package, before tests that call ``asyncio.run``. Without it the tests are skipped, except
  under CI (``CI`` set), where they fail: ``make test`` installs it.
- ``live``: the module's live server on ``instance`` (both backends), with the template.
- ``page``: a fresh browser context (no cookies) and page whose ``base_url`` is ``live``.
  When a test fails, a screenshot of its page is saved under ``test-artifacts/``.
- ``log_in(page, db, login, password)``: through the login form.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve, serve  # noqa: F401  (the module-scoped fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = "test-artifacts"

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/web/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the test, for ``page`` to know whether it failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Chromium (make test does: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live(serve: Serve, instance: Instance, template: str) -> LiveServer:  # noqa: F811
    return serve(instance, ServerConfig())


@pytest.fixture
def page(chromium: Browser, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = chromium.new_context(base_url=live.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        if any(report.failed for report in reports.values()):
            save_screenshot(page, request)
        context.close()


def save_screenshot(page: Page, request: pytest.FixtureRequest, suffix: str = "failed") -> Path:
    """A full-page screenshot under ``test-artifacts/``, named after the test."""
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid).strip("_")
    path = Path(request.config.rootpath) / ARTIFACTS / f"{name}-{suffix}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a crashed page: the test's own failure says more
        print(f"no screenshot of the failed page: {exc}")
    return path


def log_in(page: Page, db: str, login: str = "admin", password: str = "admin") -> None:
    """Log in through the form of the page at hand, else of ``/web/login``."""
    if not page.url.split("?")[0].endswith("/web/login"):
        page.goto("/web/login")
    database = page.locator("select[name=db], input[name=db]:not([type=hidden])")
    if database.count():
        if database.evaluate("e => e.tagName") == "SELECT":
            database.select_option(db)
        else:
            database.fill(db)
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, as ``"rule: target, ..."`` lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node.get("target")) for node in violation.get("nodes", []))
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]
