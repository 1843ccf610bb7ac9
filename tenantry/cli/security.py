"""``tenantry security``: lint a database's access rules, explain a user's access.

::

    tenantry security lint acme
    tenantry security explain acme --user sam --model sale.order --record 1
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from tenantry.cli._common import DEFAULT_URL, AddonsPathOpt, DbName, DbUrl, fail, open_instance

app = typer.Typer(
    name="security", help="Check access rules and explain access decisions.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class OperationName(StrEnum):
    """``tenantry.orm.access.Operation``, spelled out so that defining the command does not load the ORM."""

    READ = "read"
    WRITE = "write"
    CREATE = "create"
    UNLINK = "unlink"


@app.command()
def lint(
    db: DbName, as_json: JsonOpt = False, db_url: DbUrl = DEFAULT_URL, addons_path: AddonsPathOpt = None
) -> None:
    """Report rule pitfalls: group rules re-opening what others close, rules that never
    match, models without ACL rows, inactive rules. Exits 0 whatever it finds."""
    from tenantry.security.lint import lint as lint_rules

    with open_instance(db_url, addons_path) as inst, inst.env(db) as env:
        findings = lint_rules(env)
    if as_json:
        typer.echo(json.dumps([f.to_dict() for f in findings], indent=2))
        return
    if not findings:
        typer.echo("No findings.")
        return
    for finding in findings:
        typer.echo(f"[{finding.kind.value}] {finding.model}: {finding.message}")
    typer.echo(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}.")


@app.command()
def explain(
    db: DbName,
    user: Annotated[str, typer.Option("--user", help="The user's login.", show_default=False)],
    model: Annotated[str, typer.Option("--model", help="The model, e.g. sale.order.", show_default=False)],
    record: Annotated[
        int | None, typer.Option("--record", help="A record id to explain.", show_default=False)
    ] = None,
    operation: Annotated[
        OperationName, typer.Option("--operation", help="The operation.")
    ] = OperationName.READ,
    as_json: JsonOpt = False,
    db_url: DbUrl = DEFAULT_URL,
    addons_path: AddonsPathOpt = None,
) -> None:
    """Explain which ACL rows and record rules apply to a user on a model (and a record)."""
    from tenantry.orm.access import Operation
    from tenantry.security.explain import explain as explain_access

    with open_instance(db_url, addons_path) as inst, inst.env(db) as env:
        users = env["res.users"].with_context(active_test=False).search([("login", "=", user)], limit=1)
        if not users:
            fail(f"Unknown user {user!r} in database {db!r}")
        explanation = explain_access(env, users.id, model, Operation(operation), record)
    if as_json:
        typer.echo(json.dumps(explanation.to_dict(), indent=2))
    else:
        typer.echo(explanation.render())
