"""The README's screenshot of the backend, made by this suite's Chromium.

Every run saves it under ``test-artifacts/``; with ``TENANTRY_UPDATE_SCREENSHOT=1`` it
also replaces ``docs/backend.png``, the picture the README shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.browser.conftest import log_in, save_screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOCS = Path(__file__).resolve().parents[3] / "docs" / "backend.png"


def test_a_screenshot_of_the_sales_orders_list(
    page: Page, template: str, request: pytest.FixtureRequest
) -> None:
    if request.node.callspec.params.get("instance") not in (None, "sqlite"):
        pytest.skip("one picture is enough: made on SQLite")
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, template)
    page.goto("/odoo/sale.order")
    assert page.locator("tr[data-id]").count() > 0
    path = save_screenshot(page, request, "backend")
    if os.environ.get("TENANTRY_UPDATE_SCREENSHOT"):
        DOCS.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS)
