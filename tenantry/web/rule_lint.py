"""``/odoo/settings/rule-lint``: ``tenantry security lint``'s findings, for administrators.

Beyond Odoo: the rule sets that do not do what they look like they do (a group rule
re-opening what a narrower one closed, rules that match nothing or cannot be evaluated,
models without access rights, inactive rules), shown to Settings users
(``base.group_system``) as the CLI prints them. Anyone else gets a 403 page. The menu
is Settings > Rule Lint (a URL action of base).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from tenantry.security.lint import FindingKind, lint
from tenantry.web.frame import Page, web_page

__all__ = ["URL", "routes"]

URL = "/odoo/settings/rule-lint"

_KINDS = {
    FindingKind.REOPENED: "A group rule re-opens what another closed",
    FindingKind.INVALID_DOMAIN: "A rule's domain cannot be evaluated",
    FindingKind.NEVER_MATCHES: "A rule matches no record",
    FindingKind.NO_ACL: "A model without access rights",
    FindingKind.INACTIVE: "An inactive rule",
}


@web_page
def rule_lint(page: Page) -> Response:
    """The findings, most serious first (lint reads the rules in superuser mode, which is
    why only Settings users may see them)."""
    if not page.env.user.has_group("base.group_system"):
        return page.error(403, "Only administrators (Settings) may see the rule lint.")
    findings = lint(page.env)
    return page.render("rule_lint.html", {"findings": findings, "kinds": _KINDS})


routes = [Route(URL, rule_lint, methods=["GET"])]
