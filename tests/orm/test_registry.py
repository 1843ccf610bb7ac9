"""Registries: models composed from addons, shared between databases, frozen."""

from __future__ import annotations

import pytest

from tenantry.instance import Instance
from tenantry.orm.environment import Environment


def test_inherit_extends_fields_and_chains_super(env: Environment) -> None:
    thing = env.ref("test_orm.thing_root")
    assert thing.describe() == "extended thing root (rated)"
    assert {"extra", "rating"} <= set(env["test.thing"]._fields)
    assert "loyalty" in env["res.partner"]._fields


def test_databases_with_the_same_addons_share_one_registry(
    instance: Instance, template: str, fresh_db: str
) -> None:
    assert instance.registry(template) is instance.registry(fresh_db)


def test_registry_is_frozen(env: Environment) -> None:
    with pytest.raises(AttributeError):
        env.registry.models = {}  # type: ignore[misc]


def test_model_metadata(env: Environment) -> None:
    model = env.registry["sale.order"]
    assert model._table == "sale_order" and model._description == "Sales Order"
    assert env["ir.model"]._get_id("sale.order") == env.ref("sale_demo.model_sale_order").id
