"""Record forms over HTTP (SPEC 10): read, edit, create with lines, errors inline, 403/404,
header buttons and CSRF, as salesmen and managers of sale_demo."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_group, make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of

SALESMAN = "sale_demo.group_sale_salesman"
MANAGER = "sale_demo.group_sale_manager"


@dataclass
class Shop:
    db: str
    url: str
    own_order: int
    other_order: int
    partner: int
    desk: int
    chair: int


@pytest.fixture
def shop(serve: Serve, instance: Instance, fresh_db: str) -> Shop:
    """Two salesmen (``sam``, ``sue``), a manager (``meg``), and one order of each salesman."""
    with instance.env(fresh_db) as env:
        sam = make_user(env, "sam", groups=[SALESMAN], password="sam-pass-1")
        sue = make_user(env, "sue", groups=[SALESMAN], password="sue-pass-1")
        make_user(env, "meg", groups=[MANAGER], password="meg-pass-1")
        partner = env["res.partner"].create({"name": "Zebulon Quayle Traders"})
        desk = env.ref("sale_demo.product_desk")
        chair = env.ref("sale_demo.product_chair")
        orders = env["sale.order"]
        own = orders.create({"name": "SAM-0001", "partner_id": partner.id, "user_id": sam.id})
        other = orders.create(
            {
                "name": "SUE-SECRET-77",
                "partner_id": env["res.partner"].create({"name": "Hidden Hollow Ltd"}).id,
                "user_id": sue.id,
                "internal_note": "between managers",
                "order_line": [(0, 0, {"product_id": desk.id, "product_uom_qty": 3, "price_unit": 4321.5})],
            }
        )
        ids = (int(own.id), int(other.id), int(partner.id), int(desk.id), int(chair.id))
    live = serve(instance, ServerConfig())
    return Shop(fresh_db, live.url, *ids)


@pytest.fixture
def sam(shop: Shop) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shop.url) as client:
        log_in(client, shop.db, "sam", "sam-pass-1")
        yield client


def _suggestions(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"></option>', html)


def test_a_salesman_creates_an_order_with_two_lines_in_one_post(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    page = sam.get("/odoo/sale.order/new")
    assert page.status_code == 200
    assert 'name="partner_id"' in page.text and '<label for="f-partner_id"' in page.text
    found = sam.get("/odoo/sale.order/name_search", params={"field": "partner_id", "q": "Zebulon"})
    assert found.status_code == 200
    assert '<datalist id="f-partner_id-list">' in found.text
    assert _suggestions(found.text) == ["Zebulon Quayle Traders"]
    add = sam.post(
        "/odoo/sale.order/new",
        data={
            "csrf_token": token_of(page.text),
            "partner_id": str(shop.partner),
            "order_line": "",
            "_add": "order_line",
        },
    )
    assert 'name="order_line.n1.product_id"' in add.text
    form = {
        "csrf_token": token_of(page.text),
        "partner_id": "Zebulon Quayle Traders",  # the suggestion, as the browser fills it in
        "order_line": "",
        "order_line.n1.product_id": str(shop.desk),
        "order_line.n1.product_uom_qty": "2",
        "order_line.n1.price_unit": "100.25",
        "order_line.n2.product_id": str(shop.chair),
        "order_line.n2.product_uom_qty": "1,5",
        "order_line.n2.price_unit": "10",
    }
    created = sam.post("/odoo/sale.order/new", data=form)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    order_id = int(re.match(r"/odoo/sale\.order/(\d+)", location).group(1))  # type: ignore[union-attr]
    shown = sam.get(location)
    assert 'data-field="amount_total"' in shown.text and "215.50" in shown.text
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(order_id)
        assert order.amount_total == pytest.approx(215.5)
        assert order.user_id.login == "sam" and len(order.order_line) == 2


def test_another_salesmans_order_is_a_403_with_none_of_its_values(sam: httpx.Client, shop: Shop) -> None:
    response = sam.get(f"/odoo/sale.order/{shop.other_order}")
    assert response.status_code == 403 and 'role="alert"' in response.text
    for secret in ("SUE-SECRET-77", "Hidden Hollow", "4321", "12,964", "between managers"):
        assert secret not in response.text
    for op in ("duplicate", "archive", "delete", "button"):
        refused = sam.post(
            f"/odoo/sale.order/{shop.other_order}/{op}",
            data={"csrf_token": token_of(response.text), "name": "action_confirm"},
        )
        assert refused.status_code == 403 and "SUE-SECRET" not in refused.text


def test_missing_records_bad_ids_and_unknown_models_are_404(sam: httpx.Client, shop: Shop) -> None:
    for path in (
        "/odoo/sale.order/999999",
        "/odoo/sale.order/0",
        "/odoo/sale.order/1x",
        "/odoo/sale.order/-1",
        "/odoo/sale.order/99999999999999999999",
        "/odoo/no.such.model/1",
        "/odoo/mail.thread/1",
        "/odoo/no.such.model/new",
        "/odoo/action-base.no_such_action/1",
    ):
        response = sam.get(path)
        assert response.status_code == 404, path
        assert 'role="alert"' in response.text and "Traceback" not in response.text


def test_internal_note_is_absent_for_a_salesman_and_editable_for_a_manager(
    sam: httpx.Client, shop: Shop
) -> None:
    for path in (f"/odoo/sale.order/{shop.own_order}", f"/odoo/sale.order/{shop.own_order}?edit=1"):
        assert "internal_note" not in sam.get(path).text
    with httpx.Client(base_url=shop.url) as meg:
        log_in(meg, shop.db, "meg", "meg-pass-1")
        read = meg.get(f"/odoo/sale.order/{shop.other_order}")
        assert 'data-field="internal_note"' in read.text and "between managers" in read.text
        edit = meg.get(f"/odoo/sale.order/{shop.other_order}?edit=1")
        assert re.search(r'<textarea id="f-internal_note" name="internal_note"', edit.text)
        assert '<label for="f-internal_note"' in edit.text


def test_a_validation_error_is_inline_with_the_input_kept_and_nothing_written(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    url = f"/odoo/sale.order/{shop.own_order}"
    edit = sam.get(url, params={"edit": "1"})
    response = sam.post(
        url,
        data={
            "csrf_token": token_of(edit.text),
            "note": "KEEP-ME-NOTE",
            "order_line": "",
            "order_line.n1.product_id": str(shop.desk),
            "order_line.n1.product_uom_qty": "-4",
        },
    )
    assert response.status_code == 422
    assert re.search(r'role="alert"[^>]*>[^<]*quantity of an order line cannot be negative', response.text)
    assert ">KEEP-ME-NOTE</textarea>" in response.text and 'value="-4"' in response.text
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.own_order)
        assert not order.note and not order.order_line


def test_a_bad_number_is_shown_next_to_its_field(sam: httpx.Client, shop: Shop) -> None:
    url = f"/odoo/sale.order/{shop.own_order}"
    edit = sam.get(url, params={"edit": "1"})
    response = sam.post(
        url,
        data={
            "csrf_token": token_of(edit.text),
            "order_line": "",
            "order_line.n1.product_id": str(shop.desk),
            "order_line.n1.price_unit": "twelve",
        },
    )
    assert response.status_code == 422 and 'value="twelve"' in response.text
    assert re.search(r'class="field-error" role="alert"[^>]*>Enter a number', response.text)


def test_a_duplicate_login_on_a_new_user_is_shown_inline(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as admin:
        log_in(admin, fresh_db)
        page = admin.get("/odoo/res.users/new")
        assert page.status_code == 200 and 'name="login"' in page.text
        response = admin.post(
            "/odoo/res.users/new",
            data={"csrf_token": token_of(page.text), "name": "Second Admin", "login": "admin"},
        )
        assert response.status_code == 422 and 'role="alert"' in response.text
        assert 'value="Second Admin"' in response.text
    with instance.env(fresh_db) as env:
        assert not env["res.users"].with_context(active_test=False).search([("name", "=", "Second Admin")])


ORDER_FORM = """<form string="Order">
  <header>
    <button name="action_confirm" type="object" string="Confirm" invisible="state != 'draft'"/>
    <button name="action_cancel" type="object" string="Cancel Order" groups="sale_demo.group_sale_manager"/>
    <field name="state" widget="statusbar" statusbar_visible="draft,sale"/>
  </header>
  <sheet>
    <h1><field name="name"/></h1>
    <group><group><field name="partner_id"/></group><group><field name="date_order"/></group></group>
    <notebook>
      <page string="Lines" name="lines">
        <field name="order_line"><list><field name="product_id"/><field name="price_unit"/></list></field>
      </page>
      <page string="Other" name="other"><field name="note" readonly="state != 'draft'"/></page>
    </notebook>
  </sheet>
