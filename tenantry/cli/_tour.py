"""The guided tour ``tenantry demo`` prints: gathered from an environment, then rendered.

Gathering (:func:`collect`) only reads the database and returns plain data, so
the rendering (:func:`render`) decides alone how it looks: rich tables on a
terminal, borderless columns without colour when piped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.highlighter import ReprHighlighter
from rich.table import Table
from rich.text import Text

from tenantry.orm.environment import Environment

__all__ = ["Listing", "Search", "collect", "render"]

PARTNERS_SHOWN = 10


@dataclass(frozen=True)
class Listing:
    """A titled table of strings."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    numeric: tuple[str, ...] = ("Lines", "Orders", "Total")  # right-aligned columns


@dataclass(frozen=True)
class Search:
    """One domain search and the display names it found."""

    model: str
    domain: str
    found: tuple[str, ...]


def collect(env: Environment) -> tuple[list[Listing], list[Search]]:
    """The tour's tables and searches, read through ``env``."""
    tables = [_companies(env), _users(env), _partners(env), _orders(env), _orders_by_partner(env)]
    return tables, _searches(env)


def _records(env: Environment, model: str, **options: Any) -> Iterable[Any]:
    """The records of ``model`` (typed ``Any``: their fields are only known at run time)."""
    records: Any = env[model].search([], **options)
    return records  # type: ignore[no-any-return]


def _companies(env: Environment) -> Listing:
    rows = tuple(
        (c.name, c.parent_id.name or "", c.partner_id.email or "") for c in _records(env, "res.company")
    )
    return Listing("Companies", ("Company", "Parent", "Email"), rows)


def _users(env: Environment) -> Listing:
    rows = tuple(
        (u.login, u.name, u.company_id.name or "", ", ".join(sorted(u.groups_id.mapped("name"))))
        for u in _records(env, "res.users")
    )
    return Listing("Users and their groups", ("Login", "Name", "Company", "Groups"), rows)


def _partners(env: Environment) -> Listing:
    partners = env["res.partner"]
    rows = tuple(
        sorted(
            (p.display_name, "yes" if p.is_company else "", p.email or "", p.country_id.name or "")
            for p in _records(env, "res.partner", limit=PARTNERS_SHOWN, order="id")
        )
    )
    total = partners.search_count([])
    note = f"{len(rows)} of {total} partners" if total > len(rows) else ""
    return Listing("Partners", ("Name", "Company", "Email", "Country"), rows, note)


def _orders(env: Environment) -> Listing:
    orders = env["sale.order"]
    states = dict(orders.fields_get(["state"], ["selection"])["state"]["selection"])
    rows = tuple(
        (
            o.name,
            o.partner_id.display_name,
            o.user_id.name or "",
            str(states.get(o.state, o.state)),
            str(len(o.order_line)),
            _money(o.amount_total),
        )
        for o in _records(env, "sale.order", order="name")
    )
    columns = ("Order", "Customer", "Salesperson", "Status", "Lines", "Total")
    return Listing("Sales orders", columns, rows)


def _orders_by_partner(env: Environment) -> Listing:
    orders = env["sale.order"]
    groups = orders.read_group([], ["amount_total:sum"], ["partner_id"], orderby="partner_id")
    rows = tuple(
        (_group_label(g["partner_id"]), str(g["partner_id_count"]), _money(g["amount_total"])) for g in groups
    )
    note = "sale.order.read_group([], ['amount_total:sum'], ['partner_id'])"
    return Listing("Orders by customer (read_group)", ("Customer", "Orders", "Total"), rows, note)


SEARCHES: Sequence[tuple[str, list[Any]]] = (
    ("res.partner", [("is_company", "=", True)]),
    ("res.partner", [("email", "ilike", "example.com")]),
    ("res.partner", [("parent_id.name", "=", "Wood Corner")]),
    ("res.partner", [("id", "child_of", "Wood Corner")]),
    ("sale.order", ["|", ("user_id", "=", False), ("user_id.login", "=", "admin")]),
    ("sale.order", [("order_line.product_id.default_code", "=", "DESK")]),
)


def _searches(env: Environment) -> list[Search]:
    return [
        Search(model, repr(domain), tuple(env[model].search(domain).mapped("display_name")))
        for model, domain in SEARCHES
    ]


def _money(amount: float) -> str:
    return f"{amount:,.2f}"


def _group_label(value: Any) -> str:
    return str(value[1]) if value else "(none)"


def render(console: Console, tables: Sequence[Listing], searches: Sequence[Search]) -> None:
    """Print the tour on ``console``: rich tables on a terminal, aligned plain text otherwise."""
    fancy = console.is_terminal
    for table in tables:
        if fancy:
            console.print(_rich_table(table))
            if table.note:
                console.print(Text(table.note, style="dim"))
        else:
            console.print("\n".join(_plain_table(table)), markup=False, soft_wrap=True)
        console.print()
    console.print(Text("Domain searches", style="bold" if fancy else ""))
    highlight = ReprHighlighter()
    for search in searches:
        domain = Text(search.domain)
        if fancy:
            highlight.highlight(domain)
        console.print(Text.assemble((f"  {search.model} ", "cyan" if fancy else ""), domain))
        found = "; ".join(search.found) if search.found else "(nothing)"
        console.print(Text(f"    -> {found}", style="green" if fancy else ""), soft_wrap=not fancy)


def _rich_table(table: Listing) -> Table:
    result = Table(
        title=table.title,
        title_justify="left",
        title_style="bold",
        box=box.ROUNDED,
        header_style="bold magenta",
    )
    for column in table.columns:
        result.add_column(column, justify="right" if column in table.numeric else "left")
    for row in table.rows:
        result.add_row(*row)
    return result


def _plain_table(table: Listing) -> list[str]:
    """``table`` as lines of aligned columns, with no width limit and no trailing spaces."""
    rows = [table.columns, tuple("-" * len(c) for c in table.columns), *table.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(table.columns))]
    lines = [table.title]
    right = [column in table.numeric for column in table.columns]
    for row in rows:
        cells = (v.rjust(w) if r else v.ljust(w) for v, w, r in zip(row, widths, right, strict=True))
        lines.append("  " + "  ".join(cells).rstrip())
    if table.note:
        lines.append(f"  {table.note}")
    return lines
