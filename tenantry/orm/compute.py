"""Computed fields: values computed on access, and stored values kept up to date.

A compute method assigns ``record.field = value`` for every record it is given.
While it runs, those assignments are captured (``Transaction.computing``) instead
of becoming writes.

- Non-stored fields are computed for the whole prefetch set on first access and
  kept until the next write in the transaction.
- Stored fields are recomputed eagerly: after a create, and after any change to
  a field they depend on. The registry inverted every ``depends`` path into
  :class:`~tenantry.orm.registry.Trigger` entries; the records to recompute are
  found with a search along the path, which works for many2one, one2many and
  many2many steps alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import sqlalchemy as sa

from tenantry.domain.limits import id_batches
from tenantry.orm import binary
from tenantry.orm import fields as F
from tenantry.orm.read import ReadMixin

_MAX_DEPTH = 16


class ComputeMixin(ReadMixin):
    """Computed and related fields, triggers and recomputation."""

    __slots__ = ()

    def _computed_value(self, field: F.Field) -> Any:
        cr = self.env.cr
        id_ = self._ids[0]
        key = (self._name, field.name, id_, self.env.key)
        if key in cr.computed:
            return cr.computed[key]
        if not self.env.su and field.groups:
            from tenantry.orm.access import Operation

            cr.policy.check_fields(self.env, self._name, (field.name,), Operation.READ)
        batch = [
            i
            for i in self._prefetch_ids[:1000]
            if (self._name, field.name, i, self.env.key) not in cr.computed
        ]
        if id_ not in batch:
            batch.insert(0, id_)
        records = self._with_ids(tuple(batch))
        values = records._run_compute(field)
        for rid, value in values.items():
            cr.computed[(self._name, field.name, rid, self.env.key)] = value
        return cr.computed.get(key, _empty(self, field))

    def _run_compute(self, field: F.Field) -> dict[int, Any]:
        """Run ``field``'s compute method on self; return ``{id: value}`` (Python form)."""
        cr = self.env.cr
        records = self.sudo() if field.compute_sudo else self
        captured: dict[int, Any] = {}
        slots = {(self._name, field.name, i): captured for i in self._ids}
        for slot in slots:
            cr.computing[slot] = captured
        try:
            if field.related:
                records._compute_related(field, captured)
            else:
                method = getattr(records, field.compute) if isinstance(field.compute, str) else None
                if method is not None:
                    method()
                else:
                    field.compute(records)
        finally:
            for slot in slots:
                cr.computing.pop(slot, None)
        for id_ in self._ids:
            captured.setdefault(id_, _empty(self, field))
        return captured

    def _compute_related(self, field: F.Field, captured: dict[int, Any]) -> None:
        *path, last = field.related.split(".")
        targets: dict[int, Any] = {record._ids[0]: record for record in self}
        for step in path:
            stepped = {id_: target[step][:1] if target else target for id_, target in targets.items()}
            # The records reached share one prefetch set: reading the first fetches them all.
            prefetch = tuple(dict.fromkeys(i for target in stepped.values() for i in target._ids))
            targets = {id_: type(t)(t.env, t._ids, prefetch) for id_, t in stepped.items()}
        for id_, target in targets.items():
            captured[id_] = target[last] if target else _empty(self, field)

    def _compute_display_name(self) -> None:
        rec_name = self._rec_name
        for record in self:
            value = record[rec_name] if rec_name else False
            record.display_name = value or f"{record._name},{record._ids[0]}"

    # -- stored computed fields ----------------------------------------------------------

    def _recompute(self, field_names: Iterable[str], depth: int = 0) -> None:
        """Recompute stored computed fields of self and store them without access checks."""
        records = self.sudo().with_context(active_test=False).exists()
        if not records or depth > _MAX_DEPTH:
            return
        table = self._table_obj
        conn = self.env.cr.conn
        changed: list[str] = []
        for name in field_names:
            field = self._fields[name]
            values = records._run_compute(field)
            raws = {i: field.to_column(_to_write_value(field, v), records) for i, v in values.items()}
            if binary.in_attachment(field):
                binary.write_values(records, field, raws)
                changed.append(name)
                continue
            column = field.column
            assert column is not None
            for id_, raw in raws.items():
                conn.execute(sa.update(table).where(table.c.id == id_).values({column: raw}))
            changed.append(name)
        self.env.cr.invalidate(self._name, records._ids)
        records._modified(changed, depth + 1)

    def _modified(
        self,
        field_names: Collection[str],
        depth: int = 0,
        before: dict[Any, set[int]] | None = None,
    ) -> None:
        """Recompute whatever depends on ``field_names`` of self."""
        targets = self._trigger_targets(field_names)
        if before:
            for key, ids in before.items():
                targets.setdefault(key, set()).update(ids)
        for (model, field_name), ids in targets.items():
            if ids:
                self.env[model].browse(sorted(ids))._recompute([field_name], depth)

    def _trigger_targets(self, field_names: Collection[str]) -> dict[tuple[str, str], set[int]]:
        """``(model, field) -> ids`` to recompute when ``field_names`` of self change."""
        found: dict[tuple[str, str], set[int]] = {}
        if not self._ids:
            return found
        triggers = self.env.registry.triggers
        env = self.env(su=True, context={"active_test": False})
        for name in field_names:
            for trigger in triggers.get((self._name, name), ()):
                key = (trigger.target_model, trigger.target_field)
                if not trigger.path:
                    ids = set(self._ids) if trigger.target_model == self._name else set()
                else:
                    ids = set()
                    for batch in id_batches(self._ids):
                        ids.update(env[trigger.target_model]._search([(trigger.path, "in", batch)])._ids)
                found.setdefault(key, set()).update(ids)
        return found


def _empty(records: Any, field: F.Field) -> Any:
    if field.relational:
        return records.env[field.comodel_name].browse()
    return field.to_record(None, records)


def _to_write_value(field: F.Field, value: Any) -> Any:
    if field.relational and hasattr(value, "ids"):
        return value.ids[0] if value.ids else None
    return value
