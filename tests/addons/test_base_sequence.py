"""ir.sequence: references from a counter, per company, race-free, taken as the caller."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.helpers import rollback_env
from tests.security.helpers import make_user

ADDONS = ["sale_demo"]


def test_next_by_code_pads_interpolates_dates_and_steps(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        seq = env["ir.sequence"].create(
            {"name": "Inv", "code": "t.inv", "prefix": "INV/%(year)s/", "suffix": "-%(month)s", "padding": 4}
        )
        when = dt.date(2026, 3, 9)
        assert env["ir.sequence"].next_by_code("t.inv", when) == "INV/2026/0001-03"
        seq.number_increment = 10
        assert env["ir.sequence"].next_by_code("t.inv", "2025-12-31") == "INV/2025/0002-12"
        assert seq.number_next == 12 and seq.next_by_id(when) == "INV/2026/0012-03"
        assert env["ir.sequence"].next_by_code("t.unknown") is False
        seq.prefix = "%(nope)s"
        with pytest.raises(UserError, match="Invalid prefix or suffix"):
            seq.next_by_id()
        with pytest.raises(ValidationError):
            seq.number_increment = 0
        with pytest.raises(ValidationError):
            env["ir.sequence"].next_by_code(["t.inv"])  # type: ignore[arg-type]


def test_a_company_sequence_comes_before_the_shared_one(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        other = env["res.company"].create({"name": "Other Co"})
        env["ir.sequence"].create({"name": "Shared", "code": "t.co", "prefix": "A"})
        env["ir.sequence"].create({"name": "Other's", "code": "t.co", "prefix": "B", "company_id": other.id})
        assert env["ir.sequence"].next_by_code("t.co") == "A1"
        assert env["ir.sequence"].with_company(other).next_by_code("t.co") == "B1"
        assert env["ir.sequence"].next_by_code("t.co") == "A2"


def test_a_user_who_may_only_read_sequences_takes_numbers_but_cannot_write_them(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        user = make_user(env, "seq_reader")
        seq = env["ir.sequence"].create({"name": "T", "code": "t.read", "prefix": "R"})
        as_user = env(user=user.id)
        assert call_kw(as_user, "ir.sequence", "next_by_code", ["t.read"], {}) == "R1"
        with pytest.raises(AccessError):
            as_user["ir.sequence"].browse(seq.id).write({"number_next": 1})
        portal = make_user(env, "seq_portal", groups=["base.group_portal"])
        with pytest.raises(AccessError):
            env(user=portal.id)["ir.sequence"].next_by_code("t.read")


def test_concurrent_transactions_never_take_the_same_number(instance: Instance, addon_db: str) -> None:
    with instance.env(addon_db) as env:
        env["ir.sequence"].create({"name": "Race", "code": "t.race", "padding": 3})
    threads, rounds = 6, 4
    start = threading.Barrier(threads)
    taken: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with instance.env(addon_db) as env:
                    env["ir.sequence"].search([("code", "=", "t.race")]).read(["number_next"])
                    taken.append(str(env["ir.sequence"].next_by_code("t.race")))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=take) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sorted(taken) == [f"{n:03d}" for n in range(1, threads * rounds + 1)]


def test_sale_orders_are_named_from_the_sequence_as_odoos(env: Environment) -> None:
    demo = env.ref("sale_demo.sale_order_1") | env.ref("sale_demo.sale_order_2")  # the template's demo data
    assert sorted(demo.mapped("name")) == ["S00001", "S00002"]
    partner = env.ref("base.res_partner_1")
    orders = env["sale.order"].create([{"partner_id": partner.id}, {"partner_id": partner.id, "name": "New"}])
    first, second = orders
    assert (first.name, second.name) == ("S00003", "S00004")
    kept = env["sale.order"].create({"partner_id": partner.id, "name": "Mine"})
    assert kept.name == "Mine" and first.copy().name == "S00005"
