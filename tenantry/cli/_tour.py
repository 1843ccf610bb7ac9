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

PARTNERS_SHOWN = 8


@dataclass(frozen=True)
class Listing:
    """A titled table of strings."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


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
        (c.name, c.parent_id.name or "", c.partner_id.email or "")
        for c in _records(env, "res.company")
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
        (p.display_name, "yes" if p.is_company else "", p.email or "", p.country_id.name or "")
        for p in _records(env, "res.partner", limit=PARTNERS_SHOWN, order="id")
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
        (_group_label(g["partner_id"]), str(g["partner_id_count"]), _money(g["amount_total"]))
        for g in groups
    )
    note = "sale.order.read_group([], ['amount_total:sum'], ['partner_id'])"
    return Listing("Orders by customer (read_group)", ("Customer", "Orders", "Total"), rows, note)


SEARCHES: Sequence[tuple[str, list[Any]]] = (
    ("res.partner", [("is_company", "=", True)]),
    ("res.partner", [("email", "ilike", "example.com")]),
    ("res.partner", [("parent_id.name", "=", "Wood Corner")]),
    ("res.partner", [("id", "child_of", "Wood Corner")]),
    ("res.partner", ["!", ("country_id.code", "in", ["BE", "FR"])]),
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
    """Print the tour on ``console``: styled on a terminal, plain otherwise."""
    fancy = console.is_terminal
    for table in tables:
        console.print(_rich_table(table, fancy))
        console.print()
    console.print(Text("Domain searches", style="bold" if fancy else ""))
    highlight = ReprHighlighter()
    for search in searches:
        domain = Text(search.domain)
        if fancy:
            highlight.highlight(domain)
        console.print(Text.assemble((f"  {search.model} ", "cyan" if fancy else ""), domain))
        found = ", ".join(search.found) if search.found else "(nothing)"
        console.print(Text(f"    -> {found}", style="green" if fancy else ""))


def _rich_table(table: Listing, fancy: bool) -> Table:
    result = Table(
        *table.columns,
        title=table.title,
        title_justify="left",
        title_style="bold" if fancy else "",
        caption=table.note or None,
        caption_justify="left",
        box=box.ROUNDED if fancy else None,
        header_style="bold magenta" if fancy else "",
        show_edge=fancy,
        pad_edge=fancy,
    )
    for row in table.rows:
        result.add_row(*row)
    return result
