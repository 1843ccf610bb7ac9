"""Tables from fields, and bringing a database's schema in line with a registry.

``build_tables`` turns a registry's models into SQLAlchemy ``Table`` objects (one
``MetaData`` per registry): a column per stored field, plus the model's
``_private_columns``, which no field maps (the ORM never reads them).
``sync_schema`` creates what is missing: tables, columns, foreign keys with
their ``ondelete``, indexes, unique and check constraints, many2many relation
tables. ``drop_schema`` removes tables and columns that a registry no longer has
(addon uninstall).

SQLite cannot add or drop constraints on an existing table, so a column drop
there rebuilds the table (SQLite's documented twelve-step procedure); the
installer runs such transactions with foreign-key enforcement off and checks
the foreign keys before committing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import AddConstraint, CreateColumn, CreateIndex, CreateTable

from tenantry.domain.schema import FieldSchema
from tenantry.orm import fields as F
from tenantry.orm.translate import translation_column

if TYPE_CHECKING:
    from tenantry.orm.models import BaseModel
    from tenantry.orm.registry import Registry

_ONDELETE = {"set null": "SET NULL", "cascade": "CASCADE", "restrict": "RESTRICT"}
_UNIQUE = re.compile(r"^\s*unique\s*\(([\w\s,]+)\)\s*$", re.IGNORECASE)
_CHECK = re.compile(r"^\s*check\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


def constraint_name(table: str, name: str) -> str:
    """Database name of an ``_sql_constraints`` entry: ``<table>_<name>``, as Odoo names it."""
    return f"{table}_{name}"[:63]


def build_tables(models: Mapping[str, type[BaseModel]]) -> sa.MetaData:
    """One Table per concrete model, plus the many2many relation tables."""
    metadata = sa.MetaData()
    for cls in models.values():
        if cls._abstract:
            continue
        columns: list[Any] = []
        for field in cls._fields.values():
            if field.name == "id":
                columns.append(sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
                continue
            if field.column is None:
                continue
            args: list[Any] = []
            if isinstance(field, F.Many2one) and not field.company_dependent:
                target = models[field.comodel_name]._table
                args.append(
                    sa.ForeignKey(
                        f"{target}.id",
                        ondelete=_ONDELETE.get(field.ondelete, "SET NULL"),
                        name=f"{cls._table}_{field.name}_fkey"[:63],
                    )
                )
            columns.append(sa.Column(field.column, field.sa_type(), *args, nullable=True))
        # Columns without a field: created (and kept by drop_schema) but never read by the ORM.
        columns.extend(sa.Column(name, kind(), nullable=True) for name, kind in cls._private_columns.items())
        # The other languages of translated fields, beside their English column (orm.translate).
        columns.extend(
            sa.Column(column, sa.JSON(), nullable=True)
            for field in cls._fields.values()
            if (column := translation_column(field)) is not None
        )
        constraints: list[Any] = []
        for name, definition, _message in cls._sql_constraints:
            check = _CHECK.match(definition)
            if check:
                constraints.append(sa.CheckConstraint(check.group(1), name=constraint_name(cls._table, name)))
        # AUTOINCREMENT: SQLite would otherwise reuse the ids of deleted rows.
        table = sa.Table(cls._table, metadata, *columns, *constraints, sqlite_autoincrement=True)
        cls._table_obj = table
        for field in cls._fields.values():
            if field.column and field.name != "id" and _indexed(field):
                sa.Index(f"{cls._table}_{field.name}_index"[:63], table.c[field.column])
        for name, definition, _message in cls._sql_constraints:
            unique = _UNIQUE.match(definition)
            if unique:
                cols = [table.c[c.strip()] for c in unique.group(1).split(",")]
                sa.Index(constraint_name(cls._table, name), *cols, unique=True)
    for cls in models.values():
        for field in cls._fields.values():
            inherited = field.inherited  # an inherited many2many is its parent's relation
            if isinstance(field, F.Many2many) and not inherited and field.relation not in metadata.tables:
                own, other = cls._table, models[field.comodel_name]._table
                sa.Table(
                    field.relation,
                    metadata,
                    sa.Column(
                        field.column1,
                        sa.Integer,
                        sa.ForeignKey(f"{own}.id", ondelete="CASCADE"),
                        primary_key=True,
                    ),
                    sa.Column(
                        field.column2,
                        sa.Integer,
                        sa.ForeignKey(f"{other}.id", ondelete="CASCADE"),
                        primary_key=True,
                        index=True,
                    ),
                )
    return metadata


def _indexed(field: F.Field) -> bool:
    if field.index:
        return True
    # Many2one columns are indexed unless told otherwise: cascades, one2many reads and
    # rule subqueries all look them up.
    return isinstance(field, F.Many2one) and field._args.get("index", True) is not False


def field_schema(field: F.Field, models: Mapping[str, type[BaseModel]]) -> FieldSchema:
    """What the domain layer needs to know about ``field``."""
    relation_table = None
    if isinstance(field, F.Many2many):
        cls = models[field.model_name]
        relation_table = cls._table_obj.metadata.tables[field.relation]
    selection: tuple[tuple[str, str], ...] = ()
    if isinstance(field, F.Selection) and not isinstance(field.selection, str):
        selection = tuple(field.selection)
    return FieldSchema(
        name=field.name,
        type=field.type,
        string=field.string or field.name,
        store=bool(field.store),
        column=field.column,
        relation=field.comodel_name if field.relational else None,
        inverse_name=getattr(field, "inverse_name", None),
        relation_table=relation_table,
        column1=getattr(field, "column1", None),
        column2=getattr(field, "column2", None),
        company_dependent=bool(field.company_dependent),
        groups=field.groups,
        selection=selection,
        delegate=_delegate(field),
        # Read as the user, so searched through the parent's rules; but for ``active``:
        # archiving is the record's own state, filtered on by every search.
        delegate_rules=bool(field.inherited and not field.compute_sudo and field.name != "active"),
        search=_search_function(field, models),
    )


def _delegate(field: F.Field) -> str | None:
    """The ``_inherits`` link through which domains reach an inherited field: None when the
    parent's field itself cannot be searched (a non-stored computed field)."""
    origin = field.inherited_field
    while origin is not None and origin.inherited and origin.inherited_field is not None:
        origin = origin.inherited_field
    if origin is None or not (origin.store or origin.type.is_x2many):
        return None
    return field.inherited_link


