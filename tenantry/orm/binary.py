"""Binary fields kept in attachments (``fields.Binary(attachment=True)``, Odoo 17's default).

Such a field has no column: its value for a record is the ``ir.attachment`` with
``res_model``, ``res_field`` (the field's name) and ``res_id``, whose content is in the
filestore. The record's own access (ACL, rules, the field's groups) is what guards it,
checked by the caller; the attachments themselves are read and written as the
superuser, as Odoo does. Values are not prefetched (Odoo's ``prefetch=False`` for
binaries): reading one record's image never loads its neighbours'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import UserError
from tenantry.orm import fields as F
from tenantry.orm.image import human_size

__all__ = ["delete_values", "in_attachment", "read_values", "record_value", "write_values"]

_ATTACHMENT = "ir.attachment"


def in_attachment(field: F.Field) -> bool:
    return isinstance(field, F.Binary) and field.in_attachment


def _attachments(records: Any, field: F.Field) -> Any:
    if _ATTACHMENT not in records.env.registry:
        raise UserError(f"{records._name}.{field.name} is kept in attachments: install the base addon")
    return records.env[_ATTACHMENT].sudo()


def record_value(record: Any, field: F.Field) -> Any:
    """``record.field`` (one readable record): the raw bytes, or ``False``."""
    id_ = record._ids[0]
    sizes = F.bin_size(record.env.context, field.name)
    key = ("binary", record._name, field.name, id_, sizes)
    computed = record.env.cr.computed
    if key not in computed:
        values = _attachments(record, field)._field_contents(record._name, field.name, [id_], sizes)
        value = values.get(id_)
        computed[key] = (human_size(value) if sizes else value) or False
    return computed[key]


def read_values(records: Any, field: F.Field, ids: Sequence[int]) -> dict[int, Any]:
    """What ``read`` returns for ``ids``: base64 text, a size with ``bin_size``, or ``False``."""
    if not ids:
        return {}
    sizes = F.bin_size(records.env.context, field.name)
    values = _attachments(records, field)._field_contents(records._name, field.name, list(ids), sizes)
    if sizes:
        return {id_: human_size(size) for id_, size in values.items()}
    assert isinstance(field, F.Binary)
    return {id_: field.to_read(value or None, None, "_classic_read") for id_, value in values.items()}


def write_values(records: Any, field: F.Field, values: Mapping[int, bytes | None]) -> None:
    """Store column-form values (bytes, or ``None`` to clear) of ``field`` for these ids."""
    _attachments(records, field)._set_field_contents(records._name, field.name, values)


def delete_values(model: Any, ids: Sequence[int]) -> None:
    """Remove the attachments of deleted records of ``model`` (binary values and others)."""
    if _ATTACHMENT in model.env.registry and model._name != _ATTACHMENT and ids:
        model.env[_ATTACHMENT].sudo()._unlink_for(model._name, list(ids))
