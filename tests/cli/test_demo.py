"""``tenantry demo``: an idempotent demo database and a readable tour of it."""

from __future__ import annotations

from pathlib import Path

from ._helpers import Cli, succeeded

TOUR_EXCERPTS = (
    "My Company",  # companies
    "admin  Administrator  My Company",  # users, in aligned plain columns
    "Internal User",  # groups
    "brandon.freeman@example.com",  # partners
    "S00001",  # sales orders ...
    "1,380.00",  # ... with their totals
    "Orders by customer (read_group)",
    "[('is_company', '=', True)]",
    "[('email', 'ilike', 'example.com')]",
    "[('parent_id.name', '=', 'Wood Corner')]",
    "['|', ('user_id', '=', False), ('user_id.login', '=', 'admin')]",
    "child_of",
    "-> Wood Corner, Brandon Freeman\n",
)


def test_demo_creates_the_database_once_then_reuses_it_and_prints_the_tour(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data'}"
    first = succeeded(cli("demo", db_url=url))
    assert "Created database 'demo'" in first.stderr
    second = succeeded(cli("demo", db_url=url))
    assert "Reusing database 'demo'" in second.stderr
    assert "Created" not in second.stderr

    assert first.stdout == second.stdout
    for excerpt in TOUR_EXCERPTS:
        assert excerpt in second.stdout
    lines = second.stdout.splitlines()
    assert not [line for line in lines if line != line.rstrip()]  # plain text when piped
    assert "\x1b[" not in second.stdout and "╭" not in second.stdout
    assert succeeded(cli("db", "list", db_url=url)).stdout == "demo\n"
