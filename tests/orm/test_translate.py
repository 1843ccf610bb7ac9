"""Translated fields: the English value in the column, the other languages beside it."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.helpers import rollback_env

ADMIN = 2


@pytest.fixture
def product(env: Environment) -> Any:
    return env["product.product"].create({"name": "Chair"})


def test_a_value_written_in_a_language_is_read_in_that_language_only(env: Environment, product: Any) -> None:
    product.with_context(lang="fr_FR").write({"name": "Chaise"})
    assert product.name == "Chair"  # no lang: English
    assert product.with_context(lang="en_US").name == "Chair"
    assert product.with_context(lang="fr_FR").name == "Chaise"
    assert product.with_context(lang="de_DE").name == "Chair"  # no German: English
    french = product.with_context(lang="fr_FR")
    assert french.read(["name"]) == [{"id": product.id, "name": "Chaise"}]
    assert french.search_read([("id", "=", product.id)], ["name"]) == [{"id": product.id, "name": "Chaise"}]
    assert french.display_name == "Chaise" and product.display_name == "Chair"


def test_each_language_keeps_its_own_value(env: Environment, product: Any) -> None:
    product.with_context(lang="fr_FR").name = "Chaise"
    product.with_context(lang="de_DE").name = "Stuhl"
    product.write({"name": "Seat"})  # English: the other languages stay
    product.with_context(lang="fr_FR").name = "Siège"
    assert [product.with_context(lang=lang).name for lang in ("en_US", "fr_FR", "de_DE")] == [
        "Seat",
        "Siège",
        "Stuhl",
    ]


def test_over_rpc_the_context_language_decides(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        pid = call_kw(env, "product.product", "create", [{"name": "Product en_US"}], {})
        call_kw(
            env,
            "product.product",
            "write",
            [[pid], {"name": "Produit fr_FR"}],
            {"context": {"lang": "fr_FR"}},
        )

        def read(lang: str) -> Any:
            return call_kw(env, "product.product", "read", [[pid], ["name"]], {"context": {"lang": lang}})

        assert read("fr_FR") == [{"id": pid, "name": "Produit fr_FR"}]
        assert read("en_US") == [{"id": pid, "name": "Product en_US"}]
        described = call_kw(env, "product.product", "fields_get", [["name"]], {"attributes": ["translate"]})
        assert described == {"name": {"translate": True}}


def test_searches_compare_the_english_value(env: Environment, product: Any) -> None:
    french = env["product.product"].with_context(lang="fr_FR")
    product.with_context(lang="fr_FR").name = "Chaise"
    assert french.search([("name", "=", "Chair")]) == product  # the documented limit
    assert not french.search([("name", "=", "Chaise")])


@pytest.mark.parametrize("lang", [None, "", 42, ["fr_FR"], "en_US"])
def test_a_context_without_another_language_writes_english(env: Environment, product: Any, lang: Any) -> None:
    product.with_context(lang=lang).write({"name": "Armchair"})
    assert product.name == "Armchair" and product.with_context(lang="fr_FR").name == "Armchair"


def test_untranslated_fields_ignore_the_language(env: Environment, product: Any) -> None:
    partner = env["res.partner"].create({"name": "Agrolait"})
    partner.with_context(lang="fr_FR").write({"name": "Agrolait SA"})
    assert partner.name == "Agrolait SA" and partner.with_context(lang="de_DE").name == "Agrolait SA"
