"""``/report/pdf/...`` and ``/report/html/...`` with the web session: as the session's user, or refused."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pypdf
import pytest

from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.web.reports import action_url
from tests.security.helpers import make_user
from tests.web.conftest import LiveServer


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def _log_in(http: httpx.Client, db: str, login: str, password: str) -> None:
    params = {"db": db, "login": login, "password": password}
    reply = http.post("/web/session/authenticate", json={"jsonrpc": "2.0", "params": params, "id": 1})
    assert "result" in reply.json(), reply.text


@pytest.fixture
def orders(instance: Instance, fresh_db: str) -> tuple[int, int]:
    """Two salesmen, Sally and Sam (password: their login): S00001 is Sally's, S00002 Sam's."""
    with instance.env(fresh_db) as env:
        sally = make_user(env, "sally", ["sale_demo.group_sale_salesman"], password="sally")
        sam = make_user(env, "sam", ["sale_demo.group_sale_salesman"], password="sam")
        mine, theirs = env.ref("sale_demo.sale_order_1"), env.ref("sale_demo.sale_order_2")
        mine.user_id, theirs.user_id = sally, sam
        return mine.id, theirs.id


def test_a_salesman_prints_their_quotation_with_its_lines_and_total(
    http: httpx.Client, fresh_db: str, orders: tuple[int, int]
) -> None:
    mine, _ = orders
    _log_in(http, fresh_db, "sally", "sally")
    pdf = http.get(f"/report/pdf/sale.report_saleorder/{mine}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="Quotation - S00001.pdf"' in pdf.headers["content-disposition"]
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("Quotation S00001", "Office Desk", "Office Chair", "450.00", "900.00", "480.00"):
        assert expected in text
    assert "Total 1,380.00" in text
    html = http.get(f"/report/html/sale.report_saleorder/{mine}")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert "Office Chair" in html.text and "1,380.00" in html.text


def test_an_order_the_salesman_may_not_read_is_refused_with_nothing_of_it(
    http: httpx.Client, fresh_db: str, orders: tuple[int, int]
) -> None:
    mine, theirs = orders
    _log_in(http, fresh_db, "sally", "sally")
    for path in (
        f"/report/pdf/sale.report_saleorder/{theirs}",
        f"/report/html/sale.report_saleorder/{theirs}",
        f"/report/pdf/sale.report_saleorder/{mine},{theirs}",  # never a partial document
    ):
        refused = http.get(path)
        assert refused.status_code == 403 and 'role="alert"' in refused.text
        assert refused.headers["content-type"].startswith("text/html")
        for secret in ("S00002", "S00001", "1,100.00", "Sam", "Office"):
            assert secret not in refused.text


def test_reports_print_in_the_companies_of_the_cids_cookie(
    instance: Instance, http: httpx.Client, fresh_db: str, orders: tuple[int, int]
) -> None:
    with instance.env(fresh_db) as env:
        main = env.ref("base.main_company")
        branch = env["res.company"].create({"name": "Branch Office"})
        sally = env["res.users"].search([("login", "=", "sally")])
        sally.write({"company_ids": [(4, branch.id)]})
        order = env["sale.order"].create(
            {"partner_id": env.ref("base.res_partner_1").id, "company_id": branch.id, "user_id": sally.id}
        )
        main_id, branch_id, order_id = main.id, branch.id, order.id
    _log_in(http, fresh_db, "sally", "sally")
    path = f"/report/html/sale.report_saleorder/{order_id}"
    http.cookies.set("cids", str(main_id))
    assert http.get(path).status_code == 403
    http.cookies.set("cids", f"{branch_id}-{main_id}")
    page = http.get(path)
    assert page.status_code == 200 and "Branch Office" in page.text


def test_bad_ids_unknown_reports_and_missing_records(http: httpx.Client, template: str) -> None:
    _log_in(http, template, "admin", "admin")
    for ids in ("0", "-1", "1,,2", "abc", "1;2", "1.5", ",".join(str(i) for i in range(1, 102)), "9" * 11):
        assert http.get(f"/report/pdf/sale.report_saleorder/{ids}").status_code == 400, ids
    for name in ("sale.no_such_report", "%3Cscript%3E", "base.external_layout"):
        page = http.get(f"/report/html/{name}/1")
        assert page.status_code == 404 and "<script>" not in page.text
    assert http.get("/report/html/sale.report_saleorder/999999").status_code == 404


def test_without_a_session_the_report_redirects_to_login(http: httpx.Client) -> None:
    response = http.get("/report/pdf/sale.report_saleorder/1?x=1")
    assert response.status_code == 303
    target = "/report/pdf/sale.report_saleorder/1%3Fx%3D1"
    assert response.headers["location"] == f"/web/login?redirect={target}"
    http.cookies.set("session_id", "forged")
    assert http.get("/report/html/sale.report_saleorder/1").status_code == 303


def test_a_report_action_becomes_its_url(env: Environment) -> None:
    order = env.ref("sale_demo.sale_order_1")
    action = env.ref("sale_demo.action_report_saleorder").report_action(order)
    assert action_url(action) == f"/report/pdf/sale.report_saleorder/{order.id}"
    html = {**action, "report_type": "qweb-html"}
    assert action_url(html) == f"/report/html/sale.report_saleorder/{order.id}"
    for bad in ({"type": "ir.actions.act_window"}, {**action, "context": {"active_ids": ["1"]}},
                {**action, "context": {}}, {**action, "report_name": "../x"}):  # fmt: skip
        assert action_url(bad) is None


def test_a_form_has_a_print_menu_with_the_records_reports(http: httpx.Client, template: str) -> None:
    _log_in(http, template, "admin", "admin")
    with_menu = http.get("/odoo/sale.order/1")
    assert with_menu.status_code == 200
    assert "<summary>Print</summary>" in with_menu.text
    assert 'href="/report/pdf/sale.report_saleorder/1"' in with_menu.text
    assert "<summary>Print</summary>" not in http.get("/odoo/res.partner/1").text  # no report bound


def test_a_list_prints_its_checked_records(http: httpx.Client, template: str) -> None:
    _log_in(http, template, "admin", "admin")
    listing = http.get("/odoo/sale.order")
    assert listing.status_code == 200
    assert '<button type="submit" formaction="/report/pdf/sale.report_saleorder"' in listing.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', listing.text)
    assert found
    selection = {"csrf_token": found.group(1), "ids": ["2", "1"], "redirect": "/odoo/sale.order"}
    target = "/report/pdf/sale.report_saleorder"
    printed = http.post(target, data=selection)
    assert printed.status_code == 303 and printed.headers["location"] == f"{target}/2,1"
    assert http.post(target, data={**selection, "csrf_token": "x"}).status_code == 403
    assert http.post(target, data={**selection, "ids": ["1", "x"]}).status_code == 400