</form>"""


def test_header_buttons_run_as_the_user_and_only_the_arch_s_public_ones(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    with instance.env(shop.db) as env:
        env["ir.ui.view"].create(
            {
                "name": "test order form",
                "model": "sale.order",
                "type": "form",
                "priority": 1,
                "arch": ORDER_FORM,
            }
        )
    url = f"/odoo/sale.order/{shop.own_order}"
    page = sam.get(url).text
    token = token_of(page)
    assert ">Confirm</button>" in page and "Cancel Order" not in page
    assert re.search(r'<li aria-current="step" class="current">Quotation</li>', page)
    assert '<h2 id="page-1-lines">Lines</h2>' in page
    for name in ("_compute_amount_total", "unlink", "write", "action_cancel_all", "sudo"):
        refused = sam.post(f"{url}/button", data={"csrf_token": token, "type": "object", "name": name})
        assert refused.status_code in (400, 403), name
    done = sam.post(f"{url}/button", data={"csrf_token": token, "type": "object", "name": "action_confirm"})
    assert done.status_code == 303
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.own_order)
        assert order.state == "sale" and order.write_uid.login == "sam"
    after = sam.get(url).text
    assert ">Confirm</button>" not in after and 'data-field="note"' in after
    edit = sam.get(url, params={"edit": "1"}).text
    assert 'name="note"' not in edit and 'name="partner_id"' in edit
    again = sam.post(f"{url}/button", data={"csrf_token": token, "type": "object", "name": "action_confirm"})
    assert again.status_code == 400  # invisible once confirmed: refused


def test_posts_without_the_csrf_token_change_nothing(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    url = f"/odoo/sale.order/{shop.own_order}"
    for path, data in (
        (url, {"name": "FORGED"}),
        (f"{url}/delete", {}),
        ("/odoo/sale.order/new", {"partner_id": str(shop.partner)}),
    ):
        response = sam.post(path, data={**data, "csrf_token": "forged"})
        assert response.status_code == 403
    with instance.env(shop.db) as env:
        assert env["sale.order"].browse(shop.own_order).name == "SAM-0001"
        assert env["sale.order"].search_count([]) == 4


def test_a_settings_user_sees_which_rule_refused_them(serve: Serve, instance: Instance, shop: Shop) -> None:
    with instance.env(shop.db) as env:
        make_user(env, "sid", groups=[SALESMAN, "base.group_system"], password="sid-pass-1")
    with httpx.Client(base_url=shop.url) as sid:
        log_in(sid, shop.db, "sid", "sid-pass-1")
        response = sid.get(f"/odoo/sale.order/{shop.other_order}")
        assert response.status_code == 403
        assert "Personal Orders" in response.text and "kept out" in response.text
        assert "SUE-SECRET-77" not in response.text and "Hidden Hollow" not in response.text


def test_edit_duplicate_archive_and_delete(sam: httpx.Client, shop: Shop, instance: Instance) -> None:
    url = f"/odoo/sale.order/{shop.own_order}"
    assert (
        shop.partner and "SAM-0001" in sam.get(f"/odoo/action-sale_demo.action_orders/{shop.own_order}").text
    )
    read = sam.get(url)
    assert all(f">{label}</button>" in read.text for label in ("Edit", "New", "Duplicate"))
    token = token_of(read.text)
    saved = sam.post(
        url,
        data={
            "csrf_token": token,
            "name": "SAM-RENAMED",
            "note": "line one\r\nline two",
            "date_order": "2026-03-01T10:30",
        },
    )
    assert saved.status_code == 303
    copy = sam.post(f"{url}/duplicate", data={"csrf_token": token})
    assert copy.status_code == 303
    copy_id = int(copy.headers["location"].split("/")[-1].split("?")[0])
    assert copy_id != shop.own_order
    # salesmen may not delete orders (no unlink right): refused, the order stays
    assert sam.post(f"/odoo/sale.order/{copy_id}/delete", data={"csrf_token": token}).status_code == 403
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.own_order)
        assert order.name == "SAM-0001"  # readonly="1" in the view: not written
        assert order.note == "line one\nline two"
        assert order.date_order == dt.datetime(2026, 3, 1, 10, 30)  # sam has no tz: UTC
        assert env["sale.order"].browse(copy_id).exists()


def test_datetimes_are_shown_and_entered_in_the_users_timezone(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    with instance.env(shop.db) as env:
        env["res.users"].search([("login", "=", "sam")]).write({"tz": "Europe/Brussels"})
    url = f"/odoo/sale.order/{shop.own_order}"
    token = token_of(sam.get(url).text)
    saved = sam.post(url, data={"csrf_token": token, "date_order": "2026-03-01T10:30"})
    assert saved.status_code == 303
    with instance.env(shop.db) as env:
        assert env["sale.order"].browse(shop.own_order).date_order == dt.datetime(2026, 3, 1, 9, 30)
    assert "03/01/2026 10:30:00" in sam.get(url).text
    assert 'value="2026-03-01T10:30:00"' in sam.get(url, params={"edit": "1"}).text


def test_many2many_tags_are_added_and_removed_without_touching_the_others(
    serve: Serve, instance: Instance, shop: Shop
) -> None:
    with instance.env(shop.db) as env:
        sam_id = int(env["res.users"].search([("login", "=", "sam")]).id)
        manager = int(make_group(env, "Form Testers").id)  # implies nothing
        before = set(env["res.users"].browse(sam_id).groups_id.ids)
    url = f"/odoo/res.users/{sam_id}"
    with httpx.Client(base_url=shop.url) as admin:
        log_in(admin, shop.db)
        edit = admin.get(url, params={"edit": "1"}).text
        assert re.search(
            r'<input type="checkbox" id="f-groups_id-\d+" name="groups_id" value="\d+" checked>', edit
        )
        kept = [str(i) for i in sorted(before)]
        added = admin.post(url, data={"csrf_token": token_of(edit), "groups_id": ["", *kept, str(manager)]})
        assert added.status_code == 303
        with instance.env(shop.db) as env:
            assert manager in env["res.users"].browse(sam_id).groups_id.ids
        removed = admin.post(url, data={"csrf_token": token_of(edit), "groups_id": ["", *kept]})
        assert removed.status_code == 303
    with instance.env(shop.db) as env:
        groups = set(env["res.users"].browse(sam_id).groups_id.ids)
        assert manager not in groups and before <= groups


def test_lines_are_edited_and_removed_with_the_order_in_one_post(
    sam: httpx.Client, shop: Shop, instance: Instance
) -> None:
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.own_order)
        order.write({"order_line": [(0, 0, {"product_id": shop.desk, "price_unit": 7.0}) for _ in range(2)]})
        first, second = order.order_line.ids
    url = f"/odoo/sale.order/{shop.own_order}"
    edit = sam.get(url, params={"edit": "1"}).text
    assert f'name="order_line.{first}.product_uom_qty"' in edit
    assert edit.count('<datalist id="f-order_line-product_id-list">') == 1  # one for the column
    assert 'value="Office Desk" list="f-order_line-product_id-list"' in edit
    saved = sam.post(
        url,
        data={
            "csrf_token": token_of(edit),
            "order_line": "",
            f"order_line.{first}.product_uom_qty": "5",
            f"order_line.{first}.price_unit": "7",
            f"order_line.{second}.product_uom_qty": "1",
            f"order_line.{second}._remove": "1",
        },
    )
    assert saved.status_code == 303
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.own_order)
        assert order.order_line.ids == [first] and order.amount_total == pytest.approx(35.0)


def test_archive_unarchive_and_an_action_button(sam: httpx.Client, shop: Shop, instance: Instance) -> None:
    with httpx.Client(base_url=shop.url) as meg:
        log_in(meg, shop.db, "meg", "meg-pass-1")
        product = f"/odoo/product.product/{shop.chair}"
        read = meg.get(product).text
        assert ">Archive</button>" in read
        token = token_of(read)
        assert meg.post(f"{product}/archive", data={"csrf_token": token}).status_code == 303
        archived = meg.get(product).text
        assert ">Unarchive</button>" in archived and "This record is archived." in archived
        assert meg.post(f"{product}/unarchive", data={"csrf_token": token}).status_code == 303
    assert ">Archive</button>" not in sam.get(product).text  # may not write products
    url = f"/odoo/res.partner/{shop.partner}"
    token = token_of(sam.get(url).text)
    with instance.env(shop.db) as env:
        assert env["product.product"].browse(shop.chair).active
        env["ir.ui.view"].create(
            {
                "name": "partner with an action button",
                "model": "res.partner",
                "type": "form",
                "priority": 1,
                "arch": PARTNER_FORM,
            }
        )
    page = sam.get(url).text
    assert ">Orders</button>" in page
    opened = sam.post(
        f"{url}/button", data={"csrf_token": token, "type": "action", "name": "%(sale_demo.action_orders)d"}
    )
    assert opened.status_code == 303 and opened.headers["location"] == "/odoo/action-sale_demo.action_orders"
    unknown = sam.post(f"{url}/button", data={"csrf_token": token, "type": "action", "name": "%(base.x)d"})
    assert unknown.status_code == 400


PARTNER_FORM = """<form><header>
  <button name="%(sale_demo.action_orders)d" type="action" string="Orders"/>
</header><sheet><field name="name"/></sheet></form>"""
