"""Computed fields: stored ones follow their dependencies, non-stored ones compute on access."""

from __future__ import annotations

from tenantry.orm.environment import Environment


def test_stored_compute_follows_local_dependencies(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "t", "count": 2, "ratio": 1.5})
    assert thing.total == 3.0
    thing.count = 4
    assert thing.total == 6.0
    assert env["test.thing"].search([("total", "=", 6.0), ("id", "=", thing.id)]) == thing


def test_stored_compute_follows_one2many_lines(env: Environment) -> None:
    thing = env["test.thing"].create(
        {"name": "t", "line_ids": [(0, 0, {"amount": 2}), (0, 0, {"amount": 3})]}
    )
    assert thing.lines_total == 5
    env["test.line"].create({"thing_id": thing.id, "amount": 10})
    assert thing.lines_total == 15
    thing.line_ids[0].amount = 7
    assert thing.lines_total == 20
    thing.line_ids[0].unlink()
    assert thing.lines_total == 13


def test_moving_a_line_recomputes_old_and_new_parent(env: Environment) -> None:
    a = env["test.thing"].create({"name": "a", "line_ids": [(0, 0, {"amount": 4})]})
    b = env["test.thing"].create({"name": "b"})
    a.line_ids.write({"thing_id": b.id})
    assert a.lines_total == 0 and b.lines_total == 4


def test_order_total_follows_lines(env: Environment) -> None:
    order = env["sale.order"].create(
        {
            "partner_id": env.ref("base.res_partner_3").id,
            "order_line": [(0, 0, {"product_uom_qty": 2, "price_unit": 5})],
        }
    )
    assert order.amount_total == 10
    order.order_line.price_unit = 7
    assert order.amount_total == 14
    assert order.order_line.price_subtotal == 14


def test_stored_related_follows_the_target(env: Environment) -> None:
    company = env["res.company"].create({"name": "Related Co"})
    thing = env["test.thing"].create({"name": "t", "company_id": company.id, "line_ids": [(0, 0, {})]})
    assert thing.line_ids.thing_company_id == company
    other = env["res.company"].create({"name": "Other Co"})
    thing.company_id = other
    assert thing.line_ids.thing_company_id == other
    assert env["test.line"].search([("thing_company_id", "=", other.id)]) == thing.line_ids


def test_related_field_reads_and_writes_through(env: Environment) -> None:
    partner = env["res.partner"].create({"name": "Rel", "email": "a@b.c"})
    thing = env["test.thing"].create({"name": "t", "partner_id": partner.id})
    assert thing.partner_name == "Rel" and thing.partner_email == "a@b.c"
    thing.partner_name = "Renamed"
    assert partner.name == "Renamed"
    partner.email = "new@b.c"
    assert thing.partner_email == "new@b.c"


def test_non_stored_compute_is_fresh_after_writes(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "t", "kind": "a"})
    assert thing.label == "t (a)"
    thing.kind = "b"
    assert thing.label == "t (b)"
    assert thing.read(["label"])[0]["label"] == "t (b)"


def test_password_is_write_only_and_hashed(env: Environment) -> None:
    user = env["res.users"].create({"name": "U", "login": "u1", "password": "secret"})
    assert user.password == ""
    assert user.read(["password"])[0]["password"] == ""
    stored = user._password_hash()
    assert stored.startswith("$argon2") and "secret" not in stored
    assert "password" not in env["res.users"].search_read([("id", "=", user.id)])[0]


def test_user_share_is_computed_from_groups(env: Environment) -> None:
    portal = env["res.users"].create(
        {"name": "Portal", "login": "p1", "groups_id": [(6, 0, [env.ref("base.group_portal").id])]}
    )
    internal = env["res.users"].create(
        {"name": "Emp", "login": "e1", "groups_id": [(6, 0, [env.ref("base.group_user").id])]}
    )
    assert portal.share and not internal.share
    portal.groups_id = [(6, 0, [env.ref("base.group_system").id])]  # implies group_user
    assert not portal.share
