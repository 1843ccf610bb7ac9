"""``ir.actions.report``: the printable reports of a model (what ``odoorpc.report.list()`` lists).

A report is data: its name, the model it prints, the template (``report_name``)
and how it is rendered. Its template is Jinja2 HTML shipped by an addon (see
``tenantry.reports``), rendered here as the caller (``_render_qweb_html``,
``_render_qweb_pdf`` and ``_render``, Odoo 17's names), so that a record the caller
may not read is an ``AccessError``, never a partial document.
"""

from __future__ import annotations

from typing import Any

from tenantry.domain.safe_eval import TIME, safe_eval
from tenantry.exceptions import AccessError, MissingError, UserError, ValidationError
from tenantry.orm import api, fields

from .ir_actions import BASE, BINDING_TYPES, ActionKind


class IrActionsReport(ActionKind):
    _name = "ir.actions.report"
    _inherit = BASE
    _description = "Report Action"
    _table = "ir_act_report_xml"
    _order = "name, id"

    type = fields.Char(default="ir.actions.report")
    binding_type = fields.Selection(BINDING_TYPES, required=True, default="report")
    model = fields.Char("Model Name", required=True, help="The model whose records the report prints.")
    model_id = fields.Many2one("ir.model", "Model", compute="_compute_model_id")
    report_type = fields.Selection(
        [("qweb-html", "HTML"), ("qweb-pdf", "PDF"), ("qweb-text", "Text")],
        required=True,
        default="qweb-pdf",
        help="HTML opens the report in the browser, PDF and text download it.",
    )
    report_name = fields.Char("Template Name", required=True, help="The template that renders the report.")
    report_file = fields.Char(help="The path of the template's source, for information.")
    groups_id = fields.Many2many("res.groups", "res_groups_report_rel", "uid", "gid", "Groups")
    multi = fields.Boolean("On Multiple Doc.", help="Not offered on a single record's form view.")
    print_report_name = fields.Char(
        "Printed Report Name",
        help="A Python expression of 'object' and 'time' naming the printed file.",
    )
    attachment_use = fields.Boolean(
        "Reload from Attachment", help="Print once, then give the saved attachment again."
    )
    attachment = fields.Char(
        "Save as Attachment Prefix",
        help="A Python expression of 'object' and 'time' naming the attachment the report is saved as.",
    )

    def _compute_model_id(self) -> None:
        models = self.env["ir.model"].sudo()
        for report in self:
            report.model_id = models.search([("model", "=", report.model)], limit=1)

    @api.constrains("model")
    def _check_model(self) -> None:
        for report in self:
            if report.model not in self.env.registry.models:
                raise ValidationError(f"Invalid model name {report.model!r} in report definition.")

    @api.model
    def _get_report(self, report_ref: Any) -> Any:
        """The report named ``report_ref``: a report, its id, xml id or ``report_name``."""
        if getattr(report_ref, "_name", None) == self._name:
            return report_ref
        if isinstance(report_ref, int) and not isinstance(report_ref, bool):
            return self.browse(report_ref).exists() or self._missing(report_ref)
        if not isinstance(report_ref, str) or not report_ref:
            return self._missing(report_ref)
        found: Any = self.search([("report_name", "=", report_ref)], limit=1)
        if not found and "." in report_ref:
            record = self.env.ref(report_ref, raise_if_not_found=False)
            found = record if record is not None and record._name == self._name else found
        return found or self._missing(report_ref)

    def _missing(self, report_ref: Any) -> Any:
        raise UserError(f"Report {report_ref!r} not found")

    def report_action(self, docids: Any, data: Any = None, config: bool = True) -> dict[str, Any]:
        """The action printing this report on ``docids`` (the web client renders it)."""
        self.ensure_one()
        ids = [docids] if isinstance(docids, int) else list(getattr(docids, "ids", docids) or [])
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ValidationError(f"Invalid record ids: {docids!r}")
        return {
            "type": "ir.actions.report",
            "report_name": self.report_name,
            "report_type": self.report_type,
            "report_file": self.report_file or False,
            "name": self.name,
            "context": {**dict(self.env.context), "active_ids": ids},
            "data": data if isinstance(data, dict) else None,
        }

    # -- rendering (as the caller) ----------------------------------------------------------

    @api.model
    def _render_qweb_html(self, report_ref: Any, docids: Any, data: Any = None) -> tuple[bytes, str]:
        """The report's HTML for ``docids`` and its format, ``(html, "html")``."""
        report = self._get_report(report_ref)
        return report._render_template(docids, data).encode(), "html"

    @api.model
    def _render_qweb_pdf(self, report_ref: Any, res_ids: Any = None, data: Any = None) -> tuple[bytes, str]:
        """The report's PDF for ``res_ids`` and its format, ``(pdf, "pdf")``."""
        from tenantry.reports import html_to_pdf

        report = self._get_report(report_ref)
        return html_to_pdf(report._render_template(res_ids, data)), "pdf"

    @api.model
    def _render(self, report_ref: Any, res_ids: Any, data: Any = None) -> tuple[bytes, str]:
        """The report in its own format: PDF for ``qweb-pdf``, else HTML."""
        report = self._get_report(report_ref)
        if report.report_type == "qweb-pdf":
            return self._render_qweb_pdf(report, res_ids, data)
        return self._render_qweb_html(report, res_ids, data)

    def _records(self, res_ids: Any) -> Any:
        """The records to print, once the caller was checked to read all of them."""
        self.ensure_one()
        ids = [res_ids] if isinstance(res_ids, int) else list(getattr(res_ids, "ids", res_ids) or [])
        if not ids or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
            raise ValidationError(f"Invalid record ids: {res_ids!r}")
        if self.groups_id and not (self.groups_id & self.env.user.groups_id) and not self.env.su:
            raise AccessError(f"You are not allowed to print the report {self.name!r}.")
        records = self.env[self.model].browse(list(dict.fromkeys(ids)))
        records.check_access_rights("read")
        records.check_access_rule("read")
        if len(records.exists()) != len(records):
            raise MissingError("Some of the records to print do not exist or were deleted.")
        return records

    def _render_template(self, res_ids: Any, data: Any) -> str:
        from tenantry.reports import find_template, render_html

        records = self._records(res_ids)
        template = find_template(self.env, self.report_name or "")
        if template is None:
            raise UserError(f"The report {self.name!r} has no template ({self.report_name}).")
        values = {
            "docs": records,
            "doc_ids": records.ids,
            "doc_model": self.model,
            "company": self.env.company,
            "user": self.env.user,
            "report": self,
            "data": data if isinstance(data, dict) else {},
        }
        return render_html(self.env, template, values)

    def _print_name(self, res_ids: Any) -> str:
        """The printed file's name (without extension): ``print_report_name`` evaluated
        on the one record printed, else the report's name."""
        self.ensure_one()
        records = self._records(res_ids)
        if self.print_report_name and len(records) == 1:
            try:
                name = safe_eval(self.print_report_name, {"object": records, "time": TIME})
            except (UserError, ValueError, TypeError):
                name = None
            if isinstance(name, str) and name.strip():
                return name.strip()
        return self.name or "report"
