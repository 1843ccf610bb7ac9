"""Company-dependent fields keep one value per company."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError
from tenantry.orm.environment import Environment


def test_company_dependent_values_are_per_company(env: Environment) -> None:
    main = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Second Co"})
    env.user.write({"company_ids": [(4, other.id)]})
    thing = env["test.thing"].with_company(main).create({"name": "cd", "cost": 10.0})
    assert thing.with_company(other).cost == 0.0
    thing.with_company(other).cost = 20.0
    assert thing.with_company(main).cost == 10.0
    assert thing.with_company(other).cost == 20.0
    assert thing.with_company(other).read(["cost"])[0]["cost"] == 20.0
    found = env["test.thing"].with_company(other).search([("cost", "=", 20.0)])
    assert found == thing
    assert not env["test.thing"].with_company(main).search([("cost", "=", 20.0)])


def test_product_standard_price_is_company_dependent(env: Environment) -> None:
    product = env.ref("sale_demo.product_desk")
    other = env["res.company"].create({"name": "Third Co"})
    product.standard_price = 100
    product.with_company(other).standard_price = 80
    assert product.standard_price == 100 and product.with_company(other).standard_price == 80


def test_env_company_and_companies(env: Environment) -> None:
    main = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Env Co"})
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [(4, other.id)]})
    as_admin = env["test.thing"].with_user(admin).env
    assert as_admin.company == main and as_admin.companies == main | other
    switched = env["test.thing"].with_user(admin).with_company(other).env
    assert switched.company == other
    stranger = env["res.company"].create({"name": "Stranger Co"})
    forbidden = env["test.thing"].with_user(admin).with_context(allowed_company_ids=[stranger.id]).env
    with pytest.raises(AccessError, match="unauthorized or invalid companies"):
        _ = forbidden.company
    # Superuser mode does not validate the companies.
    assert env["test.thing"].with_context(allowed_company_ids=[stranger.id]).env.company == stranger