def _search_function(field: F.Field, models: Mapping[str, type[BaseModel]]) -> Any:
    """The function searching a non-stored field (``search=``): given, or a static method named."""
    search = field.search
    if search is None or field.store:
        return None
    if isinstance(search, str):
        search = getattr(models[field.model_name], search, None)
    if not callable(search):
        raise TypeError(f"{field!r}: search= must be a function or the name of a static method")
    return search


def sync_schema(conn: Connection, registry: Registry) -> None:
    """Create every table, column, foreign key and index of ``registry`` that is missing."""
    inspector = sa.inspect(conn)
    existing = set(inspector.get_table_names())
    tables = _tables(registry.metadata)
    new_tables = [t for t in tables if t.name not in existing]
    postgres = conn.dialect.name == "postgresql"
    for table in new_tables:
        # PostgreSQL gets foreign keys afterwards (tables reference each other in
        # cycles, e.g. company <-> partner); SQLite accepts forward references inline.
        conn.execute(CreateTable(table, include_foreign_key_constraints=[] if postgres else None))
    if postgres:
        for table in new_tables:
            for fk in table.foreign_key_constraints:
                conn.execute(AddConstraint(fk))
    created = {t.name for t in new_tables}
    for table in tables:
        if table.name in created:
            for index in table.indexes:
                conn.execute(CreateIndex(index))
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                _add_column(conn, table, column)
        indexes = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                conn.execute(CreateIndex(index))
        if postgres:
            checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            for constraint in table.constraints:
                if isinstance(constraint, sa.CheckConstraint) and constraint.name not in checks:
                    conn.execute(AddConstraint(constraint))


def _tables(metadata: sa.MetaData) -> list[sa.Table]:
    """Tables by name: foreign keys are added separately, so creation order is free
    (companies, partners and users reference each other in a cycle)."""
    return [metadata.tables[name] for name in sorted(metadata.tables)]


def _add_column(conn: Connection, table: sa.Table, column: sa.Column[Any]) -> None:
    preparer = conn.dialect.identifier_preparer
    spec = str(CreateColumn(column).compile(dialect=conn.dialect))
    fks = list(column.foreign_keys)
    if fks and conn.dialect.name == "sqlite":
        fk = fks[0]
        target = fk.column.table.name
        spec += f" REFERENCES {preparer.quote(target)} (id) ON DELETE {fk.ondelete or 'SET NULL'}"
    conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {spec}")
    if fks and conn.dialect.name == "postgresql":
        conn.execute(AddConstraint(fks[0].constraint))  # type: ignore[arg-type]


def drop_schema(conn: Connection, keep: Registry) -> None:
    """Drop the tables and columns the database has beyond those of ``keep``.

    Each tenantry database belongs to tenantry alone, so anything the registry does
    not describe was left by an uninstalled addon. SQLite drops columns by rebuilding
    tables, which must run with foreign-key enforcement off.
    """
    inspector = sa.inspect(conn)
    preparer = conn.dialect.identifier_preparer
    postgres = conn.dialect.name == "postgresql"
    existing = [t for t in inspector.get_table_names() if not t.startswith("sqlite_")]
    for name in sorted(set(existing) - set(keep.metadata.tables)):
        suffix = " CASCADE" if postgres else ""
        conn.exec_driver_sql(f"DROP TABLE {preparer.quote(name)}{suffix}")
    for table in _tables(keep.metadata):
        if table.name not in existing:
            continue
        have = [c["name"] for c in inspector.get_columns(table.name)]
        extra = [c for c in have if c not in table.columns]
        if not extra:
            continue
        if postgres:
            for name in extra:
                conn.exec_driver_sql(
                    f"ALTER TABLE {preparer.format_table(table)} DROP COLUMN {preparer.quote(name)} CASCADE"
                )
        else:
            _rebuild_sqlite_table(conn, table, keep_columns=[c for c in have if c in table.columns])


def _rebuild_sqlite_table(conn: Connection, table: sa.Table, keep_columns: list[str]) -> None:
    """SQLite's generalized ALTER TABLE: copy into a new table, drop, rename, re-index."""
    preparer = conn.dialect.identifier_preparer
    temp_name = f"_tenantry_new_{table.name}"
    # A private copy of every table, so the copy's foreign keys resolve.
    scratch = sa.MetaData()
    for other in table.metadata.tables.values():
        other.to_metadata(scratch)
    temp = table.to_metadata(scratch, name=temp_name)
    for index in list(temp.indexes):
        temp.indexes.discard(index)
    conn.execute(CreateTable(temp))
    cols = ", ".join(preparer.quote(c) for c in keep_columns)
    conn.exec_driver_sql(
        f"INSERT INTO {preparer.quote(temp_name)} ({cols}) SELECT {cols} FROM {preparer.format_table(table)}"
    )
    conn.exec_driver_sql(f"DROP TABLE {preparer.format_table(table)}")
    conn.exec_driver_sql(f"ALTER TABLE {preparer.quote(temp_name)} RENAME TO {preparer.format_table(table)}")
    for index in table.indexes:
        conn.execute(CreateIndex(index))
