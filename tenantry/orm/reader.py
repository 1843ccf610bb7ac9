"""The evaluator's view of stored records: values by model, ids and field."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment


class RecordReader:
    """Reads values through the ORM as the environment's user, archived records included.

    It implements :class:`tenantry.domain.schema.Reader` for ``filtered_domain``.
    Stored values are given as stored (``None`` when empty), x2many values as the
    related ids the user's reads see.

    In superuser mode nothing is checked, and ids that do not exist are skipped:
    the domain alone decides (the test oracle relies on it). Otherwise values are
    read as by ``record.field``, as Odoo's ``filtered_domain`` does: the model's read
    access, then the read record rules, on the records asked about, on every model a
    path reaches. A record the rules keep out is an ``AccessError``, one that does
    not exist a ``MissingError``; x2many values hold only the related records the
    comodel's rules let the user see.
    """

    def __init__(self, env: Environment) -> None:
        self._env = env(context={**env.context, "active_test": False})

    def named_ids(self, model: str, names: Sequence[str]) -> Collection[int]:
        """Records named like ``names`` (``parent_of`` seeds), found as the compiled SQL
        finds them: by a search in superuser mode, archived records included."""
        records = self._env[model].sudo()
        terms: list[Any] = [(records._schema.rec_name, "ilike", name) for name in names]
        return records.search(["|"] * (len(terms) - 1) + terms).ids

    def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
        records = self._env[model].browse(ids)
        if self._env.su:
            records = records.exists()
        else:
            # Every record asked about must be readable, whatever the field's kind.
            records._fetch(records._prefetch_columns(()))
        field = records._fields[field_name]
        if field.type.is_x2many:
            related = records._x2many_ids(field, records._ids)
            return {id_: tuple(related[id_]) for id_ in records._ids}
        result: dict[int, Any] = {}
        for record in records:
            if field.column is not None:
                result[record._ids[0]] = record._raw_value(field)
            else:
                value = record._get_value(field)
                result[record._ids[0]] = (
                    value.id or None if field.relational else (value if value is not False else None)
                )
        return result
