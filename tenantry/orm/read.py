"""Reading: fetching rows into the transaction cache, field access, ``read``, ``fields_get``.

Rows are fetched for the whole prefetch set of a record (the recordset it was
iterated from) in one query, with the record-rule domain in the WHERE clause:
an id that the rules keep out is either an ``AccessError`` (it exists) or a
``MissingError`` (it does not).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from typing import Any, Self

import sqlalchemy as sa

from tenantry.domain.schema import FieldType
from tenantry.exceptions import MissingError, ValidationError
from tenantry.orm import api, binary, delegation, translate
from tenantry.orm import fields as F
from tenantry.orm.access import Operation
from tenantry.orm.search import SearchMixin

_CHUNK = 1000
_FIELDS_GET_DEFAULT = (
    "type", "string", "help", "required", "readonly", "store", "searchable", "sortable",
    "relation", "relation_field", "selection", "company_dependent", "groups", "manual",
    "name", "depends", "related", "change_default", "translate", "context", "domain",
)  # fmt: skip


class ReadMixin(SearchMixin):
    """Cache, prefetching, field values, read, fields_get, default_get, exists."""

    __slots__ = ()

    # -- the cache ---------------------------------------------------------------------

    def _access_key(self) -> Hashable:
        """Which cache a fetch goes to: superuser mode, or this user and companies."""
        env = self.env
        if env.su:
            return None
        return (env.uid, tuple(env.context.get("allowed_company_ids") or ()))

    def _cache_rows(self) -> dict[int, dict[str, Any]]:
        return self.env.cr.cache.setdefault((self._name, self._access_key()), {})

    def _prefetch_columns(self, names: Sequence[str]) -> list[str]:
        """The columns fetched along with ``names``: every stored non-binary one."""
        columns = [
            f.column
            for f in self._fields.values()
            if f.column and f.name != "id" and f.type is not FieldType.BINARY
        ]
        extra = [
            self._fields[n].column for n in names
            if self._fields[n].type is FieldType.BINARY and self._fields[n].column
        ]  # fmt: skip
        return [c for c in columns + extra + self._translation_columns(self._fields) if c is not None]

    def _translation_columns(self, names: Collection[str]) -> list[str]:
        """The other-language columns of the translated fields among ``names``, when the
        context reads another language than English (orm.translate)."""
        if translate.context_lang(self.env) is None:
            return []
        found = (translate.translation_column(self._fields[n]) for n in names)
        return [c for c in found if c is not None]

    def _read_columns(self, names: Sequence[str]) -> list[str]:
        """The columns holding the stored fields among ``names`` (and the ``_inherits``
        links that inherited ones are read through)."""
        fields = self._fields
        columns = [c for n in names if (c := fields[n].column) is not None and n != "id"]
        links = {link for n in names if (link := fields[n].inherited_link) is not None}
        columns += self._translation_columns(names)
        return columns + [c for link in sorted(links) if (c := fields[link].sql_column) not in columns]

    def _fetch(self, columns: Sequence[str], missing_ok: bool = False) -> None:
        """Make sure the cache holds ``columns`` for self, fetching the prefetch set.

        The record-rule domain for reading is part of the query. Ids of ``self``
        that come back missing raise ``AccessError`` (rules) or ``MissingError``.
        """
        cache = self._cache_rows()
        wanted = [i for i in self._ids if i not in cache or any(c not in cache[i] for c in columns)]
        if not wanted:
            return
        batch = list(dict.fromkeys(wanted))
        if len(batch) < _CHUNK:
            for id_ in self._prefetch_ids:
                if id_ not in cache:
                    batch.append(id_)
                    if len(batch) >= _CHUNK:
                        break
            batch = list(dict.fromkeys(batch))
        self._check_read_access()
        table = self._table_obj
        where = None if self.env.su else self._where([], Operation.READ, active_test=False)
        found: set[int] = set()
        for start in range(0, len(batch), _CHUNK):
            chunk = batch[start : start + _CHUNK]
            stmt = sa.select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(chunk))
            if where is not None:
                stmt = stmt.where(where)
            for row in self.env.cr.conn.execute(stmt):
                found.add(row[0])
                cache.setdefault(row[0], {}).update(zip(columns, row[1:], strict=True))
        lost = [i for i in wanted if i not in found]
        if lost and not missing_ok:
            self._raise_lost(lost, Operation.READ)

    def _raise_lost(self, ids: Collection[int], operation: Operation) -> None:
        """Raise for ids a query did not return: hidden by rules, or gone."""
        existing = self._existing_ids(ids)
        if existing:
            raise self.env.cr.policy.forbidden(self, operation, existing)
        raise MissingError(
            f"Record does not exist or has been deleted.\n(Record: {self._name}({', '.join(map(str, ids))}), "
            f"User: {self.env.uid})"
        )

    def _existing_ids(self, ids: Collection[int]) -> list[int]:
        table = self._table_obj
        found: list[int] = []
        id_list = list(ids)
        for start in range(0, len(id_list), _CHUNK):
            stmt = sa.select(table.c.id).where(table.c.id.in_(id_list[start : start + _CHUNK]))
            found.extend(self.env.cr.conn.execute(stmt).scalars())
        return found

    def exists(self) -> Self:
        """The records of self that still exist, whatever the record rules say.

        Odoo checks nothing here; tenantry asks for the model's read access (outside
        superuser mode), so that a caller who may not read a model at all cannot list
        which of its ids exist (web sessions, API keys). Ids hidden by record rules are
        still reported: ``read`` tells them apart too (``AccessError`` or ``MissingError``).
        """
        if not self._ids:
            return self
        self._check_read_access()
        cache = self._cache_rows()
        unknown = [i for i in self._ids if i not in cache]
        present = set(self._ids) - set(unknown)
        present.update(self._existing_ids(unknown))
        return self._with_ids(tuple(i for i in self._ids if i in present))

    # -- values -----------------------------------------------------------------------

    def _raw_value(self, field: F.Field) -> Any:
        """The stored value of one record's column (``None`` when empty)."""
        assert field.column is not None
        id_ = self._ids[0]
        row = self._cache_rows().get(id_)
        if row is None or field.column not in row:
            self._fetch(
                self._prefetch_columns([field.name]) if field.type is not FieldType.BINARY else [field.column]
            )
            row = self._cache_rows()[id_]
        value = row[field.column]
        if field.company_dependent:
            return _company_value(value, self._company_id())
        column = translate.translation_column(field)
        if column is not None and (lang := translate.context_lang(self.env)) is not None:
            if column not in row:
                self._fetch([column])
                row = self._cache_rows()[id_]
            return translate.translated(value, row.get(column), lang)
        return value

    def _company_id(self) -> int | None:
        ids = self.env._company_ids()
        return ids[0] if ids else None

    def _get_value(self, field: F.Field) -> Any:
        """``record.field``: the value in Python form."""
        if len(self._ids) != 1:
            if not self._ids:
                return _empty_value(self, field)
            if field.relational:
                return self._related_union(field)  # as Odoo: the union of the related records
            raise ValueError(f"Expected singleton: {self!r}")
        if field.computed and not field.store:
            return self._computed_value(field)
        if not self.env.su and field.groups:
            self.env.cr.policy.check_fields(self.env, self._name, (field.name,), Operation.READ)
        if field.type.is_x2many:
            ids = self._x2many_ids(field, self._ids)[self._ids[0]]
            comodel = self.env[field.comodel_name]
            return comodel.browse(ids)
        if binary.in_attachment(field):
            self._fetch(self._prefetch_columns([]))  # the record's own access first
            return binary.record_value(self, field)
        return field.to_record(self._raw_value(field), self)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            field = self._fields.get(key)
            if field is None:
                raise KeyError(f"Invalid field {key!r} on model {self._name!r}")
            return self._get_value(field)
        return super().__getitem__(key)

    def _x2many_ids(self, field: F.Field, ids: Sequence[int]) -> dict[int, list[int]]:
        """The related ids of each record, as the comodel's search sees them (rules apply)."""
        comodel = self.env[field.comodel_name]
        result: dict[int, list[int]] = {i: [] for i in ids}
        if not ids:
            return result
        if isinstance(field, F.One2many):
            inverse = comodel._fields[field.inverse_name]
            column = inverse.sql_column
            records = comodel._search([(field.inverse_name, "in", list(ids))], columns=[column])
            rows = comodel._cache_rows()
            for line in records._ids:
                parent = rows[line][column]
                if parent in result:
                    result[parent].append(line)
            return result
        assert isinstance(field, F.Many2many)
        relation = self.env.registry.metadata.tables[field.relation]
        col1, col2 = relation.c[field.column1], relation.c[field.column2]
        comodel._check_read_access()
        where = comodel._where([])
        table = comodel._table_obj
        stmt = sa.select(col1, col2).join(table, table.c.id == col2).where(col1.in_(list(ids)))
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*comodel._order_by(None))
        for left, right in self.env.cr.conn.execute(stmt):
            result[left].append(right)
        return result

    # -- read ------------------------------------------------------------------------

    def _check_read_fields(self, fields: Sequence[str] | None) -> list[str]:
        """Validate the field names asked for; none means every field the user may read."""
        env, policy = self.env, self.env.cr.policy
        if not fields:
            # Every readable field; write-only fields and "nobody" fields (groups='.',
            # e.g. password hashes) only come back when asked for by name.
            return [
                name for name, field in self._fields.items()
                if name != "id" and not field.write_only and field.groups != "."
                and (env.su or not field.groups or policy.field_allowed(env, self._name, name))
            ]  # fmt: skip
        if isinstance(fields, str) or not all(isinstance(f, str) for f in fields):
            raise ValidationError(f"Invalid fields {fields!r}: a list of field names is expected")
        unknown = [f for f in fields if f not in self._fields]
        if unknown:
            raise ValidationError(f"Invalid field {unknown[0]!r} on model {self._name!r}")
        names = list(dict.fromkeys(f for f in fields if f != "id"))
        if not env.su:
            restricted = [f for f in names if self._fields[f].groups]
            if restricted:
                policy.check_fields(env, self._name, restricted, Operation.READ)
        return names

    def read(self, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        """One dict per record: ``id`` plus the fields, as Odoo's ``read`` returns them."""
        names = self._check_read_fields(fields)
        if not self._ids:
            return []
        self._check_read_access()
        self._fetch(self._prefetch_columns(names), missing_ok=True)
        cache = self._cache_rows()
        present = self._with_ids(tuple(i for i in dict.fromkeys(self._ids) if i in cache))
        lost = [i for i in self._ids if i not in cache]
        if lost:
            # Missing ids are dropped from the result as Odoo does; hidden ones are refused.
            existing = self._existing_ids(lost)
            if existing:
                raise self.env.cr.policy.forbidden(self, Operation.READ, existing)
        return present._read_format(names, load)

    def _read_format(self, names: Sequence[str], load: str = "_classic_read") -> list[dict[str, Any]]:
        """Rows for records already in the cache."""
        cache = self._cache_rows()
        company = self._company_id() if any(self._fields[n].company_dependent for n in names) else None
        rows: list[dict[str, Any]] = [{"id": i} for i in self._ids]
        inherited = delegation.read_inherited(self, [n for n in names if self._fields[n].inherited], load)
        for name in names:
            field = self._fields[name]
            if name in inherited:
                for row, value in zip(rows, inherited[name], strict=True):
                    row[name] = value
            elif field.computed and not field.store:
                for row, record in zip(rows, self, strict=True):
                    row[name] = _to_read(field, record._get_value(field), load)
            elif field.type.is_x2many:
                related = self._x2many_ids(field, self._ids)
                for row in rows:
                    row[name] = related[row["id"]]
            elif binary.in_attachment(field):
                contents = binary.read_values(self, field, self._ids)
                for row in rows:
                    row[name] = contents.get(row["id"], False)
            elif isinstance(field, F.Many2one):
                column = field.column
                assert column is not None
                values = [
                    _company_value(cache[r["id"]][column], company)
                    if field.company_dependent
                    else cache[r["id"]][column]
                    for r in rows
                ]
                if load == "_classic_read":
                    names_by_id = self._display_names(field.comodel_name, values)
                    for row, value in zip(rows, values, strict=True):
                        row[name] = (value, names_by_id.get(value, "")) if value else False
                else:
                    for row, value in zip(rows, values, strict=True):
                        row[name] = value or False
            else:
                column = field.column
                assert column is not None
                lang = translate.context_lang(self.env)
                tr_column = translate.translation_column(field) if lang is not None else None
                if tr_column is not None and any(tr_column not in cache[r["id"]] for r in rows):
                    self._fetch([tr_column], missing_ok=True)
                for row in rows:
                    value = cache[row["id"]][column]
                    if field.company_dependent:
                        value = _company_value(value, company)
                    elif tr_column is not None:
                        value = translate.translated(value, cache[row["id"]].get(tr_column), lang)
                    row[name] = field.to_read(value, self, load)
        return rows

    def _display_names(self, model: str, ids: Sequence[Any]) -> dict[int, str]:
        """Display names of many2one targets, shown even when the target is forbidden (as
        Odoo does), unless the target's name field is one the user may not read."""
        wanted = [i for i in dict.fromkeys(ids) if i]
        if not wanted:
            return {}
        targets = self.env[model].sudo().browse(wanted)
        return {t._ids[0]: t._display_name_for(self.env) for t in targets.exists()}

    def _display_name_for(self, env: Any) -> str:
        """This record's display name (self in superuser mode) as ``env``'s user may see it:
        ``model,id`` when the record is named after a field that user may not read."""
        name = self._rec_name
        field = self._fields.get(name) if name else None
        hidden = (
            field is not None
            and not env.su
            and (field.write_only or not env.cr.policy.field_allowed(env, self._name, field.name))
        )
        return f"{self._name},{self._ids[0]}" if hidden else str(self.display_name)

    # -- metadata ---------------------------------------------------------------------

    @api.model
    def fields_get(
        self, allfields: Sequence[str] | None = None, attributes: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Field descriptions, without the fields the user may not read."""
        env, policy = self.env, self.env.cr.policy
        result: dict[str, dict[str, Any]] = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields:
                continue
            if field.groups and not env.su and not policy.field_allowed(env, self._name, name):
                continue
            desc = _describe(self, field)
            if attributes:
                desc = {k: v for k, v in desc.items() if k in attributes}
            result[name] = desc
        return result

    @api.model
    def default_get(self, fields_list: Sequence[str]) -> dict[str, Any]:
        """Default values: ``default_<field>`` context keys first, then field defaults."""
        result: dict[str, Any] = {}
        inherited: list[str] = []
        for name in fields_list:
            field = self._fields.get(name)
            if field is None:
                continue
            key = f"default_{name}"
            if key in self.env.context:
                result[name] = self.env.context[key]
            elif field.inherited:
                inherited.append(name)
            elif field.default is not F._UNSET:
                value = field.default(self) if callable(field.default) else field.default
                result[name] = _to_write(field, value)
        if inherited:
            result.update(delegation.inherited_defaults(self, inherited))
        return result


def _company_value(value: Any, company_id: int | None) -> Any:
    """A company-dependent column holds ``{"<company id>": value}``."""
    if not value or company_id is None:
        return None
    return value.get(str(company_id))


def _empty_value(records: Any, field: F.Field) -> Any:
    if field.relational:
        return records.env[field.comodel_name].browse()
    return field.to_record(None, records)


def _to_read(field: F.Field, value: Any, load: str) -> Any:
    """A Python-form value (non-stored computed fields) in ``read`` form."""
    if field.type.is_x2many:
        return list(value.ids)
    if isinstance(field, F.Many2one):
        if not value:
            return False
        return (value.id, value.sudo()._display_name_for(value.env)) if load == "_classic_read" else value.id
    if isinstance(field, F.Binary) and value:
        return field.to_read(value, None, load)
    return value


def _to_write(field: F.Field, value: Any) -> Any:
    """A Python-form value in the form ``write``/``create`` take."""
    if field.relational and hasattr(value, "ids"):
        return value.ids if field.type.is_x2many else (value.ids[0] if value.ids else False)
    return value


def _describe(model: Any, field: F.Field) -> dict[str, Any]:
    # An inherited field is described as the parent's (writable, searchable and sortable
    # as it is), as Odoo describes its related fields with ``inherited``.
    origin = delegation.inherited_field(field)
    desc: dict[str, Any] = {
        "name": field.name,
        "type": field.type.value,
        "string": field.string or field.name,
        "help": field.help or False,
        "required": bool(field.required),
        "readonly": bool(field.readonly) or (field.computed and not field.inverse and not field.inherited),
        "store": bool(field.store),
        "searchable": bool(origin.store or field.type.is_x2many or field.search),
        "sortable": bool(origin.column) and not field.type.is_x2many,
        "company_dependent": bool(field.company_dependent),
        "manual": False,
        "depends": list(field.depends),
    }
    if field.related:
        desc["related"] = field.related
    if field.groups:
        desc["groups"] = field.groups
    if field.relational:
        desc["relation"] = field.comodel_name
        desc["domain"] = list(field.domain or [])
        desc["context"] = dict(field.context or {})
    if isinstance(field, F.One2many):
        desc["relation_field"] = field.inverse_name
    if isinstance(field, F.Selection):
        desc["selection"] = [list(pair) for pair in field.options(model)]
    if isinstance(field, F.Char):
        desc["translate"] = bool(getattr(field, "translate", False))
        if getattr(field, "size", None):
            desc["size"] = field.size
    return desc
