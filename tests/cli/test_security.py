"""``tenantry security``: lint and explain on a committed database, on both backends."""

from __future__ import annotations

import json

import pytest

from ._helpers import Cli, database_env, failed_cleanly, succeeded


@pytest.fixture
def shop(cli: Cli, db_url: str) -> int:
    """A committed database ``shop`` with sale_demo's demo data and a salesman ``sam``; the
    id of admin's demo order."""
    succeeded(cli("db", "create", "shop", "--modules", "sale_demo", "--demo", db_url=db_url))
    with database_env(db_url, "shop") as env:
        env["res.users"].create(
            {
                "name": "Sam Seller",
                "login": "sam",
                "groups_id": [(6, 0, [env.ref("sale_demo.group_sale_salesman").id])],
            }
        )
        return env.ref("sale_demo.sale_order_1").id


def test_explain_prints_which_rule_keeps_another_users_order_out(cli: Cli, db_url: str, shop: int) -> None:
    args = ("security", "explain", "shop", "--user", "sam", "--model", "sale.order", "--record", str(shop))
    text = succeeded(cli(*args, db_url=db_url)).stdout

    assert "User: Sam Seller (login 'sam'" in text
    assert "[x] sale.order salesman" in text
    assert "kept out by: Personal Orders (none of the user's group rules admits it)" in text
    assert f"Verdict: refused: record {shop} is kept out by Personal Orders" in text

    data = json.loads(succeeded(cli(*args, "--json", "--operation", "write", db_url=db_url)).stdout)
    assert data["operation"] == "write"
    assert data["record"]["kept_out_by"] == ["Personal Orders"]


def test_explain_of_an_unknown_user_or_model_exits_1(cli: Cli, db_url: str, shop: int) -> None:
    error = failed_cleanly(
        cli("security", "explain", "shop", "--user", "nobody", "--model", "sale.order", db_url=db_url)
    )
    assert error == "Error: Unknown user 'nobody' in database 'shop'"
    error = failed_cleanly(
        cli("security", "explain", "shop", "--user", "sam", "--model", "sale.nope", db_url=db_url)
    )
    assert error == "Error: Unknown model 'sale.nope'"
    error = failed_cleanly(cli("security", "lint", "ghost", db_url=db_url))
    assert error == "Error: The database 'ghost' does not exist"


def test_lint_reports_nothing_on_sale_demo_then_the_private_addresses_pair(
    cli: Cli, db_url: str, shop: int
) -> None:
    assert succeeded(cli("security", "lint", "shop", db_url=db_url)).stdout == "No findings.\n"

    with database_env(db_url, "shop") as env:
        user = env.ref("base.group_user")
        private = env["res.groups"].create({"name": "Private Addresses", "implied_ids": [(4, user.id)]})
        partner = env["ir.model"].search([("model", "=", "res.partner")]).id
        for name, domain, group in [
            ("Private addresses", "[('type', '=', 'private')]", private),
            ("Non-private addresses", "['|', ('type', '!=', 'private'), ('type', '=', False)]", user),
        ]:
            env["ir.rule"].create(
                {"name": name, "model_id": partner, "domain_force": domain, "groups": [(4, group.id)]}
            )

    lines = succeeded(cli("security", "lint", "shop", db_url=db_url)).stdout.splitlines()
    assert lines[0].startswith("[reopened] res.partner: 'Non-private addresses' ")
    assert lines[0].endswith("'Private addresses' restricts nobody.")
    assert lines[-1] == "1 finding."

    data = json.loads(succeeded(cli("security", "lint", "shop", "--json", db_url=db_url)).stdout)
    assert [(f["kind"], f["rules"]) for f in data] == [
        ("reopened", ["Non-private addresses", "Private addresses"])
    ]
