"""saas_server: the server's client databases and the portal's requests, each once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tenantry.views import visible_menus
from tests.addons.conftest import ADMIN
from tests.security.helpers import make_user

ADDONS = ["saas_server"]


@pytest.fixture
def su(instance: Instance, addon_db: str) -> Iterator[Environment]:
    with rollback_env(instance, addon_db) as env:
        yield env


def test_a_request_id_has_its_effect_once_and_refuses_other_parameters(su: Environment) -> None:
    requests = su(user=ADMIN)["saas_server.request"]
    job = requests._register("req-1", "new_database", {"dbname": "acme", "template": "t1"}, "acme")
    again = requests._register("req-1", "new_database", {"template": "t1", "dbname": "acme"})
    assert again == job and (job.state, job.database) == ("pending", "acme")
    with pytest.raises(ValidationError, match="already used with other parameters"):
        requests._register("req-1", "new_database", {"dbname": "other", "template": "t1"})
    with pytest.raises(ValidationError, match="already used with other parameters"):
        requests._register("req-1", "delete_database", {"dbname": "acme", "template": "t1"})
    job._report_progress(40, "cloning")
    assert (job.state, job.progress, job.message) == ("running", 40, "cloning")
    job._finish({"uuid": "u-1"})
    assert (job.state, job.progress, job._result()) == ("done", 100, {"uuid": "u-1"})
    assert job.date_done
    with pytest.raises(ValidationError, match="cannot become"):
        job._fail("too late")
    assert requests._register("req-1", "new_database", {"dbname": "acme", "template": "t1"})._result() == {
        "uuid": "u-1"
    }


def test_managers_read_requests_but_never_forge_or_change_them(su: Environment) -> None:
    job = su["saas_server.request"]._register("req-2", "sync_server", {})
    admin = su(user=ADMIN)
    assert admin["saas_server.request"].search([("request_id", "=", "req-2")]) == job
    with pytest.raises(AccessError):
        admin["saas_server.request"].browse(job.id).write({"state": "done"})
    with pytest.raises(AccessError):
        admin["saas_server.request"].create({"request_id": "x", "operation": "sync_server", "digest": "d"})
    clerk = make_user(su, "clerk")
    with pytest.raises(AccessError):
        su(user=clerk.id)["saas_server.request"].search([])
    assert "SaaS Server" in [m.name for m in visible_menus(admin)]
    assert "SaaS Server" not in [m.name for m in visible_menus(su(user=clerk.id))]


def test_client_databases_have_unique_valid_names(su: Environment) -> None:
    clients = su["saas_server.client"]
    clients.create({"name": "acme.example.com", "client_id": "u-1"})
    with pytest.raises(ValidationError, match="database name"):
        clients.create({"name": "Not A Name", "client_id": "u-2"})
    with pytest.raises(ValidationError, match="already registered"):
        clients.create({"name": "acme.example.com", "client_id": "u-3"})
