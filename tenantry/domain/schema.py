"""What the domain compiler and evaluator know about models: a read-only schema view.

The domain layer never imports the ORM. The ORM's registry describes every model
with a :class:`ModelSchema` (built once, frozen) and hands a :class:`Schema`
(name -> model) to the compiler and evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Table


class FieldType(StrEnum):
    """Field types, spelled as Odoo spells them on the wire (``fields_get``)."""

    CHAR = "char"
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    SELECTION = "selection"
    MANY2ONE = "many2one"
    ONE2MANY = "one2many"
    MANY2MANY = "many2many"
    JSON = "json"
    BINARY = "binary"
    REFERENCE = "reference"

    @property
    def is_relational(self) -> bool:
        return self in (FieldType.MANY2ONE, FieldType.ONE2MANY, FieldType.MANY2MANY)

    @property
    def is_x2many(self) -> bool:
        return self in (FieldType.ONE2MANY, FieldType.MANY2MANY)

    @property
    def is_string(self) -> bool:
        """Types whose empty string is the same as NULL (no value) in domains."""
        return self in (FieldType.CHAR, FieldType.TEXT, FieldType.SELECTION, FieldType.REFERENCE)


@dataclass(frozen=True, slots=True)
class FieldSchema:
    """One field of a model, as domains see it.

    ``column`` is the column name in the model's table for stored scalar fields
    and many2one; ``None`` for one2many, many2many and non-stored fields.
    One2many: ``relation`` + ``inverse_name`` (the many2one on the comodel).
    Many2many: ``relation`` + ``relation_table`` (a Table with ``column1`` pointing
    at this model and ``column2`` at the comodel).
    ``company_dependent`` fields are stored in a JSON column mapping the company
    id (as a string key) to the value; the value for the current company is used.
    ``groups`` is the comma-separated xml ids restricting the field, or None.
    ``delegate`` names, for a field inherited through ``_inherits``, the many2one of
    this model holding the parent record: domains on the field test the parent's field
    of the same name, through the parent's record rules when ``delegate_rules`` (fields
    read as the user), else without them (fields read in superuser mode, as Odoo's join).
    ``search`` rewrites a leaf on a non-stored field: ``search(operator, value)`` gives
    the domain (a list) to test instead; a pure function of its arguments.
    """

    name: str
    type: FieldType
    string: str = ""
    store: bool = True
    column: str | None = None
    relation: str | None = None
    inverse_name: str | None = None
    relation_table: Table | None = None
    column1: str | None = None
    column2: str | None = None
    company_dependent: bool = False
    groups: str | None = None
    selection: tuple[tuple[str, str], ...] = ()
    delegate: str | None = None
    delegate_rules: bool = False
    search: Callable[[str, Any], Any] | None = field(default=None, compare=False)

    @property
    def searchable(self) -> bool:
        return self.store or self.type.is_x2many or self.delegate is not None or self.search is not None


@dataclass(frozen=True, slots=True)
class ModelSchema:
    """One model: its table and fields, plus the names domains treat specially."""

    name: str
    table: Table
    fields: Mapping[str, FieldSchema]
    rec_name: str = "name"
    parent_name: str | None = None
    active_name: str | None = None
    order: str = "id"

    def field(self, name: str) -> FieldSchema | None:
        return self.fields.get(name)


Schema = Mapping[str, ModelSchema]
"""Every model of a registry, by name."""


@dataclass(frozen=True, slots=True)
class CompileContext:
    """The per-call facts a compiled domain depends on.

    ``company_id`` selects the value of company-dependent fields.
    ``active_test``: whether sub-searches over one2many/many2many comodels hide
    archived records (Odoo hides them; many2one sub-searches never do).
    ``extra_domain(model)`` returns a domain (AST) to AND into every sub-search
    on ``model``: the ORM passes the comodel's record rules here.
    ``check_field(model, field)`` is called for every field a domain touches,
    so the ORM can refuse fields the user may not read (``groups=``).
    """

    company_id: int | None = None
    active_test: bool = True
    extra_domain: Callable[[ModelSchema], Any] | None = None
    check_field: Callable[[ModelSchema, FieldSchema], None] | None = None
    lang: str | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False)


class Reader(Protocol):
    """Reads stored values for the Python evaluator, by model and ids.

    ``values`` returns ``{id: value}`` for the ids that exist: scalars as Python
    values (``None`` when empty), many2one as an id or ``None``, one2many and
    many2many as a tuple of ids, company-dependent fields already resolved for
    the evaluator's company.

    x2many values are the stored relation as it is (archived comodel records
    included, no record rules): the evaluator applies ``active_test`` and
    ``extra_domain`` itself, exactly where the SQL compiler does.
    """

    def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]: ...


class ListingReader(Reader, Protocol):
    """A :class:`Reader` that can also list every record id of a model.

    Optional: the evaluator needs it (or :class:`NamingReader`) only for ``parent_of``
    with a *name* (which records are named so has to be searched, not read).
    """

    def all_ids(self, model: str) -> Collection[int]: ...


class NamingReader(Reader, Protocol):
    """A :class:`Reader` that can find records by name, which the evaluator prefers to
    listing them all (a model may hold millions of records).

    ``named_ids`` returns the ids of the records of ``model`` whose ``rec_name`` is
    ``ilike`` one of ``names``, archived ones included and no record rules applied: the
    seeds of ``parent_of`` a name, as the compiled SQL finds them.
    """

    def named_ids(self, model: str, names: Sequence[str]) -> Collection[int]: ...
