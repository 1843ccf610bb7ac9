"""The evaluator's view of stored records: values by model, ids and field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment


class RecordReader:
    """Reads values through the ORM in superuser mode, archived records included.

    It implements :class:`tenantry.domain.schema.Reader` for ``filtered_domain``:
    the domain, not the record rules, decides which records match. Stored values
    are given as stored (``None`` when empty), x2many values as the stored relation.
    """

    def __init__(self, env: Environment) -> None:
        self._env = env(su=True, context={**env.context, "active_test": False})

    def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
        records = self._env[model].browse(ids).exists()
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
