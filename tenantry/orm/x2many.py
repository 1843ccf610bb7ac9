"""Applying x2many commands (``(0, 0, vals)`` ... ``(6, 0, ids)``) to one record.

One2many commands act on the lines through their inverse many2one; many2many
commands insert and delete rows of the relation table. Unlinking a one2many line
whose inverse is required (or cascades) deletes the line, as in Odoo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from tenantry.orm import fields as F
from tenantry.orm.commands import Command
from tenantry.orm.compute import ComputeMixin
from tenantry.orm.integrity import integrity_error


class X2ManyMixin(ComputeMixin):
    """x2many command application."""

    __slots__ = ()

    def _apply_x2many(self, field: F.Field, commands: list[tuple[Any, ...]]) -> None:
        """Apply x2many commands to one record."""
        comodel = self.env[field.comodel_name]
        record_id = self._ids[0]
        if isinstance(field, F.One2many):
            inverse = field.inverse_name
            inverse_field = comodel._fields[inverse]
            drop_lines = bool(inverse_field.required) or inverse_field.ondelete == "cascade"

            def detach(lines: Any) -> None:
                if lines:
                    lines.unlink() if drop_lines else lines.write({inverse: False})

            for command in commands:
                code = command[0]
                if code == Command.CREATE:
                    comodel.create({**command[2], inverse: record_id})
                elif code == Command.UPDATE:
                    comodel.browse(command[1]).write(command[2])
                elif code == Command.DELETE:
                    comodel.browse(command[1]).unlink()
                elif code == Command.UNLINK:
                    detach(comodel.browse(command[1]))
                elif code == Command.LINK:
                    comodel.browse(command[1]).write({inverse: record_id})
                elif code == Command.CLEAR:
                    detach(self._get_value(field))
                elif code == Command.SET:
                    wanted = list(command[2] or [])
                    detach(self._get_value(field) - comodel.browse(wanted))
                    if wanted:
                        comodel.browse(wanted).write({inverse: record_id})
            return
        assert isinstance(field, F.Many2many)
        relation = self.env.registry.metadata.tables[field.relation]
        col1, col2 = relation.c[field.column1], relation.c[field.column2]
        conn = self.env.cr.conn
        changed = False

        def link(ids: Sequence[int]) -> None:
            if not ids:
                return
            present = set(
                conn.execute(sa.select(col2).where(col1 == record_id, col2.in_(list(ids)))).scalars()
            )
            new = [i for i in dict.fromkeys(ids) if i not in present]
            if new:
                try:
                    conn.execute(sa.insert(relation), [{col1.name: record_id, col2.name: i} for i in new])
                except sa.exc.IntegrityError as exc:
                    raise integrity_error(exc, self.env.registry, self._name) from None

        for command in commands:
            code = command[0]
            changed = True
            if code == Command.CREATE:
                link(comodel.create(command[2]).ids)
            elif code == Command.UPDATE:
                comodel.browse(command[1]).write(command[2])
                link([command[1]])
            elif code == Command.DELETE:
                comodel.browse(command[1]).unlink()
            elif code == Command.UNLINK:
                conn.execute(sa.delete(relation).where(col1 == record_id, col2 == command[1]))
            elif code == Command.LINK:
                link([command[1]])
            elif code == Command.CLEAR:
                conn.execute(sa.delete(relation).where(col1 == record_id))
            elif code == Command.SET:
                conn.execute(sa.delete(relation).where(col1 == record_id))
                link(list(command[2] or []))
        if changed:
            self.env.cr.invalidate(self._name, [record_id])
            self._modified([field.name])
