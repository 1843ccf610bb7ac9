"""Reports: the Jinja2 HTML templates addons ship for ``ir.actions.report``, rendered to HTML or PDF.

An addon ships a report as an ``ir.actions.report`` record in its data and a template
``reports/<name>.html``, where ``<name>`` is the report's ``report_name`` after its first
dot (``sale.report_saleorder`` is ``reports/report_saleorder.html``). Templates are
rendered in the caller's environment, so ACLs, record rules and field groups apply.
"""

from __future__ import annotations

from tenantry.reports.menu import Printable, printable_reports
from tenantry.reports.pdf import html_to_pdf
from tenantry.reports.render import find_template, render_html

__all__ = ["Printable", "find_template", "html_to_pdf", "printable_reports", "render_html"]
