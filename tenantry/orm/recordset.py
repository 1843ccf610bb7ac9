"""Recordsets: an ordered set of ids of one model, in one environment.

This module holds what a recordset is, independent of storage: identity and
comparison, set operations, iteration, switching environment, and the
functional helpers (``filtered``, ``mapped``, ``sorted``). Reading and writing
live in their own modules and are combined in :mod:`tenantry.orm.models`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from tenantry.exceptions import ValidationError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from tenantry.domain.schema import ModelSchema
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field


_DEFINITIONS = itertools.count()


class Recordset:
    """The identity part of a model class: which records, seen by whom."""

    __slots__ = ("_ids", "_prefetch_ids", "env")

    # Model metadata (class attributes, set by addon classes and the registry).
    _name: ClassVar[str] = ""
    _inherit: ClassVar[str | Sequence[str] | None] = None
    _inherits: ClassVar[Mapping[str, str]] = {}
    """Delegation inheritance: parent model -> the many2one holding the parent record."""
    _description: ClassVar[str] = ""
    _table: ClassVar[str] = ""
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str | None] = None
    _rec_names_search: ClassVar[list[str] | None] = None
    _parent_name: ClassVar[str] = "parent_id"
    _check_company_auto: ClassVar[bool] = False
    _sql_constraints: ClassVar[list[tuple[str, str, str]]] = []
    _log_access: ClassVar[bool] = True
    _abstract: ClassVar[bool] = False
    _transient: ClassVar[bool] = False
    _superuser_only: ClassVar[bool] = False
    """Deliberately without access rows: only superuser code uses it (the lint knows)."""
    _private_columns: ClassVar[Mapping[str, type[sa.types.TypeEngine[Any]]]] = {}
    """Columns of the table that are no field (name -> SQL type), e.g. ``res_users.password_hash``:
    the ORM creates them and never reads them; only the model's own code does, in SQL."""
    # Set by the registry on the composed class.
    _fields: ClassVar[dict[str, Field]] = {}
    _table_obj: ClassVar[sa.Table]
    _constraint_methods: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()
    _schema: ClassVar[ModelSchema]

    _definition_order: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Addon loaders order model classes by definition, so _inherit chains are stable.
        super().__init_subclass__(**kwargs)
        cls._definition_order = next(_DEFINITIONS)

    if TYPE_CHECKING:
        # Field values are attributes created by the registry: typed as Any.
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self, env: Environment, ids: Sequence[int], prefetch_ids: Sequence[int]) -> None:
        self.env = env
        self._ids: tuple[int, ...] = tuple(ids)
        self._prefetch_ids: tuple[int, ...] = tuple(prefetch_ids) or self._ids

    # -- construction --------------------------------------------------------------

    def browse(self, ids: int | Iterable[int] | None = None) -> Self:
        """The records with these ids (not checked: see ``exists``)."""
        if ids is None or ids is False:
            id_tuple: tuple[int, ...] = ()
        elif isinstance(ids, int):
            id_tuple = (ids,)
        else:
            id_tuple = tuple(ids)
        for id_ in id_tuple:
            if not isinstance(id_, int) or isinstance(id_, bool):
                raise ValidationError(f"Invalid record id {id_!r} for {self._name}")
        return type(self)(self.env, id_tuple, id_tuple)

    def _with_ids(self, ids: Sequence[int]) -> Self:
        return type(self)(self.env, ids, self._prefetch_ids)

    @property
    def ids(self) -> list[int]:
        """The ids, in order."""
        return list(self._ids)

    @property
    def id(self) -> int | bool:
        """The id of a single record (False for an empty recordset)."""
        if not self._ids:
            return False
        return self.ensure_one()._ids[0]

    # -- identity and sets ----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)

    def __iter__(self) -> Iterator[Self]:
        cls, env, prefetch = type(self), self.env, self._prefetch_ids
        for id_ in self._ids:
            yield cls(env, (id_,), prefetch)

    def __reversed__(self) -> Iterator[Self]:
        for id_ in reversed(self._ids):
            yield self._with_ids((id_,))

    def __getitem__(self, index: int | slice) -> Self:
        if isinstance(index, slice):
            return self._with_ids(self._ids[index])
        return self._with_ids((self._ids[index],))

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Recordset):
            if item._name != self._name:
                raise TypeError(f"Mixing {self._name} and {item._name} in 'in'")
            return len(item) == 1 and item._ids[0] in self._ids
        raise TypeError(f"'in' needs a record of {self._name}, not {item!r}")

    def _check_same(self, other: object, op: str) -> Recordset:
        if not isinstance(other, Recordset) or other._name != self._name:
            raise TypeError(f"Unsupported operand for {op}: {self!r} and {other!r}")
        return other

    def __or__(self, other: object) -> Self:
        other_ = self._check_same(other, "|")
        return self._with_ids(tuple(dict.fromkeys(self._ids + other_._ids)))

    def __and__(self, other: object) -> Self:
        keep = set(self._check_same(other, "&")._ids)
        return self._with_ids(tuple(dict.fromkeys(i for i in self._ids if i in keep)))

    def __sub__(self, other: object) -> Self:
        drop = set(self._check_same(other, "-")._ids)
        return self._with_ids(tuple(i for i in self._ids if i not in drop))

    def __add__(self, other: object) -> Self:
        return self._with_ids(self._ids + self._check_same(other, "+")._ids)

    def union(self, *others: Recordset) -> Self:
        result = self
        for other in others:
            result = result | other
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recordset):
            return NotImplemented
        return self._name == other._name and set(self._ids) == set(other._ids)

    # Comparisons are set inclusions, between recordsets of one model only.
    def __lt__(self, other: object) -> bool:
        return set(self._ids) < set(self._check_same(other, "<")._ids)

    def __le__(self, other: object) -> bool:
        return set(self._ids) <= set(self._check_same(other, "<=")._ids)

    def __gt__(self, other: object) -> bool:
        return set(self._ids) > set(self._check_same(other, ">")._ids)

    def __ge__(self, other: object) -> bool:
        return set(self._ids) >= set(self._check_same(other, ">=")._ids)

    def __hash__(self) -> int:
        return hash((self._name, frozenset(self._ids)))

    def __repr__(self) -> str:
        return f"{self._name}{self._ids!r}"

    def ensure_one(self) -> Self:
        """Self, if it holds exactly one record; else ``ValueError`` like Odoo."""
        if len(self._ids) != 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self

    # -- environment switching --------------------------------------------------------

    def with_env(self, env: Environment) -> Self:
        return type(self)(env, self._ids, self._prefetch_ids)

    def sudo(self, flag: bool = True) -> Self:
        """The same records in superuser mode (or out of it with ``flag=False``)."""
        if not isinstance(flag, bool):
            raise ValidationError("sudo() takes a boolean")
        if flag == self.env.su:
            return self
        return self.with_env(self.env(su=flag))

    def with_user(self, user: int | Recordset | None) -> Self:
        """The same records seen by ``user``: superuser mode is off (unless uid 1)."""
        if not user:
            return self
        uid = user if isinstance(user, int) else user.id
        return self.with_env(self.env(user=int(uid), su=False))

    def with_context(self, *args: Any, **overrides: Any) -> Self:
        """Replace the context (a dict argument) and/or update keys of it."""
        context = dict(args[0]) if args else dict(self.env.context)
        context.update(overrides)
        return self.with_env(self.env(context=context))

    def with_company(self, company: int | Recordset | None) -> Self:
        """Put ``company`` first among the allowed companies (``env.company``)."""
        if not company:
            return self
        company_id = company if isinstance(company, int) else company.id
        allowed = list(self.env.context.get("allowed_company_ids") or [])
        if allowed and allowed[0] == company_id:
            return self
        if company_id in allowed:
            allowed.remove(company_id)
        allowed.insert(0, company_id)
        return self.with_context(allowed_company_ids=allowed)

    # -- functional helpers ---------------------------------------------------------

    def filtered(self, func: str | Callable[[Self], Any]) -> Self:
        """The records for which ``func`` (or the dotted field path) is truthy."""
        if isinstance(func, str):
            path = func
            return self._with_ids(tuple(r._ids[0] for r in self if any(r.mapped(path))))
        return self._with_ids(tuple(r._ids[0] for r in self if func(r)))

    def mapped(self, func: str | Callable[[Self], Any]) -> Any:
        """Values of ``func`` or of a dotted path, as in Odoo: where they are recordsets
        (a relational path, or a function returning records) their union, in order and
        without duplicates; ``mapped('')`` is the recordset itself."""
        if not func:
            return self
        if not isinstance(func, str):
            if not self:
                value = func(self)  # Odoo asks the empty recordset what it maps to
                return value if isinstance(value, Recordset) else []
            values = [func(record) for record in self]
            first = values[0]
            if isinstance(first, Recordset):
                return first.union(*values[1:])
            return values
        records: Any = self
        for step in func.split("."):
            field = records._fields.get(step)
            if field is None:
                raise ValidationError(f"Invalid field {step!r} on model {records._name!r}")
            if field.relational:
                records = records._related_union(field)
            else:
                return [record._get_value(field) for record in records]
        return records

    def _related_union(self, field: Field) -> Recordset:
        """The records that ``field`` (relational) links the records of self to: their union,
        in order, without duplicates. ``records.partner_id`` on several records, as in Odoo."""
        ids: dict[int, None] = {}
        for record in self:
            ids.update(dict.fromkeys(record._get_value(field)._ids))
        comodel = self.env[field.comodel_name]
        return comodel.browse(tuple(ids))

    def sorted(self, key: str | Callable[[Self], Any] | None = None, reverse: bool = False) -> Self:
        """The records ordered by ``key`` (a function or a field name), else by ``_order``."""
        if key is None:
            ordered = self.search([("id", "in", self.ids)], order=self._order)
            return ordered[::-1] if reverse else ordered  # type: ignore[no-any-return]
        if isinstance(key, str):
            name = key
            key_func: Callable[[Any], Any] = lambda r: _sort_key(getattr(r, name))  # noqa: E731
        else:
            key_func = key
        records: list[Any] = list(self)
        return self._with_ids(tuple(r._ids[0] for r in sorted(records, key=key_func, reverse=reverse)))


def _sort_key(value: Any) -> Any:
    if isinstance(value, Recordset):
        return value.ids
    return (value is False, value)
