"""``tenantry module``: addon changes from the command line, on both backends."""

from __future__ import annotations

from ._helpers import Cli, database_env, failed_cleanly, succeeded


def _has_sale_order(db_url: str) -> bool:
    with database_env(db_url, "shop") as env:
        return "sale.order" in env


def test_install_upgrade_uninstall_of_sale_demo_on_a_base_database(cli: Cli, db_url: str) -> None:
    succeeded(cli("db", "create", "shop", db_url=db_url))
    assert not _has_sale_order(db_url)

    installed = succeeded(cli("module", "install", "shop", "sale_demo", db_url=db_url))
    assert "Installed sale_demo in 'shop'" in installed.stderr
    assert _has_sale_order(db_url)
    listed = succeeded(cli("module", "list", "shop", db_url=db_url)).stdout.splitlines()
    assert "sale_demo\tinstalled" in listed

    succeeded(cli("module", "upgrade", "shop", "sale_demo", db_url=db_url))
    assert _has_sale_order(db_url)

    error = failed_cleanly(cli("module", "install", "shop", "nope", db_url=db_url))
    assert error == "Error: Addon 'nope' is not available in the addons path"

    succeeded(cli("module", "uninstall", "shop", "sale_demo", db_url=db_url))
    assert not _has_sale_order(db_url)


def test_module_commands_on_a_missing_database_exit_1(cli: Cli, db_url: str) -> None:
    for command in ("install", "upgrade", "uninstall"):
        error = failed_cleanly(cli("module", command, "ghost", "sale_demo", db_url=db_url))
        assert error == "Error: The database 'ghost' does not exist"
