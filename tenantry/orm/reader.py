"""The evaluator's view of stored records: values by model, ids and field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment


class RecordReader:
    """Reads values through the ORM in superuser mode, archived records included.

    It implements :class:`tenantry.domain.schema.Reader` for ``filtered_domain``:
    the domain, not the record rules, decides which records match.
    """

    def __init__(self, env: Environment) -> None:
        self._env = env(su=True, context={**env.context, "active_test": False})

    def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
        records = self._env[model].browse(ids).exists()
        field = records._fields[field_name]
        result: dict[int, Any] = {}
        for record in records:
            value = record._get_value(field)
            if field.type.is_x2many:
                result[record._ids[0]] = tuple(value.ids)
            elif field.relational:
                result[record._ids[0]] = value.id or None
            elif value is False and field.type.value != "boolean":
                result[record._ids[0]] = None
            else:
                result[record._ids[0]] = value
        return result
