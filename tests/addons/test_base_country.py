"""``res.country.state`` and the address fields of partners that use it."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tenantry.rpc.marshal import to_wire
from tests.helpers import rollback_env

ADMIN = 2


@pytest.mark.parametrize(
    ("country", "count", "xml_id", "name", "code"),
    [
        ("US", 51, "base.state_us_5", "California", "CA"),
        ("BE", 11, "base.state_be_1", "Antwerpen", "VAN"),
        ("CA", 13, "base.state_ca_qc", "Quebec", "QC"),
        ("DE", 16, "base.state_de_by", "Bayern", "BY"),
        ("AU", 8, "base.state_au_1", "Australian Capital Territory", "ACT"),
    ],
)
def test_countries_come_with_their_states(
    env: Environment, country: str, count: int, xml_id: str, name: str, code: str
) -> None:
    found = env["res.country"].search([("code", "=", country)])
    assert len(found.state_ids) == count
    state = env.ref(xml_id)
    assert (state.name, state.code, state.country_id) == (name, code, found)
    assert state.display_name == f"{name} ({country})"


def test_a_state_is_found_by_its_code_first(env: Environment) -> None:
    found = env["res.country.state"].name_search("ca")
    assert found[0] == (env.ref("base.state_us_5").id, "California (US)")
    names = [label for _id, label in found]
    assert "North Carolina (US)" in names  # then the names that contain it
    only_canada = env["res.country.state"].name_search("qc", [("country_id.code", "=", "CA")])
    assert only_canada == [(env.ref("base.state_ca_qc").id, "Quebec (CA)")]


def test_a_state_code_is_unique_within_its_country(env: Environment) -> None:
    belgium = env["res.country"].search([("code", "=", "BE")])
    germany = env["res.country"].search([("code", "=", "DE")])
    env["res.country.state"].create({"name": "Bavaria bis", "code": "VAN", "country_id": germany.id})
    with pytest.raises(ValidationError, match="unique by country"), env.cr.savepoint():
        env["res.country.state"].create({"name": "Antwerp again", "code": "VAN", "country_id": belgium.id})


def test_partners_have_a_state_and_a_date_over_rpc(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        texas = env.ref("base.state_us_44")
        partner = call_kw(env, "res.partner", "create", [{"name": "Agrolait", "state_id": texas.id}], {})
        call_kw(env, "res.partner", "write", [[partner], {"date": "2012-01-01"}], {})
        [row] = to_wire(call_kw(env, "res.partner", "read", [[partner], ["state_id", "date"]], {}))
        assert row == {"id": partner, "state_id": [texas.id, "Texas (US)"], "date": "2012-01-01"}
        call_kw(env, "res.partner", "write", [[partner], {"state_id": False, "date": False}], {})
        [row] = call_kw(env, "res.partner", "read", [[partner], ["state_id", "date"]], {})
        assert (row["state_id"], row["date"]) == (False, False)
        described = call_kw(
            env, "res.partner", "fields_get", [["state_id", "date"]], {"attributes": ["type", "relation"]}
        )
        assert described == {
            "state_id": {"type": "many2one", "relation": "res.country.state"},
            "date": {"type": "date"},
        }


def test_a_state_in_use_cannot_be_deleted(env: Environment) -> None:
    ohio = env.ref("base.state_us_36")
    env["res.partner"].create({"name": "Buckeye", "state_id": ohio.id})
    with pytest.raises(ValidationError), env.cr.savepoint():
        ohio.unlink()
    assert ohio.exists()


def test_everyone_reads_states_only_settings_users_change_them(instance: Instance, template: str) -> None:
    with rollback_env(instance, template) as env:
        demo = env["res.users"].search([("login", "=", "demo")])
        states = env["res.country.state"].with_user(demo)
        assert states.search_count([("country_id.code", "=", "US")]) == 51
        with pytest.raises(AccessError):
            states.browse(env.ref("base.state_us_1").id).write({"name": "Bama"})
