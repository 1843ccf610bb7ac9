"""The Print menu of a model: the reports bound to it that the user may print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tenantry.security.data import transaction_version
from tenantry.views.resolve import resolved_views

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

__all__ = ["Printable", "printable_reports"]


@dataclass(frozen=True)
class Printable:
    """One entry of the Print menu; its URLs are ``/report/<pdf|html>/<report_name>/<ids>``."""

    id: int
    name: str
    report_name: str
    report_type: str
    multi: bool
    """Offered on lists only (not on a single record's form), as Odoo's ``multi``."""

    @property
    def base_url(self) -> str:
        """``/report/<pdf|html>/<report_name>`` by its ``report_type``: a list's selection
        form posts its checked ``ids`` there."""
        kind = "pdf" if self.report_type == "qweb-pdf" else "html"
        return f"/report/{kind}/{self.report_name}"

    def url(self, ids: list[int]) -> str:
        """Where the report of ``ids`` is."""
        return f"{self.base_url}/{','.join(str(i) for i in ids)}"


def printable_reports(env: Environment, model: str, *, form: bool = False) -> list[Printable]:
    """The reports bound to ``model`` (``binding_model_id``) that ``env``'s user may print
    (no groups, or one of the user's), as the user reads them; with ``form``, not those
    marked ``multi`` (lists only).

    The pages show them with the macro of ``_print_menu.html``::

        {% from "_print_menu.html" import print_menu %}
        {{ print_menu(reports, [record.id]) }}

    Kept with the database's resolved views (reports are actions: changing one bumps the
    views version), per user, security version, language and companies.
    """
    version = transaction_version(env.cr)
    if version is None:
        return _printable(env, model, form)
    companies = tuple(env.context.get("allowed_company_ids") or ())
    key = ("reports", model, form, env.uid, env.su, version, env.context.get("lang"), companies)
    cache = resolved_views(env).extra
    found: tuple[Printable, ...] | None = cache.get(key)
    if found is None:
        found = tuple(_printable(env, model, form))
        if len(cache) < _CACHE_LIMIT:  # many users: the rest is computed per request
            cache[key] = found
    return list(found)


_CACHE_LIMIT = 20_000


def _printable(env: Environment, model: str, form: bool) -> list[Printable]:
    reports = env["ir.actions.report"].search([("binding_model_id.model", "=", model)])
    mine = set(env.user.groups_id.ids)
    return [
        Printable(r.id, r.name or "", r.report_name or "", r.report_type or "qweb-pdf", bool(r.multi))
        for r in reports
        if (env.su or not r.groups_id or mine & set(r.groups_id.ids)) and not (form and r.multi)
    ]
