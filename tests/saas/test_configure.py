"""Remote configuration data (saas.config.do_upgrade_database) is checked strictly."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import ValidationError
from tenantry.saas.configure import Param, parse_upgrade_data


def test_the_seeds_request_is_understood() -> None:
    data = {
        "update_addons": [],
        "install_addons": ["sale", "point_of_sale"],
        "uninstall_addons": [],
        "params": [{"key": "saas_client.max_users", "value": 10, "hidden": True}],
    }
    request = parse_upgrade_data(data)
    assert request.install_addons == ("sale", "point_of_sale")
    assert request.params == (Param("saas_client.max_users", "10", True),)
    assert parse_upgrade_data({}).as_dict() == {
        "update_addons": [], "install_addons": [], "uninstall_addons": [], "params": []
    }  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "install",
        {"install_addons": "sale"},
        {"install_addons": ["Sale"]},
        {"install_addons": ["../etc"]},
        {"install_addons": [1]},
        {"install_addons": ["x"] * 201},
        {"install_addons": ["sale"], "uninstall_addons": ["sale"]},
        {"drop_everything": True},
        {"params": {"key": "a"}},
        {"params": [{"key": "a b", "value": 1}]},
        {"params": [{"key": "a", "value": {"nested": 1}}]},
        {"params": [{"key": "a", "value": True}]},
        {"params": [{"key": "a", "value": "x" * 5000}]},
        {"params": [{"key": "a", "value": 1, "hidden": "yes"}]},
        {"params": [{"key": "a", "value": 1, "extra": 1}]},
    ],
)
def test_malformed_requests_are_refused(data: Any) -> None:
    with pytest.raises(ValidationError):
        parse_upgrade_data(data)
