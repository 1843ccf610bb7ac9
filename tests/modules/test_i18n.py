"""Addon translations: ``.po`` files, loaded when a language is activated or an addon installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantry.exceptions import UserError, ValidationError
from tenantry.instance import Instance
from tenantry.modules.i18n import PoEntry, parse_po, po_files
from tenantry.orm.environment import Environment
from tests.helpers import rollback_env

PO = r"""
# a comment
msgid ""
msgstr ""
"Language: fr\n"

#. module: base
#: model:res.country,name:base.de
msgid "Germany"
msgstr "Allemagne"

#: model:ir.ui.menu,name:base.a
#: model:ir.ui.menu,name:base.b other:ref
msgid ""
"Two "
"lines \"quoted\"\n"
msgstr "Deux lignes \\ \"citées\"\t"

#, fuzzy
#: model:res.country,name:base.fr
msgid "France"
msgstr "Francia"

msgid "Untranslated"
msgstr ""
"""


def test_po_entries_are_parsed_with_references_continuations_and_escapes() -> None:
    entries = parse_po(PO)
    assert entries == [
        PoEntry(("model:res.country,name:base.de",), "Germany", "Allemagne"),
        PoEntry(
            ("model:ir.ui.menu,name:base.a", "model:ir.ui.menu,name:base.b", "other:ref"),
            'Two lines "quoted"\n',
            'Deux lignes \\ "citées"\t',
        ),
        PoEntry(("model:res.country,name:base.fr",), "France", "Francia", fuzzy=True),
        PoEntry((), "Untranslated", ""),
    ]


@pytest.mark.parametrize("text", ['msgid "open', "msgid Germany", "garbage line", 'msgid "a"\n"b'])
def test_a_malformed_po_file_is_refused_with_its_line(text: str) -> None:
    with pytest.raises(UserError, match=r"x.po:\d+"):
        parse_po(text, "x.po")


def test_a_language_takes_its_general_file_then_its_own(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    for name in ("fr.po", "fr_BE.po", "de.po"):
        (tmp_path / "i18n" / name).write_text("")
    assert [p.name for p in po_files(tmp_path, "fr_BE")] == ["fr.po", "fr_BE.po"]
    assert [p.name for p in po_files(tmp_path, "fr_FR")] == ["fr.po"]
    assert po_files(tmp_path, "it_IT") == []


def test_activating_a_language_loads_the_addons_translations(env: Environment) -> None:
    germany = env["res.country"].search([("code", "=", "DE")])
    assert germany.with_context(lang="fr_FR").name == "Germany"  # inactive: nothing loaded
    env["res.lang"]._activate_lang("fr_BE")
    assert germany.with_context(lang="fr_BE").name == "Allemagne"  # fr.po serves every French
    assert (
        germany.with_context(lang="fr_FR").name == "Germany"
        and germany.with_context(lang="de_DE").name == "Germany"
    )
    menu = env.ref("base.menu_action_res_users").with_context(lang="fr_BE")
    assert menu.complete_name == "Paramètres/Utilisateurs et sociétés/Utilisateurs"


def test_loading_again_keeps_changed_terms_unless_overwriting(env: Environment) -> None:
    germany = env["res.country"].search([("code", "=", "DE")])
    french = env["res.lang"]._activate_lang("fr_FR")
    germany.with_context(lang="fr_FR").write({"name": "Germanie"})
    env["ir.module.module"]._update_translations(["fr_FR"])
    assert germany.with_context(lang="fr_FR").name == "Germanie"
    wizard = env["base.language.install"].create({"lang_ids": [(6, 0, french.ids)], "overwrite": True})
    wizard.lang_install()
    assert germany.with_context(lang="fr_FR").name == "Allemagne"


def test_installing_an_addon_loads_its_translations_into_the_active_languages(
    instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        env["res.lang"]._activate_lang("fr_FR")
    instance.install_modules(fresh_db, ["sale"])
    with rollback_env(instance, fresh_db) as env:
        menu = env.ref("sale.menu_sale_quotations").with_context(lang="fr_FR")
        assert (menu.name, menu.complete_name) == ("Devis", "Ventes/Commandes/Devis")
        assert env.ref("sale.res_partner_menu").with_context(lang="de_DE").name == "Customers"


def test_a_database_is_created_in_its_language(instance: Instance, request: pytest.FixtureRequest) -> None:
    name = f"s-i18n-{abs(hash(request.node.nodeid)) % 10**6}"
    with pytest.raises(ValidationError, match="Unknown language 'xx_YY'"):
        instance.create_database(name, lang="xx_YY")
    assert not instance.exists(name)
    instance.create_database(name, lang="fr_FR")
    try:
        with rollback_env(instance, name) as env:
            assert env.ref("base.user_admin").lang == "fr_FR"
            assert env["res.lang"].get_installed() == [
                ("en_US", "English (US)"),
                ("fr_FR", "French / Français"),
            ]
            assert (
                env["res.country"].with_context(lang="fr_FR").search([("code", "=", "DE")]).name
                == "Allemagne"
            )
    finally:
        instance.drop_database(name)
