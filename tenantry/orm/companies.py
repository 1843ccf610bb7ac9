"""Multi-company consistency: ``check_company=True`` fields on ``_check_company_auto`` models.

A record may only link records of its own company, or records without a company.
A record without a company may only link records without a company (Odoo's strict
check). For company-dependent fields the reference company is ``env.company``.
"""

from __future__ import annotations

from collections.abc import Collection

from tenantry.exceptions import UserError
from tenantry.orm.compute import ComputeMixin


class CompanyMixin(ComputeMixin):
    """The company-consistency check run after create and write."""

    __slots__ = ()

    def _check_company(self, names: Collection[str] | None = None) -> None:
        """Refuse links to records of another company (``check_company=True`` fields)."""
        fields = [
            f for f in self._fields.values()
            if f.relational and f.check_company and (names is None or f.name in names)
        ]  # fmt: skip
        if not fields:
            return
        problems: list[str] = []
        for record in self.sudo():
            if self._name == "res.company":
                companies = record
            elif "company_id" in self._fields:
                companies = record.company_id
            elif "company_ids" in self._fields:
                companies = record.company_ids
            else:
                continue
            for field in fields:
                reference = self.env(su=True).company if field.company_dependent else companies
                linked = record[field.name].sudo()
                for co in linked:
                    if "company_id" not in co._fields or co._name == "res.company":
                        continue
                    co_company = co.company_id
                    if co_company and co_company not in reference:
                        owners = ", ".join(reference.mapped("name"))
                        problems.append(
                            f"- “{record.display_name}” belongs to company “{owners}” and “{field.string}”"
                            f" ({field.name}: “{co.display_name}”) belongs to another company."
                        )
        if problems:
            raise UserError("Incompatible companies on records:\n" + "\n".join(problems[:5]))
