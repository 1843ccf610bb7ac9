"""A small partner-like schema for the domain tests, its data, and an in-memory Reader.

Models: ``test.partner`` (a tree by ``parent_id``, a country, lines, tags and a
company-dependent ``credit``), ``test.country`` (a tree), ``test.line`` and
``test.tag`` (both archivable).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from tenantry.domain import CompileContext, Domain, compile_domain, evaluate, parse
from tenantry.domain.schema import FieldSchema, FieldType, ModelSchema

metadata = sa.MetaData()

country_table = sa.Table(
    "test_country",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String),
    sa.Column("code", sa.String),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("test_country.id")),
)
partner_table = sa.Table(
    "test_partner",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String),
    sa.Column("ref", sa.Text),
    sa.Column("score", sa.Integer),
    sa.Column("is_company", sa.Boolean),
    sa.Column("birthday", sa.Date),
    sa.Column("created_at", sa.DateTime),
    sa.Column("kind", sa.String),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("test_partner.id")),
    sa.Column("country_id", sa.Integer, sa.ForeignKey("test_country.id")),
    sa.Column("credit", sa.JSON),
)
line_table = sa.Table(
    "test_line",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String),
    sa.Column("partner_id", sa.Integer, sa.ForeignKey("test_partner.id")),
    sa.Column("active", sa.Boolean),
    sa.Column("qty", sa.Integer),
)
tag_table = sa.Table(
    "test_tag",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String),
    sa.Column("active", sa.Boolean),
)
partner_tag_table = sa.Table(
    "test_partner_tag_rel",
    metadata,
    sa.Column("partner_id", sa.Integer, sa.ForeignKey("test_partner.id"), primary_key=True),
    sa.Column("tag_id", sa.Integer, sa.ForeignKey("test_tag.id"), primary_key=True),
)

T = FieldType


def _f(name: str, kind: FieldType, **kw: Any) -> FieldSchema:
    if not kind.is_x2many and kw.get("store", True):
        kw.setdefault("column", name)
    return FieldSchema(name=name, type=kind, **kw)


def _fields(*fields: FieldSchema) -> dict[str, FieldSchema]:
    return {f.name: f for f in fields}


COUNTRY = ModelSchema(
    name="test.country",
    table=country_table,
    fields=_fields(
        _f("id", T.INTEGER),
        _f("name", T.CHAR),
        _f("code", T.CHAR),
        _f("parent_id", T.MANY2ONE, relation="test.country"),
    ),
    parent_name="parent_id",
)
PARTNER = ModelSchema(
    name="test.partner",
    table=partner_table,
    fields=_fields(
        _f("id", T.INTEGER),
        _f("name", T.CHAR),
        _f("ref", T.TEXT),
        _f("score", T.INTEGER),
        _f("is_company", T.BOOLEAN),
        _f("birthday", T.DATE),
        _f("created_at", T.DATETIME),
        _f("kind", T.SELECTION, selection=(("a", "A"), ("b", "B"), ("c", "C"))),
        _f("parent_id", T.MANY2ONE, relation="test.partner"),
        _f("country_id", T.MANY2ONE, relation="test.country"),
        _f("child_ids", T.ONE2MANY, relation="test.partner", inverse_name="parent_id"),
        _f("line_ids", T.ONE2MANY, relation="test.line", inverse_name="partner_id"),
        _f(
            "tag_ids",
            T.MANY2MANY,
            relation="test.tag",
            relation_table=partner_tag_table,
            column1="partner_id",
            column2="tag_id",
        ),
        _f("credit", T.INTEGER, company_dependent=True),
        _f("display", T.CHAR, store=False),
    ),
    parent_name="parent_id",
)
LINE = ModelSchema(
    name="test.line",
    table=line_table,
    fields=_fields(
        _f("id", T.INTEGER),
        _f("name", T.CHAR),
        _f("partner_id", T.MANY2ONE, relation="test.partner"),
        _f("active", T.BOOLEAN),
        _f("qty", T.INTEGER),
    ),
    active_name="active",
)
TAG = ModelSchema(
    name="test.tag",
    table=tag_table,
    fields=_fields(_f("id", T.INTEGER), _f("name", T.CHAR), _f("active", T.BOOLEAN)),
    active_name="active",
)
SCHEMA: dict[str, ModelSchema] = {m.name: m for m in (COUNTRY, PARTNER, LINE, TAG)}


@dataclass
class Data:
    """Rows by model, as dicts of column values (``credit`` as a JSON-able dict or None)."""

    countries: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    partner_tags: list[tuple[int, int]] = field(default_factory=list)

    def rows(self, model: str) -> list[dict[str, Any]]:
        return {
            "test.country": self.countries,
            "test.partner": self.partners,
            "test.line": self.lines,
            "test.tag": self.tags,
        }[model]

    def insert(self, conn: sa.Connection) -> None:
        for table, rows in (
            (country_table, self.countries),
            (tag_table, self.tags),
            (partner_table, self.partners),
            (line_table, self.lines),
        ):
            for row in rows:  # one by one: parents (lower ids) before children
                conn.execute(table.insert().values(**row))
        for partner_id, tag_id in self.partner_tags:
            conn.execute(partner_tag_table.insert().values(partner_id=partner_id, tag_id=tag_id))


class MemoryReader:
    """A :class:`~tenantry.domain.schema.Reader` over :class:`Data`, independent of SQL."""

    def __init__(self, data: Data, company_id: int | None) -> None:
        self._data = data
        self._company_id = company_id
        self._by_id = {model: {row["id"]: row for row in data.rows(model)} for model in SCHEMA}

    def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
        rows = self._by_id[model]
        found = [i for i in ids if i in rows]
        fld = SCHEMA[model].fields[field_name]
        if fld.type is T.ONE2MANY:
            inverse = fld.inverse_name
            lines = self._data.rows(fld.relation or "")
            return {i: tuple(r["id"] for r in lines if r[inverse] == i) for i in found}
        if fld.type is T.MANY2MANY:
            pairs = self._data.partner_tags
            return {i: tuple(t for p, t in pairs if p == i) for i in found}
        if fld.company_dependent:
            out = {}
            for i in found:
                stored = rows[i].get(fld.name) or {}
                key = str(self._company_id)
                out[i] = stored.get(key) if self._company_id is not None else None
            return out
        return {i: rows[i].get(fld.name) for i in found}

    def all_ids(self, model: str) -> Collection[int]:
        return list(self._by_id[model])


def sql_ids(conn: sa.Connection, node: Domain, model: ModelSchema, ctx: CompileContext) -> set[int]:
    """The ids the compiled domain selects."""
    where = compile_domain(node, model, SCHEMA, ctx)
    return set(conn.execute(sa.select(model.table.c.id).where(where)).scalars())


def python_ids(data: Data, node: Domain, model: ModelSchema, ctx: CompileContext) -> set[int]:
    """The ids the evaluator finds among all records of ``model``."""
    ids = [row["id"] for row in data.rows(model.name)]
    return evaluate(node, model, SCHEMA, ids, MemoryReader(data, ctx.company_id), ctx)


def sample_data() -> Data:
    """A fixed data set for the example-based tests.

    Partners: 1 Agrolait (company, BE, lines 1-2, tags red/blue), 2 Agrolait
    Contact (child of 1), 3 nameless (no parent, no country), 4 'Bob%_' (child
    of 2, FR), 5 '' (empty name, archived line only).
    """
    countries = [
        {"id": 1, "name": "Europe", "code": "EU", "parent_id": None},
        {"id": 2, "name": "Belgium", "code": "BE", "parent_id": 1},
        {"id": 3, "name": "France", "code": "FR", "parent_id": 1},
    ]
    partners = [
        _partner(
            1,
            "Agrolait",
            ref="A1",
            score=5,
            is_company=True,
            birthday=date(2020, 1, 31),
            created_at=datetime(2024, 1, 31, 12, 0),
            kind="a",
            country_id=2,
            credit={"1": 100, "2": 7},
        ),
        _partner(
            2,
            "Agrolait Contact",
            score=0,
            is_company=False,
            kind="",
            parent_id=1,
            country_id=2,
            created_at=datetime(2024, 1, 31, 23, 59, 59),
            credit={"1": 5},
        ),
        _partner(3, None, score=None, kind=None),
        _partner(
            4,
            "Bob%_",
            ref="",
            score=3,
            parent_id=2,
            country_id=3,
            kind="b",
            created_at=datetime(2024, 2, 1, 0, 0),
        ),
        _partner(5, "", score=-1, is_company=False, kind="c"),
    ]
    lines = [
        {"id": 1, "name": "apple", "partner_id": 1, "active": True, "qty": 3},
        {"id": 2, "name": "pear", "partner_id": 1, "active": True, "qty": 0},
        {"id": 3, "name": "apple", "partner_id": 2, "active": True, "qty": 1},
        {"id": 4, "name": "old", "partner_id": 5, "active": False, "qty": 9},
    ]
    tags = [
        {"id": 1, "name": "red", "active": True},
        {"id": 2, "name": "blue", "active": True},
        {"id": 3, "name": "gone", "active": False},
    ]
    return Data(countries, partners, lines, tags, [(1, 1), (1, 2), (2, 1), (4, 3)])


def _partner(pid: int, name: str | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": pid,
        "name": name,
        "ref": None,
        "score": None,
        "is_company": None,
        "birthday": None,
        "created_at": None,
        "kind": None,
        "parent_id": None,
        "country_id": None,
        "credit": None,
    }
    row.update(values)
    return row


def parsed(domain: Any, model: ModelSchema = PARTNER) -> Domain:
    return parse(domain, model, SCHEMA)
