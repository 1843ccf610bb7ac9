"""Writing: create, write, unlink, copy, x2many commands, constraints.

Order of a write, as in Odoo: model access, record rules on the target ids,
field access, then the SQL, x2many commands, inverse methods, recomputation of
stored computed fields, Python constraints and company consistency. ``create``
checks the record rules *after* the insert: the new rows must satisfy the
``create`` rules, or the error propagates and the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Self

import sqlalchemy as sa

from tenantry.domain.limits import id_batches
from tenantry.domain.schema import FieldType
from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, binary, delegation, translate
from tenantry.orm import fields as F
from tenantry.orm.access import Operation
from tenantry.orm.commands import Command, normalize_commands
from tenantry.orm.companies import CompanyMixin
from tenantry.orm.hierarchy import HierarchyMixin
from tenantry.orm.integrity import integrity_error
from tenantry.orm.x2many import X2ManyMixin

_LOG_ACCESS = ("create_uid", "create_date", "write_uid", "write_date")
_CHUNK = 1000


class WriteMixin(CompanyMixin, X2ManyMixin, HierarchyMixin):
    """create, write, unlink, copy, name_create and the access entry points."""

    __slots__ = ()

    # -- access entry points --------------------------------------------------------------

    @api.model
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        """Whether the user may do ``operation`` on this model at all (``ir.model.access``)."""
        op = _operation(operation)
        if self.env.su:
            return True
        return self.env.cr.policy.check_model(self.env, self._name, op, raise_exception)

    def check_access_rule(self, operation: str) -> None:
        """Raise ``AccessError`` unless the record rules allow ``operation`` on self."""
        self._check_rules(_operation(operation))

    def _check_rules(self, operation: Operation, missing_ok: bool = True) -> None:
        """Refuse ids of self that the record rules keep out of ``operation``."""
        if self.env.su or not self._ids:
            return
        rules = self.env.cr.policy.rule_domain(self.env, self._name, operation)
        if rules is None:
            return
        ids = list(dict.fromkeys(self._ids))
        allowed = self._allowed_ids(ids, operation)
        lost = [i for i in ids if i not in allowed]
        if lost:
            existing = self._existing_ids(lost)
            if existing:
                raise self.env.cr.policy.forbidden(self, operation, existing)
            if not missing_ok:
                self._raise_lost(lost, operation)

    def _allowed_ids(self, ids: list[int], operation: Operation) -> set[int]:
        """Which of ``ids`` the record rules of ``operation`` let through (archived included)."""
        allowed: set[int] = set()
        for batch in id_batches(ids):
            stmt = sa.select(self._table_obj.c.id)
            where = self._where([("id", "in", batch)], operation, active_test=False)
            if where is not None:
                stmt = stmt.where(where)
            allowed.update(self.env.cr.conn.execute(stmt).scalars())
        return allowed

    def _check_model_access(self, operation: Operation) -> None:
        if not self.env.su:
            self.env.cr.policy.check_model(self.env, self._name, operation)

    # -- field assignment -------------------------------------------------------------

    def _set_value(self, field: F.Field, value: Any) -> None:
        """``record.field = value``: captured while computing, else a ``write``."""
        computing = self.env.cr.computing
        if len(self._ids) == 1:
            captured = computing.get((self._name, field.name, self._ids[0]))
            if captured is not None:
                captured[self._ids[0]] = value
                return
        self.write({field.name: value})

    # -- create -------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Self:
        """Create records from one dict or a list of dicts; returns the new records."""
        if isinstance(vals_list, Mapping):
            vals_list = [vals_list]
        if not isinstance(vals_list, Sequence) or not all(isinstance(v, Mapping) for v in vals_list):
            raise ValidationError(f"create() on {self._name} takes a dict or a list of dicts")
        if not vals_list:
            return self.browse()
        self._check_model_access(Operation.CREATE)
        prepared = [self._with_defaults(vals) for vals in vals_list]
        self._check_field_access({k for vals in prepared for k in vals}, Operation.CREATE)
        # Parent records (_inherits) first, from the inherited values.
        own = delegation.create_parents(self, prepared) if self._inherits else prepared
        splits = [self._split_vals(vals, creating=True) for vals in own]
        now = F.Datetime.now()
        rows: list[dict[str, Any]] = []
        for columns, _x2m, _inverse in splits:
            if self._log_access:
                columns.update(
                    create_uid=self.env.uid, create_date=now, write_uid=self.env.uid, write_date=now
                )
            rows.append(columns)
        keys = sorted({k for row in rows for k in row})
        table = self._table_obj
        full_rows = [{k: row.get(k) for k in keys} for row in rows]
        conn = self.env.cr.conn
        try:
            if keys:
                stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids = list(conn.execute(stmt, full_rows).scalars())
            else:
                ids = [conn.execute(sa.insert(table).returning(table.c.id)).scalar_one() for _ in rows]
        except sa.exc.IntegrityError as exc:
            raise integrity_error(exc, self.env.registry, self._name) from None
        records = self.browse(ids)
        self.env.cr.invalidate(self._name, ids)
        for record, (_columns, x2m, inverse) in zip(records, splits, strict=True):
            for name, commands in x2m.items():
                record._apply_x2many(self._fields[name], commands)
            record._apply_inverse(inverse)
        stored_computed = [f.name for f in self._fields.values() if f.computed and f.store]
        if stored_computed:
            records._recompute(stored_computed)
        written = {k for vals in prepared for k in vals}
        records._modified(written)
        records._validate_constraints(written)
        records._check_rules_after_create()
        if self._check_company_auto:
            records._check_company()
        return records

    def _check_rules_after_create(self) -> None:
        if self.env.su:
            return
        rules = self.env.cr.policy.rule_domain(self.env, self._name, Operation.CREATE)
        if rules is None:
            return
        allowed = self._allowed_ids(list(self._ids), Operation.CREATE)
        refused = [i for i in self._ids if i not in allowed]
        if refused:
            raise self.env.cr.policy.forbidden(self, Operation.CREATE, refused)

    def _with_defaults(self, vals: Mapping[str, Any]) -> dict[str, Any]:
        skipped = delegation.skipped_defaults(self, vals) if self._inherits else set()
        missing = [
            n for n in self._fields
            if n not in vals and n not in _LOG_ACCESS and n != "id" and n not in skipped
        ]  # fmt: skip
        defaults = self.default_get(missing) if missing else {}
        company = self._fields.get("company_id")
        if (
            "company_id" in missing
            and "company_id" not in defaults
            and isinstance(company, F.Many2one)
            and company.comodel_name == "res.company"
            and company.required
        ):
            # A required company defaults to the current company.
            defaults["company_id"] = self.env.company.id or False
        return {**defaults, **vals}

    # -- write -------------------------------------------------------------------------

    def write(self, vals: Mapping[str, Any]) -> bool:
        """Write ``vals`` on every record of self."""
        if not isinstance(vals, Mapping):
            raise ValidationError(f"write() on {self._name} takes a dict of values")
        if not self._ids:
            return True
        self._check_model_access(Operation.WRITE)
        self._check_rules(Operation.WRITE, missing_ok=False)
        self._check_field_access(set(vals), Operation.WRITE)
        own, parents = delegation.split_inherited(self, vals) if self._inherits else (vals, {})
        columns, x2m, inverse = self._split_vals(own, creating=False)
        ids = list(dict.fromkeys(self._ids))
        before = self._trigger_targets_with_path(set(vals))
        conn = self.env.cr.conn
        table = self._table_obj
        cd_fields = [n for n in own if n in self._fields and self._fields[n].company_dependent]
        # In another language than English, translated fields get that language's value only.
        lang = translate.context_lang(self.env)
        tr_fields = [
            n for n in own
            if lang is not None and n in self._fields and translate.translation_column(self._fields[n])
        ]  # fmt: skip
        plain = {k: v for k, v in columns.items() if k not in cd_fields and k not in tr_fields}
        if self._log_access:
            plain.update(write_uid=self.env.uid, write_date=F.Datetime.now())
        try:
            if plain:
                for start in range(0, len(ids), _CHUNK):
                    chunk = ids[start : start + _CHUNK]
                    result = conn.execute(sa.update(table).where(table.c.id.in_(chunk)).values(plain))
                    if result.rowcount != len(chunk):
                        self._with_ids(tuple(chunk))._raise_lost(
                            set(chunk) - set(self._existing_ids(chunk)), Operation.WRITE
                        )
            if cd_fields:
                self._write_company_dependent({n: columns[self._fields[n].sql_column] for n in cd_fields})
            if tr_fields and lang is not None:
                translate.write_translations(
                    self, {n: columns[self._fields[n].sql_column] for n in tr_fields}, lang
                )
        except sa.exc.IntegrityError as exc:
            raise integrity_error(exc, self.env.registry, self._name) from None
        self.env.cr.invalidate(self._name, ids)
        delegation.write_parents(self, parents)
        for name, commands in x2m.items():
            for record in self:
                record._apply_x2many(self._fields[name], commands)
        self._apply_inverse(inverse)
        self._modified(set(vals), before=before)
        self._validate_constraints(set(vals))
        if self._check_company_auto and any(
            n == "company_id" or (n in self._fields and self._fields[n].check_company) for n in vals
        ):
            self._check_company()
        return True

    def _write_company_dependent(self, values: Mapping[str, Any]) -> None:
        """Set the current company's value of company-dependent columns, keeping the others."""
        company = self._company_id()
        if company is None:
            raise UserError(f"Cannot write company-dependent fields of {self._name} without a company")
        table = self._table_obj
        conn = self.env.cr.conn
        columns = [self._fields[n].sql_column for n in values]
        stmt = sa.select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(list(self._ids)))
        for row in conn.execute(stmt).all():
            update = {}
            for index, (name, value) in enumerate(values.items(), start=1):
                current = dict(row[index] or {})
                if value is None:
                    current.pop(str(company), None)
                else:
                    current[str(company)] = value
                update[self._fields[name].sql_column] = current or None
            conn.execute(sa.update(table).where(table.c.id == row[0]).values(update))

    def _trigger_targets_with_path(self, names: Collection[str]) -> dict[Any, set[int]]:
        """Records reached *before* a change along relational paths (old parents)."""
        triggers = self.env.registry.triggers
        if not any(t.path for n in names for t in triggers.get((self._name, n), ())):
            return {}
        return {k: v for k, v in self._trigger_targets(names).items() if v}

    # -- splitting values ---------------------------------------------------------------

    def _split_vals(
        self, vals: Mapping[str, Any], creating: bool
    ) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]], dict[str, Any]]:
        """``vals`` -> (column values, x2many commands, values for inverse methods)."""
        columns: dict[str, Any] = {}
        x2m: dict[str, list[tuple[Any, ...]]] = {}
        inverse: dict[str, Any] = {}
        company = None
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(f"Invalid field {name!r} on model {self._name!r}")
            if name in _LOG_ACCESS or name == "id":
                continue
            label = f"{self._name}.{name}"
            if field.computed and not field.store:
                if field.inverse or field.related:
                    inverse[name] = value
                    continue
                raise ValidationError(f"Field {label} is computed and cannot be written")
            if field.type.is_x2many:
                x2m[name] = normalize_commands(label, value)
                continue
            raw = field.to_column(value, self)
            if field.required and _is_empty(field, raw):
                raise ValidationError(f"Missing required value for field '{field.string}' ({label})")
            if binary.in_attachment(field):
                inverse[name] = raw  # an attachment, stored once the row is (_apply_inverse)
                continue
            assert field.column is not None
            if field.company_dependent and creating:
                if company is None:
                    company = self._company_id()
                columns[field.column] = {str(company): raw} if raw is not None and company else None
            else:
                columns[field.column] = raw
        if creating:
            missing = [
                f for f in self._fields.values()
                if f.required and f.column and not f.computed
                and f.name not in vals and f.type is not FieldType.BOOLEAN
            ]  # fmt: skip
            if missing:
                names = ", ".join(f"'{f.string}' ({self._name}.{f.name})" for f in missing)
                raise ValidationError(f"Missing required value for field {names}")
        return columns, x2m, inverse

    def _check_field_access(self, names: Collection[str], operation: Operation) -> None:
        if self.env.su:
            return
        restricted = [n for n in names if n in self._fields and self._fields[n].groups]
        if restricted:
            self.env.cr.policy.check_fields(self.env, self._name, restricted, operation)

    def _apply_inverse(self, values: Mapping[str, Any]) -> None:
        """Values of non-stored computed fields: put them in place, then run the inverse."""
        for name, value in values.items():
            field = self._fields[name]
            if binary.in_attachment(field):
                binary.write_values(self, field, dict.fromkeys(self._ids, value))
                continue
            for record in self:
                self.env.cr.computed[(self._name, name, record._ids[0], self.env.key)] = value
            if field.related:
                *path, last = field.related.split(".")
                for record in self:
                    target: Any = record
                    for step in path:
                        target = target[step]
                    if target:
                        target.write({last: value})
            elif isinstance(field.inverse, str):
                getattr(self, field.inverse)()
            else:
                field.inverse(self)

    # -- unlink --------------------------------------------------------------------------

    def unlink(self) -> bool:
        """Delete the records; database ``ondelete`` rules cascade or refuse."""
        if not self._ids:
            return True
        self._check_model_access(Operation.UNLINK)
        self._check_rules(Operation.UNLINK)
        ids = list(dict.fromkeys(self._ids))
        targets = self._trigger_targets_with_path(list(self._fields))
        conn = self.env.cr.conn
        registry = self.env.registry
        try:
            if "ir.model.data" in registry and self._name != "ir.model.data":
                data = registry["ir.model.data"]._table_obj
                conn.execute(sa.delete(data).where(data.c.model == self._name, data.c.res_id.in_(ids)))
            for start in range(0, len(ids), _CHUNK):
                table = self._table_obj
                conn.execute(sa.delete(table).where(table.c.id.in_(ids[start : start + _CHUNK])))
        except sa.exc.IntegrityError as exc:
            raise integrity_error(exc, registry, self._name) from None
        self.env.cr.invalidate()
        binary.delete_values(self, ids)  # their attachments go with them, as in Odoo
        for (model, field_name), target_ids in targets.items():
            remaining = self.env[model].browse(sorted(target_ids))
            remaining._recompute([field_name])
        return True

    # -- copy, name_create -------------------------------------------------------------

    def copy_data(self, default: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The values ``copy`` creates the duplicate from."""
        result = []
        # Odoo's rule: the _inherits links are not copied (a copy gets a new parent, made
        # from the copied inherited fields), unless ``default`` names the parent to use:
        # then none of that parent's fields are copied.
        links = set(self._inherits.values())
        given = {link for link in links if default and link in default}
        # Fields restricted by ``groups`` to others are left out: the caller may neither
        # read nor write them, so a duplicate is made of what they can see.
        env, policy = self.env, self.env.cr.policy
        hidden = {
            name
            for name, field in self._fields.items()
            if field.groups and not env.su and not policy.field_allowed(env, self._name, name)
        }
        for record in self:
            vals: dict[str, Any] = {}
            for name, field in self._fields.items():
                if not field.copy or name in _LOG_ACCESS or name == "id" or name in links or name in hidden:
                    continue
                if field.computed and not (field.inherited and field.inherited_link not in given):
                    continue
                value = record._get_value(field)
                if field.type is FieldType.MANY2MANY:
                    vals[name] = [(Command.SET, 0, value.ids)]
                elif field.type is FieldType.ONE2MANY:
                    lines = value.copy_data({field.inverse_name: False}) if value else []
                    vals[name] = [(Command.CREATE, 0, line) for line in lines]
                elif field.relational:
                    vals[name] = value.id or False
                else:
                    vals[name] = value
            vals.update(default or {})
            result.append(vals)
        return result

    def copy(self, default: Mapping[str, Any] | None = None) -> Self:
        """A duplicate of one record, with ``default`` overriding copied values."""
        self.ensure_one()
        return self.create(self.copy_data(default)[0])

    @api.model
    def name_create(self, name: str) -> tuple[int, str]:
        """Create a record from its name only; returns ``(id, display_name)``."""
        if not self._rec_name:
            raise UserError(f"Cannot execute name_create, no _rec_name defined on {self._name}")
        record = self.create({self._rec_name: name})
        return (record._ids[0], record.display_name)

    # -- checks after writing ----------------------------------------------------------

    def _validate_constraints(self, names: Collection[str]) -> None:
        """Refuse hierarchy cycles, then run the ``@api.constrains`` methods concerned by ``names``."""
        self._check_hierarchy(names)
        for method_name, fields in type(self)._constraint_methods:
            if set(fields) & set(names):
                getattr(self, method_name)()


def _is_empty(field: F.Field, raw: Any) -> bool:
    if field.type is FieldType.BOOLEAN:
        return False
    return raw is None or raw == ""


def _operation(operation: str) -> Operation:
    try:
        return Operation(operation)
    except ValueError:
        raise ValidationError(f"Invalid access operation {operation!r}") from None
