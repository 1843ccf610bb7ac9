"""``res.company`` of the base addon as Odoo 17's base tests expect it: branches, archiving,
users' companies, and what a branch's users see of its parent's partners."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.orm.environment import Environment
from tests.security.helpers import as_user, make_user

HAS_BRANCHES = (
    r"Companies that have associated branches cannot be deleted\. Consider archiving them instead\."
)


def _company(env: Environment, name: str, parent: Any = None) -> Any:
    return env["res.company"].create({"name": name, "parent_id": parent.id if parent else False})


# -- branches -------------------------------------------------------------------------------


@pytest.mark.parametrize("branch_active", [True, False])
def test_a_company_with_branches_cannot_be_deleted(env: Environment, branch_active: bool) -> None:
    parent = _company(env, "Holding")
    branch = _company(env, "Holding Branch", parent)
    branch.write({"active": branch_active})
    for doomed in (parent, parent | branch):
        with pytest.raises(UserError, match=HAS_BRANCHES), env.cr.savepoint():
            doomed.unlink()
    assert parent.exists() and branch.exists()
    branch.unlink()  # a branch without branches may go, then its parent
    parent.unlink()
    assert not (parent | branch).exists()


def test_deleting_a_company_checks_the_callers_rights_before_its_branches(env: Environment) -> None:
    parent = _company(env, "Holding")
    _company(env, "Holding Branch", parent)
    clerk = make_user(env, "clerk")
    with pytest.raises(AccessError):
        parent.with_env(as_user(env, clerk)).unlink()


def test_a_company_cannot_become_its_own_ancestor(env: Environment) -> None:
    parent = _company(env, "Holding")
    branch = _company(env, "Holding Branch", parent)
    with pytest.raises(ValidationError, match=r"You cannot create recursive companies\."), env.cr.savepoint():
        parent.write({"parent_id": branch.id})
    assert not parent.parent_id


# -- archiving -------------------------------------------------------------------------------


def test_a_company_that_is_the_default_company_of_active_users_cannot_be_archived(env: Environment) -> None:
    foo = _company(env, "foo")
    user = make_user(env, "foo", company=foo)
    in_use = "The company foo cannot be archived because it is still used as the default company of 1 users."
    with pytest.raises(ValidationError, match=re.escape(in_use)), env.cr.savepoint():
        foo.write({"active": False})
    assert foo.active
    user.write({"active": False})
    foo.write({"active": False})
    assert not foo.active


def test_archiving_a_company_archives_its_branches_and_answers_for_their_users(env: Environment) -> None:
    parent = _company(env, "Holding")
    branch = _company(env, "Holding Branch", parent)
    user = make_user(env, "branch_user", company=branch)
    in_use = "The company Holding Branch cannot be archived"
    with pytest.raises(ValidationError, match=in_use), env.cr.savepoint():
        parent.write({"active": False})
    assert parent.active and branch.active
    user.write({"active": False})
    parent.write({"active": False})
    assert not parent.active and not branch.active


def test_a_user_whose_company_is_archived_cannot_be_reactivated(env: Environment) -> None:
    foo = _company(env, "foo")
    user = make_user(env, "foo", company=foo)
    user.write({"active": False})
    foo.write({"active": False})
    with (
        pytest.raises(
            ValidationError, match=r"Company foo is not in the allowed companies for user Foo \(\)\."
        ),
        env.cr.savepoint(),
    ):
        user.write({"active": True})
    assert not user.active
    main = env.ref("base.main_company")
    user.write({"company_id": main.id, "company_ids": [(6, 0, main.ids)], "active": True})
    assert user.active


@pytest.mark.parametrize("how", ["create", "default elsewhere", "companies without it"])
def test_an_active_users_default_company_is_among_its_companies(env: Environment, how: str) -> None:
    main, other = env.ref("base.main_company"), _company(env, "Other")
    with pytest.raises(ValidationError, match="is not in the allowed companies for user"), env.cr.savepoint():
        if how == "create":
            env["res.users"].create(
                {"name": "Mia", "login": "mia", "company_id": other.id, "company_ids": [(6, 0, main.ids)]}
            )
        else:
            user = make_user(env, "mia", company=main, companies=[main, other])
            if how == "default elsewhere":
                user.write({"company_id": other.id, "company_ids": [(3, other.id)]})
            else:
                user.write({"company_ids": [(3, main.id)]})


# -- branches see their parent's partners ------------------------------------------------


def test_a_branch_user_sees_its_parent_companys_partners_and_no_other_branchs(env: Environment) -> None:
    parent = _company(env, "Holding")
    branch = _company(env, "Holding Branch", parent)
    sibling = _company(env, "Holding Sibling", parent)
    below = _company(env, "Branch Office", branch)
    owners = {"parent": parent, "branch": branch, "sibling": sibling, "below": below, "none": None}
    partners = {
        name: env["res.partner"].create({"name": f"Partner of {name}", "company_id": co.id if co else False})
        for name, co in owners.items()
    }
    user = make_user(env, "branch_only", company=branch)
    seen = as_user(env, user)["res.partner"].search([("id", "in", [p.id for p in partners.values()])])
    assert sorted(seen.mapped("name")) == ["Partner of branch", "Partner of none", "Partner of parent"]
    as_user(env, user)["res.partner"].browse(partners["parent"].id).read(["name"])
    with pytest.raises(AccessError):
        as_user(env, user)["res.partner"].browse(partners["sibling"].id).read(["name"])
    # A user of the parent company does not see its branches' partners.
    boss = make_user(env, "holding_only", company=parent)
    seen = as_user(env, boss)["res.partner"].search([("id", "in", [p.id for p in partners.values()])])
    assert sorted(seen.mapped("name")) == ["Partner of none", "Partner of parent"]


def test_a_branch_made_with_a_default_parent_gives_its_partner_no_parent(env: Environment) -> None:
    """Odoo's "Branches" action creates companies with ``default_parent_id`` (a company id):
    the company's new partner must not take it as its own parent partner."""
    parent = _company(env, "Holding")
    branch = (
        env["res.company"]
        .with_context(default_parent_id=parent.id, default_type="invoice")
        .create({"name": "Holding Branch"})
    )
    assert branch.parent_id == parent
    assert not branch.partner_id.parent_id and branch.partner_id.type == "contact"
