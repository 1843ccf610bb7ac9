"""``ir.sequence``: numbered references (``S00001``), as Odoo's.

A number is taken by one ``UPDATE ... SET number_next = number_next +
number_increment`` before it is read back, in the caller's transaction: on
PostgreSQL the UPDATE holds the row lock until the transaction ends, on SQLite
it holds the database's write lock, so two transactions never get the same
number (the second waits for the first to end, then reads its result). As
Odoo's ``no_gap`` sequences, a rolled-back transaction gives its number back
(``implementation`` is kept for Odoo's data files; both kinds work this way).

``prefix`` and ``suffix`` may name dates as Odoo's do: ``S%(year)s/`` gives
``S2026/``. The date is ``sequence_date`` (or today), in the user's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, fields, models

_DATE_KEYS = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "y": "%y",
    "doy": "%j",
    "woy": "%W",
    "weekday": "%w",
    "h24": "%H",
    "h12": "%I",
    "min": "%M",
    "sec": "%S",
}


class IrSequence(models.Model):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "name, id"

    name = fields.Char(required=True)
    code = fields.Char("Sequence Code", index=True)
    implementation = fields.Selection(
        [("standard", "Standard"), ("no_gap", "No gap")], default="no_gap", required=True
    )
    active = fields.Boolean(default=True)
    prefix = fields.Char(help="Prefix value of the record for the sequence")
    suffix = fields.Char(help="Suffix value of the record for the sequence")
    number_next = fields.Integer("Next Number", required=True, default=1)
    number_increment = fields.Integer("Step", required=True, default=1)
    padding = fields.Integer("Sequence Size", required=True, default=0)
    company_id = fields.Many2one("res.company", "Company", index=True)

    @api.constrains("number_increment", "padding")
    def _check_numbers(self) -> None:
        for seq in self:
            if seq.number_increment == 0:
                raise ValidationError("The step of a sequence cannot be zero.")
            if not 0 <= seq.padding <= 32:
                raise ValidationError("A sequence's size must be between 0 and 32.")

    @api.model
    def next_by_code(self, sequence_code: str, sequence_date: Any = None) -> str | bool:
        """The next reference of the sequence ``sequence_code`` for the current company.

        A sequence of the company comes before one of no company; none: ``False``.
        """
        if not isinstance(sequence_code, str):
            raise ValidationError("A sequence code must be a string.")
        self.check_access_rights("read")
        company = self.env.company.id or False
        domain = [("code", "=", sequence_code), ("company_id", "in", [company, False])]
        found = self.search(domain, order="id")
        if not found:
            return False
        preferred = found.filtered(lambda s: s.company_id.id == company) or found
        return str(preferred[0]._next(sequence_date))

    def next_by_id(self, sequence_date: Any = None) -> str:
        """The next reference of this sequence."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        return self.ensure_one()._next(sequence_date)

    def _next(self, sequence_date: Any = None) -> str:
        # The caller may only read sequences: taking a number writes the counter
        # directly, the one narrow step done past the ACL (as Odoo's raw SQL).
        number = self._take_number()
        when = self._when(sequence_date)
        prefix, suffix = self._interpolate(self.prefix, when), self._interpolate(self.suffix, when)
        return f"{prefix}{number:0{self.padding}d}{suffix}"

    def _take_number(self) -> int:
        table = self._table_obj
        conn = self.env.cr.conn
        step = table.c.number_increment
        this = table.c.id == self.id
        conn.execute(sa.update(table).where(this).values(number_next=table.c.number_next + step))
        number = conn.execute(sa.select(table.c.number_next - step).where(this)).scalar_one()
        self.env.cr.invalidate(self._name, [self.id])
        return int(number)

    def _when(self, sequence_date: Any) -> dt.datetime:
        if isinstance(sequence_date, dt.datetime):
            return sequence_date
        if isinstance(sequence_date, dt.date):
            return dt.datetime.combine(sequence_date, dt.time())
        if isinstance(sequence_date, str) and sequence_date:
            try:
                return dt.datetime.fromisoformat(sequence_date)
            except ValueError as exc:
                raise ValidationError(f"Invalid sequence date: {sequence_date!r}") from exc
        try:
            tz = ZoneInfo(str(self.env.context.get("tz") or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo("UTC")
        return dt.datetime.now(tz).replace(tzinfo=None)

    def _interpolate(self, text: str | bool, when: dt.datetime) -> str:
        if not text:
            return ""
        values = {key: when.strftime(fmt) for key, fmt in _DATE_KEYS.items()}
        try:
            return str(text) % values
        except (KeyError, ValueError, TypeError) as exc:
            raise UserError(f"Invalid prefix or suffix for sequence {self.name!r}") from exc
