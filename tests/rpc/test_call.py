"""``call_kw``: how positional arguments reach model methods, over ``execute`` and ``execute_kw``."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.faults import to_jsonrpc_error, to_xmlrpc_fault

CONFIG = RpcConfig()


def _object(instance: Instance, db: str, method: str, *params: Any) -> Any:
    return dispatch_rpc(instance, CONFIG, "object", method, [db, 2, "admin", *params])


# Every way a client can leave the domain out: execute with no argument, execute_kw with an
# empty (or false: odoorpc sends ``args or []``) argument list, keywords without a domain.
_WITHOUT_DOMAIN = [
    pytest.param("execute", (), id="execute"),
    pytest.param("execute_kw", ([],), id="execute_kw-no-args"),
    pytest.param("execute_kw", ([], {}), id="execute_kw-empty-kwargs"),
    pytest.param("execute_kw", ([], {"limit": 1}), id="execute_kw-only-limit"),
]


@pytest.mark.parametrize("method", ["search", "search_count"])
@pytest.mark.parametrize(("service_method", "rest"), _WITHOUT_DOMAIN)
def test_search_without_a_domain_is_a_type_error_fault_as_in_odoo_17(
    instance: Instance, template: str, method: str, service_method: str, rest: tuple[Any, ...]
) -> None:
    with pytest.raises(TypeError, match="domain") as caught:
        _object(instance, template, service_method, "res.partner", method, *rest)
    assert to_xmlrpc_fault(caught.value).faultCode == 1
    assert to_jsonrpc_error(caught.value)["data"]["name"] == "builtins.TypeError"


@pytest.mark.parametrize("domain", [[], False])
def test_an_empty_or_false_domain_still_means_every_record(
    instance: Instance, template: str, domain: Any
) -> None:
    ids = _object(instance, template, "execute_kw", "res.partner", "search", [domain])
    count = _object(instance, template, "execute_kw", "res.partner", "search_count", [domain])
    assert ids and count == len(ids)
    assert _object(instance, template, "execute", "res.partner", "search", domain) == ids


def test_python_callers_must_pass_a_domain_too(env: Environment) -> None:
    partners = env["res.partner"]
    with pytest.raises(TypeError):
        partners.search()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        partners.search_count()  # type: ignore[call-arg]
    assert partners.search([]) and partners.search_count([]) == len(partners.search([]))
