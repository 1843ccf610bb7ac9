"""Hierarchies: no record may be its own ancestor.

A model whose ``_parent_name`` field is a many2one to itself (``res.partner``,
``res.company``, categories, menus...) is checked after every ``create`` and
``write`` that sets that field: a cycle is a ``ValidationError`` carrying the
model's ``_recursion_message``, whoever writes (superuser included), since
``child_of``/``parent_of``, complete names and commercial entities all walk up.

The walk is one recursive query per batch of written ids, as Odoo's
``_has_cycle``: pairs ``(source, destination)`` where ``destination`` is reached
from ``source`` by following the relation; a pair with ``source = destination``
is a cycle. ``UNION`` drops pairs already found, so the walk ends on any data,
cycles already stored included, after at most one step per record reached.
Only the written ids are sources: a new cycle always passes through an edge that
was just written. Many2many self-relations (``res.groups.implied_ids``) use the
same query through :meth:`HierarchyMixin._has_cycle`, called by the models that
want them acyclic.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

import sqlalchemy as sa

from tenantry.domain.sql import among
from tenantry.exceptions import ValidationError
from tenantry.orm import fields as F
from tenantry.orm.recordset import Recordset

_BATCH = 1000

DEFAULT_RECURSION_MESSAGE = "Recursion Detected."


class HierarchyMixin(Recordset):
    """``_has_cycle`` and the automatic check of ``_parent_name`` hierarchies."""

    __slots__ = ()

    _recursion_message: ClassVar[str] = DEFAULT_RECURSION_MESSAGE
    """The ``ValidationError`` text when a write would make a record its own ancestor."""

    def _has_cycle(self, field_name: str | None = None) -> bool:
        """Whether following ``field_name`` (default ``_parent_name``) from these records
        comes back to one of them. Ignores archiving and record rules, as Odoo does."""
        field = self._self_relation(field_name or self._parent_name)
        if not self._ids:
            return False
        if isinstance(field, F.Many2many):
            table = self.env.registry.metadata.tables[field.relation]
            source, target = table.c[field.column1], table.c[field.column2]
        else:
            table = self._table_obj
            source, target = table.c.id, table.c[field.sql_column]
        ids = list(dict.fromkeys(self._ids))
        conn = self.env.cr.conn
        return any(
            conn.execute(_cycle_query(table, source, target, ids[start : start + _BATCH])).first()
            for start in range(0, len(ids), _BATCH)
        )

    def _check_recursion(self, parent: str | None = None) -> bool:
        """Odoo 17's spelling: True when there is *no* cycle through ``parent``."""
        return not self._has_cycle(parent)

    def _check_m2m_recursion(self, field_name: str) -> bool:
        """Odoo 17's spelling for many2many: True when there is *no* cycle."""
        return not self._has_cycle(field_name)

    def _check_hierarchy(self, names: Collection[str]) -> None:
        """Refuse the write of ``names`` if it made a record its own ancestor."""
        parent = self._parent_name
        if parent not in names or not self._is_self_hierarchy(parent):
            return
        if self._has_cycle(parent):
            raise ValidationError(self._recursion_message)

    def _is_self_hierarchy(self, name: str) -> bool:
        field = self._fields.get(name)
        return (
            isinstance(field, F.Many2one)
            and field.comodel_name == self._name
            and field.column is not None
            and not field.company_dependent
        )

    def _self_relation(self, name: str) -> F.Field:
        field = self._fields.get(name)
        if field is None:
            raise ValueError(f"Invalid field_name: {name!r}")
        if isinstance(field, F.Many2many) and field.comodel_name == self._name:
            return field
        if not self._is_self_hierarchy(name):
            raise ValueError(f"Field must be a many2one or many2many relation on itself: {name!r}")
        return field


def _cycle_query(
    table: sa.Table, source: sa.Column[int], target: sa.Column[int], ids: Sequence[int]
) -> sa.Select[tuple[int]]:
    """``SELECT`` one written id that reaches itself along ``source -> target``, if any."""
    start = table.alias("start")
    reach = (
        sa.select(start.c[source.name].label("source"), start.c[target.name].label("destination"))
        .where(among(start.c[source.name], ids), start.c[target.name].is_not(None))
        .cte("reach", recursive=True)
    )
    step = table.alias("step")
    reach = reach.union(
        sa.select(reach.c.source, step.c[target.name])
        .join(step, step.c[source.name] == reach.c.destination)
        .where(step.c[target.name].is_not(None))
    )
    return sa.select(reach.c.source).where(reach.c.source == reach.c.destination).limit(1)


__all__ = ["DEFAULT_RECURSION_MESSAGE", "HierarchyMixin"]
