"""The mail addon: followers of documents (``mail.thread``), for contacts, users and orders."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.helpers import rollback_env

ADMIN = 2


def test_threads_keep_their_tables_and_gain_followers(env: Environment) -> None:
    for model in ("res.partner", "sale.order"):
        cls = env.registry.models[model]
        assert not cls._abstract and "message_follower_ids" in cls._fields
    assert env.registry.models["mail.thread"]._abstract


def test_a_user_reads_their_followers_as_an_empty_list(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        [row] = call_kw(env, "res.users", "read", [[ADMIN], ["message_follower_ids"]], {})
        assert row["message_follower_ids"] == []
        assert not env.user.message_follower_ids


def test_the_creator_follows_what_they_create(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        me = env.user.partner_id
        partner = env["res.partner"].create({"name": "Agrolait"})
        order = env["sale.order"].create({"partner_id": partner.id})
        for record in (partner, order):
            assert record.message_follower_ids.partner_id == me and record.message_is_follower
        quiet = env["res.partner"].with_context(mail_create_nosubscribe=True).create({"name": "Quiet"})
        assert not quiet.message_follower_ids and not quiet.message_is_follower
        system = env["res.partner"].sudo().with_user(1).create({"name": "Made by the system"})
        assert not system.message_follower_ids


def test_followers_of_a_model_are_its_own(env: Environment) -> None:
    partner = env["res.partner"].with_context(mail_create_nosubscribe=True).create({"name": "Solo"})
    someone = env.ref("base.partner_admin")
    env["mail.followers"].create({"res_model": "sale.order", "res_id": partner.id, "partner_id": someone.id})
    assert not partner.message_follower_ids  # the same id, but of another model


def test_subscribing_twice_is_once_and_unsubscribing_removes(env: Environment) -> None:
    partner = env["res.partner"].with_context(mail_create_nosubscribe=True).create({"name": "Followed"})
    admin = env.ref("base.partner_admin")
    assert partner.message_subscribe([admin.id]) and partner.message_subscribe([admin.id, admin.id])
    assert partner.message_follower_ids.partner_id == admin
    with pytest.raises(ValidationError, match="cannot follow twice"), env.cr.savepoint():
        env["mail.followers"].create(
            {"res_model": "res.partner", "res_id": partner.id, "partner_id": admin.id}
        )
    partner.message_unsubscribe([admin.id])
    assert not partner.message_follower_ids
    with pytest.raises(ValidationError, match="Invalid partner ids"):
        partner.message_subscribe("everyone")


def test_following_takes_reading_making_others_follow_takes_writing(
    instance: Instance, template: str
) -> None:
    with rollback_env(instance, template) as env:
        demo = env["res.users"].search([("login", "=", "demo")])
        partner = env["res.partner"].create({"name": "Watched"})
        as_demo = partner.with_user(demo)
        assert as_demo.message_subscribe()  # themselves: reading the contact is enough
        assert demo.partner_id in partner.message_follower_ids.partner_id
        with pytest.raises(AccessError):
            as_demo.message_subscribe([env.ref("base.partner_admin").id])
        assert as_demo.message_unsubscribe()
        assert demo.partner_id not in partner.message_follower_ids.partner_id


def test_followers_go_with_their_document_and_their_partner(env: Environment) -> None:
    partner = env["res.partner"].with_context(mail_create_nosubscribe=True).create({"name": "Doomed"})
    fan = env["res.partner"].with_context(mail_create_nosubscribe=True).create({"name": "Fan"})
    partner.message_subscribe([fan.id])
    follower = partner.message_follower_ids
    fan.unlink()
    assert not follower.exists()
    partner.message_subscribe([env.ref("base.partner_admin").id])
    follower = partner.message_follower_ids
    partner.unlink()
    assert not follower.exists()


def test_followers_are_for_internal_users(instance: Instance, template: str) -> None:
    with rollback_env(instance, template) as env:
        portal = env["res.users"].create(
            {"name": "Pat", "login": "pat", "groups_id": [(6, 0, env.ref("base.group_portal").ids)]}
        )
        partners = env["res.partner"].with_user(portal)
        assert "message_follower_ids" not in partners.fields_get()
        with pytest.raises(AccessError):
            partners.browse(portal.partner_id.id).read(["message_follower_ids"])
