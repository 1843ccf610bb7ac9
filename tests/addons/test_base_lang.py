"""``res.lang`` and ``base.language.install``: Odoo's languages, one of them active at first."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.version import LANGUAGES
from tests.helpers import rollback_env

ADMIN = 2


def _all_langs(env: Environment) -> Any:
    return env["res.lang"].with_context(active_test=False)


def test_a_new_database_speaks_english_only(env: Environment) -> None:
    english = env.ref("base.lang_en")
    assert (english._name, english.code, english.iso_code, english.active) == (
        "res.lang",
        "en_US",
        "en",
        True,
    )
    assert env["res.lang"].search([]).mapped("code") == ["en_US"]
    assert env["res.lang"].get_installed() == [("en_US", "English (US)")]
    assert len(_all_langs(env).search([("active", "=", False)])) > 30


def test_db_list_lang_lists_the_languages_res_lang_holds(instance: Instance, env: Environment) -> None:
    listed = dispatch_rpc(instance, RpcConfig(), "db", "list_lang", [])
    assert listed == [list(lang) for lang in LANGUAGES]
    assert sorted(code for code, _name in listed) == sorted(_all_langs(env).search([]).mapped("code"))
    assert ["fr_FR", "French / Français"] in listed


def test_blank_separators_of_the_data_file_are_kept(env: Environment) -> None:
    french = _all_langs(env).search([("code", "=", "fr_FR")])
    assert (french.decimal_point, french.thousands_sep, french.date_format) == (",", " ", "%d/%m/%Y")
    assert _all_langs(env).search([("code", "=", "ar_001")]).direction == "rtl"


def test_the_wizard_activates_languages_over_rpc(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        ids = call_kw(
            env,
            "res.lang",
            "search",
            [[("code", "in", ["fr_FR", "de_DE"])]],
            {"context": {"active_test": False}},
        )
        wizard = call_kw(env, "base.language.install", "create", [{"lang_ids": [(6, 0, ids)]}], {})
        action = call_kw(env, "base.language.install", "lang_install", [[wizard]], {})
        assert action["type"] == "ir.actions.client"
        installed = call_kw(env, "res.lang", "get_installed", [], {})
        assert [code for code, _name in installed] == ["en_US", "fr_FR", "de_DE"]  # by name


def test_the_wizard_defaults_to_the_languages_it_was_opened_on(env: Environment) -> None:
    dutch = _all_langs(env).search([("code", "=", "nl_NL")])
    wizard = (
        env["base.language.install"].with_context(active_model="res.lang", active_ids=dutch.ids).create({})
    )
    assert wizard.with_context(active_test=False).lang_ids == dutch
    elsewhere = env["base.language.install"].with_context(active_model="res.partner", active_ids=dutch.ids)
    assert not elsewhere.create({}).lang_ids


def test_only_settings_users_manage_languages(instance: Instance, template: str) -> None:
    with rollback_env(instance, template) as env:
        demo = env["res.users"].search([("login", "=", "demo")])
        langs = env["res.lang"].with_user(demo)
        assert langs.search([]).mapped("code") == ["en_US"]  # everyone reads them
        french = langs.with_context(active_test=False).search([("code", "=", "fr_FR")])
        with pytest.raises(AccessError):
            french.write({"active": True})
        with pytest.raises(AccessError):
            env["base.language.install"].with_user(demo).create({"lang_ids": [(6, 0, french.ids)]})


def test_the_last_active_language_cannot_be_deactivated(env: Environment) -> None:
    env["res.users"].with_context(active_test=False).search([]).write({"lang": False})
    with pytest.raises(ValidationError, match="At least one language must be active"):
        env.ref("base.lang_en").write({"active": False})


def test_a_language_users_speak_cannot_be_deactivated(env: Environment) -> None:
    german = env["res.lang"]._activate_lang("de_DE")
    archived = env["res.users"].create({"name": "Hans", "login": "hans", "lang": "de_DE", "active": False})
    with pytest.raises(UserError, match="used by users"):
        german.write({"active": False})
    archived.write({"lang": "en_US"})
    german.write({"active": False})
    assert not german.active


def test_a_language_code_cannot_change(env: Environment) -> None:
    with pytest.raises(UserError, match="cannot be modified"):
        env.ref("base.lang_en").write({"code": "en_XX"})


def test_english_and_active_languages_cannot_be_deleted(env: Environment) -> None:
    with pytest.raises(UserError, match="can not be deleted"):
        env.ref("base.lang_en").unlink()
    italian = env["res.lang"]._activate_lang("it_IT")
    with pytest.raises(UserError, match="Active"):
        italian.unlink()
    italian.write({"active": False})
    italian.unlink()
    assert not italian.exists()


@pytest.mark.parametrize(
    "vals",
    [
        {"date_format": "%e/%m/%Y"},  # not a C89 directive: platform-dependent output
        {"time_format": "%k:%M"},
        {"date_format": "%-d.%m.%Y"},
        {"grouping": "three"},
        {"grouping": '[3, "x"]'},
        {"grouping": "[3, -1]"},
        {"grouping": "{}"},
    ],
)
def test_formats_a_language_cannot_print_are_refused(env: Environment, vals: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        env["res.lang"].create({"name": "Klingon", "code": "tlh_QO", **vals})


def test_a_new_language_takes_its_url_code_from_its_iso_code(env: Environment) -> None:
    created = env["res.lang"].create(
        {"name": "Esperanto", "code": "eo_001", "iso_code": "eo", "active": True}
    )
    assert (created.url_code, created.grouping, created.direction, created.week_start) == (
        "eo",
        "[]",
        "ltr",
        "7",
    )
    bare = env["res.lang"].create({"name": "Volapük", "code": "vo_001"})
    assert bare.url_code == "vo_001" and not bare.active
