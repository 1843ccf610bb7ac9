"""``tenantry shell``: a piped script runs in one transaction, committed unless it fails."""

from __future__ import annotations

from ._helpers import Cli, database_env, succeeded

CREATE_PARTNER = """\
partner = env["res.partner"].create({"name": "Agrolait"})
print(partner.name, isinstance(inst, tenantry.Instance))
"""


def _partners(db_url: str, name: str) -> int:
    with database_env(db_url, "acme") as env:
        return env["res.partner"].search_count([("name", "=", name)])


def test_shell_commits_a_piped_script_and_rolls_back_a_failing_one(cli: Cli, db_url: str) -> None:
    succeeded(cli("db", "create", "acme", db_url=db_url))

    ran = succeeded(cli("shell", "acme", db_url=db_url, input=CREATE_PARTNER))
    assert ran.stdout == "Agrolait True\n"
    assert ran.stderr == "Committed.\n"
    assert _partners(db_url, "Agrolait") == 1

    failing = 'env["res.partner"].create({"name": "Ghost"})\n1 / 0\n'
    crashed = cli("shell", "acme", db_url=db_url, input=failing)
    assert crashed.exit_code == 1
    assert 'File "<stdin>", line 2' in crashed.stderr
    assert "ZeroDivisionError" in crashed.stderr
    assert crashed.stderr.endswith("Rolled back.\n")

    exiting = 'env["res.partner"].create({"name": "Ghost"})\nraise SystemExit(3)\n'
    assert cli("shell", "acme", db_url=db_url, input=exiting).exit_code == 3
    assert _partners(db_url, "Ghost") == 0


def test_shell_on_a_missing_database_exits_1(cli: Cli, db_url: str) -> None:
    result = cli("shell", "ghost", db_url=db_url, input="print(1)\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: The database 'ghost' does not exist\n"
