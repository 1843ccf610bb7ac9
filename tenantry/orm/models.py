"""Model base classes: what addon code subclasses.

``BaseModel`` is assembled from one mixin per concern, each in its own module:
:mod:`~tenantry.orm.recordset` (identity, sets, environments),
:mod:`~tenantry.orm.search`, :mod:`~tenantry.orm.read`, :mod:`~tenantry.orm.compute`,
:mod:`~tenantry.orm.x2many`, :mod:`~tenantry.orm.companies`, :mod:`~tenantry.orm.write`
and :mod:`~tenantry.orm.read_group`.

Example::

    class SaleOrder(models.Model):
        _name = "sale.order"
        _description = "Sales Order"
        _order = "id desc"

        name = fields.Char(required=True)
        partner_id = fields.Many2one("res.partner", check_company=True)
"""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api
from tenantry.orm.read_group import ReadGroupMixin

__all__ = ["AbstractModel", "BaseModel", "Model", "TransientModel"]


class BaseModel(ReadGroupMixin):
    """A recordset of one model; subclass :class:`Model` to declare one."""

    __slots__ = ()

    def name_get(self) -> list[tuple[int, str]]:
        """``(id, display_name)`` pairs (kept for clients of Odoo 16 and earlier)."""
        return [(record._ids[0], record.display_name) for record in self]

    @api.model
    def browse_records(self, ids: list[int]) -> list[int]:
        """The ids that exist (a convenience for RPC clients)."""
        return self.browse(ids).exists().ids

    def _safe_attribute(self, name: str) -> Any:
        """Attribute access allowed to rule and data-file expressions: fields, ids, id.

        Rule text reads records in superuser mode (``user`` is the current user as the
        superuser sees it), so the fields no one may read are refused by name: those with
        ``groups="."`` (API key hashes...) and write-only ones. The refusal never shows a value.
        """
        if name in ("id", "ids"):
            return getattr(self, name)
        field = self._fields.get(name)
        if field is None or name.startswith("_") or field.write_only or _no_one_reads(field.groups):
            raise ValidationError(f"Expression may not access {self._name}.{name}")
        return self._get_value(field)


def _no_one_reads(groups: str | None) -> bool:
    """``groups="."``: a field no user may read, whatever their groups (only superuser code)."""
    return groups is not None and groups.strip() == "."


class Model(BaseModel):
    """A model with a table."""

    __slots__ = ()


class AbstractModel(BaseModel):
    """A model without a table, to be inherited from (a mixin)."""

    __slots__ = ()
    _abstract = True


class TransientModel(BaseModel):
    """A model for wizards; its records are temporary."""

    __slots__ = ()
    _transient = True
