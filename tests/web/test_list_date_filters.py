"""Date filters of search views (``<filter date="field">``): a month, a quarter or a year
of the field, in the user's time zone, as Odoo 17's."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in


def _ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)}


def test_a_date_filter_chooses_months_quarters_and_years_in_the_users_time_zone(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        env["sale.order"].search([]).unlink()
        sam = make_user(
            env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass", tz="Europe/Brussels"
        )
        partner = env["res.partner"].create({"name": "Azure Interior"})
        moments = ("2026-12-02 10:00:00", "2026-11-30 23:30:00", "2026-11-15 12:00:00", "2025-06-01 08:00:00")
        orders = env["sale.order"]
        base = {"partner_id": partner.id, "user_id": sam.id}
        made = {t: orders.create({**base, "date_order": t}).id for t in moments}
    december = {made["2026-12-02 10:00:00"], made["2026-11-30 23:30:00"]}  # 00:30 on 1 December in Brussels
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, fresh_db, "sam", "sam-pass").status_code == 303

        def found(*periods: str) -> set[int]:
            page = client.get("/odoo/sale.order", params={"filter": [f"order_date:{p}" for p in periods]})
            assert page.status_code == 200
            return _ids(page.text)

        assert found("2026-12") == december
        assert found("2026-q4") == december | {made["2026-11-15 12:00:00"]}
        assert found("2025") == {made["2025-06-01 08:00:00"]}
        assert found("2026-12", "2025") == december | {made["2025-06-01 08:00:00"]}  # OR'ed
        assert found("2026-q1") == set()
        page = client.get("/odoo/sale.order", params={"filter": "order_date:2024-q2"})
        today = dt.datetime.now(ZoneInfo("Europe/Brussels")).date()  # the user's today
        assert f'<option value="order_date:{today.year}-{today.month:02d}">' in page.text
        assert '<option value="order_date:2024-q2" selected>' in page.text  # a bookmarked period
        for bad in ("2026-13", "abc", "2026-q5", "0000"):
            refused = client.get("/odoo/sale.order", params={"filter": f"order_date:{bad}"})
            assert refused.status_code == 400 and 'role="alert"' in refused.text
        assert client.get("/odoo/sale.order", params={"filter": "draft:2026"}).status_code == 400
