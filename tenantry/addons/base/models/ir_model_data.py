from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tenantry.exceptions import AccessError, MissingError, ValidationError
from tenantry.orm import api, fields, models


class IrModelData(models.Model):
    """External ids: ``module.name`` -> (model, res_id)."""

    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _log_access = True

    name = fields.Char("External Identifier", required=True)
    module = fields.Char(required=True)
    model = fields.Char("Model Name", required=True)
    res_id = fields.Integer("Record ID")
    noupdate = fields.Boolean("Non Updatable", default=False)

    _sql_constraints = [
        (
            "module_name_uniq",
            "unique (module, name)",
            "You cannot have multiple records with the same external ID!",
        ),
    ]

    def _module_ids(self, module: str) -> dict[str, tuple[str, int, bool]]:
        """Every external id of ``module``, read once per transaction (data files ask a lot)."""
        cache: dict[str, dict[str, tuple[str, int, bool]]] = self.env.cr.data.setdefault("xmlids", {})
        known = cache.get(module)
        if known is None:
            table = self._table_obj
            rows = self.env.cr.conn.execute(
                sa.select(table.c.name, table.c.model, table.c.res_id, table.c.noupdate).where(
                    table.c.module == module
                )
            )
            known = {name: (model, res_id, bool(noupdate)) for name, model, res_id, noupdate in rows}
            cache[module] = known
        return known

    def _lookup(self, module: str, name: str, with_noupdate: bool = False) -> Any:
        """``(model, res_id)`` (plus ``noupdate`` if asked) of ``module.name``, or None."""
        found = self._module_ids(module).get(name)
        if found is None:
            return None
        return found if with_noupdate else found[:2]

    def _remember(self, module: str, name: str, model: str, res_id: int, noupdate: bool) -> None:
        """Record an external id (a plain insert: the loaders call this for every record)."""
        known = self._module_ids(module)
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.cr.conn.execute(
            sa.insert(self._table_obj).values(
                module=module, name=name, model=model, res_id=res_id, noupdate=noupdate,
                create_uid=uid, create_date=now, write_uid=uid, write_date=now,
            )
        )  # fmt: skip
        known[name] = (model, res_id, noupdate)

    def _forget(self, module: str, name: str) -> None:
        table = self._table_obj
        self.env.cr.conn.execute(sa.delete(table).where(table.c.module == module, table.c.name == name))
        self._module_ids(module).pop(name, None)

    @api.model
    def check_object_reference(
        self, module: str, xml_id: str, raise_on_access_error: bool = False
    ) -> list[Any]:
        """``[model, res_id]`` of ``module.xml_id`` (what odoorpc's ``env.ref`` calls).

        As in Odoo, the id is given only if the user can find the record with a search
        (read access, record rules, archived records excluded): ``[model, False]``
        otherwise, or ``AccessError`` with ``raise_on_access_error``. A model the user
        may not read at all is an ``AccessError`` either way, as that search raises.
        """
        if not isinstance(module, str) or not isinstance(xml_id, str):
            raise ValidationError(f"Invalid external id {module!r}.{xml_id!r}: text is expected")
        found = self._lookup(module, xml_id)
        if found is None:
            raise MissingError(f"External ID not found in the system: {module}.{xml_id}")
        model, res_id = found
        if self.env[model].search([("id", "=", res_id)]):
            return [model, res_id]
        if raise_on_access_error:
            raise AccessError(f"Not enough access rights on the external ID {module + '.' + xml_id!r}")
        return [model, False]

    @api.model
    def _xmlid_to_res_id(self, xml_id: str, raise_if_not_found: bool = False) -> int | bool:
        record = self.env.ref(xml_id, raise_if_not_found=raise_if_not_found)
        return record.id if record else False
