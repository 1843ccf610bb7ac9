"""List pages over HTTP: ``/odoo``, ``/odoo/<model>``, ``/odoo/action-<xml_id>``, as the user:
rules and field groups apply; every bad parameter is a clear error page without data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of

SALESMAN = "sale_demo.group_sale_salesman"
MANAGER = "sale_demo.group_sale_manager"


@dataclass
class Shop:
    db: str
    mine: list[int]
    theirs: list[int]
    unassigned: list[int]
    other_company: list[int]
    company2: int
    confirmed_action: int


@pytest.fixture
def shop(instance: Instance, fresh_db: str) -> Shop:
    """Orders of sam (salesman), of tom (another salesman), unassigned ones, and
    orders of a second company; max is a manager of both companies."""
    with instance.env(fresh_db) as env:
        env["sale.order"].search([]).unlink()
        main = env.ref("base.main_company")
        second = env["res.company"].create({"name": "Second Co"})
        sam = make_user(env, "sam", groups=[SALESMAN], password="sam-pass")
        tom = make_user(env, "tom", groups=[SALESMAN], password="tom-pass")
        make_user(env, "max", groups=[MANAGER], password="max-pass", company=main, companies=[main, second])
        partner = env["res.partner"].create({"name": "Azure Interior"})
        other = env["res.partner"].create({"name": "Deco Addict"})
        orders = env["sale.order"]

        def make(name: str, user: object, customer: object = partner, **values: object) -> int:
            return orders.create(
                {"name": name, "partner_id": customer.id, "user_id": user, **values}  # type: ignore[attr-defined]
            ).id

        mine = [make(f"SAM{i:03d}", sam.id, other if i % 3 == 0 else partner) for i in range(85)]
        theirs = [make("TOM001", tom.id, internal_note="TOP-SECRET-NOTE")]
        unassigned = [make("NOBODY1", False, state="sale")]
        far = env["res.partner"].create({"name": "Far Customer", "company_id": second.id})
        other_company = [make("SECOND1", False, far, company_id=second.id)]
        confirmed = env["ir.actions.act_window"].create(
            {"name": "Confirmed", "res_model": "sale.order", "domain": "[('state', '=', 'sale')]"}
        )
        return Shop(fresh_db, mine, theirs, unassigned, other_company, second.id, confirmed.id)


def _client(serve: Serve, instance: Instance, db: str, login: str) -> Iterator[httpx.Client]:
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, db, login, f"{login}-pass").status_code == 303
        yield client


@pytest.fixture
def sam(serve: Serve, instance: Instance, shop: Shop) -> Iterator[httpx.Client]:
    yield from _client(serve, instance, shop.db, "sam")


@pytest.fixture
def max_(serve: Serve, instance: Instance, shop: Shop) -> Iterator[httpx.Client]:
    yield from _client(serve, instance, shop.db, "max")


def ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


def test_a_salesman_sees_own_and_unassigned_orders_paged_without_the_manager_column(
    sam: httpx.Client, shop: Shop
) -> None:
    home = sam.get("/odoo")
    assert home.status_code == 200 and ">Sales</a>" in home.text
    first = sam.get("/odoo/sale.order")
    assert first.status_code == 200, first.text
    assert len(ids(first.text)) == 80
    assert '1-80</span> / <span class="pager-limit">86<' in first.text
    second = sam.get("/odoo/sale.order", params={"page": "2"})
    everything = set(ids(first.text)) | set(ids(second.text))
    assert everything == set(shop.mine + shop.unassigned)
    assert "81-86" in second.text and 'rel="next"' not in second.text
    assert ids(sam.get("/odoo/sale.order", params={"page": "3"}).text) == []
    for page in (first, second):
        assert (
            "TOM001" not in page.text
            and "internal_note" not in page.text
            and "Internal Note" not in page.text
        )
    assert 'href="/odoo/sale.order/new"' in first.text  # salesmen may create
    assert 'value="delete"' not in first.text  # but not delete
    assert 'href="/odoo/action-sale_demo.action_orders">Orders</a>' in first.text  # the app menu


def test_search_filter_group_by_and_order(sam: httpx.Client, shop: Shop) -> None:
    blank = sam.get("/odoo/sale.order", params={"q": "", "group_by": "", "order": "", "page": ""})
    assert blank.status_code == 200 and len(ids(blank.text)) == 80  # the plain form's empty fields
    found = sam.get("/odoo/sale.order", params={"q": "deco"})
    assert sorted(ids(found.text)) == sorted(shop.mine[0::3])
    assert sorted(ids(sam.get("/odoo/sale.order", params={"q": "SAM00"}).text)) == sorted(shop.mine[:10])
    grouped = sam.get("/odoo/sale.order", params={"group_by": "partner_id"})
    assert grouped.status_code == 200 and ids(grouped.text) == []
    assert "Azure Interior (57)" in grouped.text and "Deco Addict (29)" in grouped.text
    assert not re.search(r'<tr[^>]*class="group-header"[^>]*data-id', grouped.text)
    index = 0 if grouped.text.index("Azure Interior") < grouped.text.index("Deco Addict") else 1
    expanded = sam.get("/odoo/sale.order", params={"group_by": "partner_id", "expand": str(1 - index)})
    assert sorted(ids(expanded.text)) == sorted(shop.mine[0::3])
    by_filter = sam.get("/odoo/sale.order", params={"filter": "customer"})  # a group-by filter
    assert "Azure Interior (57)" in by_filter.text and ids(by_filter.text) == []
    months = sam.get("/odoo/sale.order", params={"group_by": "date_order:month"})
    assert months.status_code == 200 and "(86)" in months.text
    either = sam.get("/odoo/sale.order", params={"filter": ["draft", "sales"], "page": "2"})
    assert '81-86</span> / <span class="pager-limit">86<' in either.text  # one group: OR
    both = sam.get("/odoo/sale.order", params={"filter": ["my_sale_orders_filter", "sales"]})
    assert ids(both.text) == []  # two groups: AND (the confirmed order is nobody's)
    mine = sam.get("/odoo/sale.order", params={"filter": "my_sale_orders_filter", "page": "2"})
    assert "81-85</span>" in mine.text
    by_name = sam.get("/odoo/sale.order", params={"group_by": "name"})  # 86 groups: 80 a page
    assert by_name.text.count('class="group-header"') == 80 and 'rel="next"' in by_name.text
    last = sam.get("/odoo/sale.order", params={"group_by": "name", "page": "2"})
    assert last.text.count('class="group-header"') == 6 and 'rel="next"' not in last.text
    states = sam.get("/odoo/sale.order", params={"group_by": "state"})
    assert "Quotation (85)" in states.text and "Sales Order (1)" in states.text
    by_name = ids(sam.get("/odoo/sale.order", params={"order": "name", "q": "SAM"}).text)
    assert by_name[:3] == shop.mine[:3]
    page = sam.get("/odoo/sale.order", params={"order": "name desc", "q": "SAM"})
    assert ids(page.text)[:2] == [shop.mine[-1], shop.mine[-2]]
    assert 'aria-sort="descending"' in page.text and "order=name" in page.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"filter": "no_such_filter"}, 400),
        ({"order": "no_such_field"}, 400),
        ({"order": "name sideways"}, 400),
        ({"order": "internal_note"}, 400),
        ({"order": "name; drop table sale_order"}, 400),
        ({"group_by": "internal_note"}, 400),
        ({"group_by": "order_line"}, 400),
        ({"group_by": "nothing"}, 400),
        ({"page": "0"}, 400),
        ({"page": "-1"}, 400),
        ({"page": "abc"}, 400),
        ({"page": "99999999999"}, 400),
        ({"archived": "1"}, 400),  # sale.order has no active field
    ],
)
def test_bad_list_parameters_are_a_400_page_without_data(
    sam: httpx.Client, params: dict[str, str], status: int
) -> None:
    response = sam.get("/odoo/sale.order", params=params)
    assert response.status_code == status
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert ids(response.text) == [] and "TOP-SECRET" not in response.text and "SAM0" not in response.text


def test_unknown_or_unreadable_models_and_actions(sam: httpx.Client) -> None:
    for path, status in [
        ("/odoo/no.such.model", 404),
        ("/odoo/action-sale.no_such_action", 404),
        ("/odoo/action-nonsense", 404),
        ("/odoo/ir.config_parameter", 403),
        ("/odoo/res.groups", 200),
    ]:
        response = sam.get(path)
        assert response.status_code == status, (path, response.text[:300])
        if status != 200:
            assert 'role="alert"' in response.text and ids(response.text) == []


def test_a_manager_sees_the_current_company_and_the_internal_note(max_: httpx.Client, shop: Shop) -> None:
    page = max_.get("/odoo/sale.order", params={"q": "1"})
    assert "Internal Note" in page.text
    everyone = set(ids(max_.get("/odoo/sale.order", params={"q": "O"}).text))
    assert set(shop.theirs + shop.unassigned) <= everyone and not everyone & set(shop.other_company)
    max_.cookies.set("cids", str(shop.company2))
    switched = ids(max_.get("/odoo/sale.order").text)
    assert switched == shop.other_company
    action = max_.get(f"/odoo/action-{shop.confirmed_action}")
    assert action.status_code == 200 and ids(action.text) == []  # confirmed orders of company 2: none
    max_.cookies.delete("cids")
    assert ids(max_.get(f"/odoo/action-{shop.confirmed_action}").text) == shop.unassigned
    assert ids(max_.get("/odoo/action-sale_demo.action_orders", params={"q": "TOM"}).text) == shop.theirs


def test_archive_and_delete_are_posts_with_csrf_as_the_user(
    sam: httpx.Client, max_: httpx.Client, instance: Instance, shop: Shop
) -> None:
    page = sam.get("/odoo/sale.order")
    token = token_of(page.text)
    victim = shop.mine[0]
    refused = sam.post("/odoo/sale.order", data={"list_action": "delete", "ids": str(victim)})
    assert refused.status_code == 403
    denied = sam.post(
        "/odoo/sale.order", data={"list_action": "delete", "ids": str(victim), "csrf_token": token}
    )
    assert denied.status_code == 403 and 'role="alert"' in denied.text
    hidden = sam.post(
        "/odoo/sale.order", data={"list_action": "delete", "ids": str(shop.theirs[0]), "csrf_token": token}
    )
    assert hidden.status_code == 403 and "TOM001" not in hidden.text
    with instance.env(shop.db) as env:
        assert env["sale.order"].browse([victim, shop.theirs[0]]).exists().ids == sorted(
            [victim, shop.theirs[0]]
        )
    products = max_.get("/odoo/product.product")
    assert products.status_code == 200 and 'value="archive"' in products.text
    product_ids = ids(products.text)[:2]
    token = token_of(products.text)
    assert (
        max_.post("/odoo/product.product", data={"list_action": "archive", "ids": product_ids}).status_code
        == 403
    )
    done = max_.post(
        "/odoo/product.product",
        data={"list_action": "archive", "ids": [str(i) for i in product_ids], "csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/odoo/product.product")
    assert not set(product_ids) & set(ids(max_.get("/odoo/product.product").text))
    archived = max_.get("/odoo/product.product", params={"archived": "1"})
    assert sorted(ids(archived.text)) == sorted(product_ids)
    deleted = max_.post(
        "/odoo/sale.order",
        data={"list_action": "delete", "ids": [str(shop.theirs[0])], "csrf_token": token},
    )
    assert deleted.status_code == 303
    with instance.env(shop.db) as env:
        assert not env["sale.order"].browse(shop.theirs).exists()
    bad = max_.post("/odoo/sale.order", data={"list_action": "delete", "ids": "x", "csrf_token": token})
    assert bad.status_code == 400


def test_home_follows_menu_changes_at_once(sam: httpx.Client, instance: Instance, shop: Shop) -> None:
    assert ">Atlas</a>" not in sam.get("/odoo").text
    with instance.env(shop.db) as env:
        action = env["ir.actions.act_window"].create({"name": "Countries", "res_model": "res.country"})
        menu = env["ir.ui.menu"].create({"name": "Atlas", "action": f"ir.actions.act_window,{action.id}"})
    home = sam.get("/odoo")
    assert f'href="/odoo/action-{action.id}" data-menu-id="{menu.id}">Atlas</a>' in home.text
    assert sam.get(f"/odoo/action-{action.id}").status_code == 200
    with instance.env(shop.db) as env:
        secret = env["res.groups"].create({"name": "Cartographers"})
        env["ir.ui.menu"].browse(menu.id).write({"groups_id": [(6, 0, [secret.id])]})
    assert ">Atlas</a>" not in sam.get("/odoo").text
