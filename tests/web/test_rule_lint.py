"""The rule lint page: ``tenantry security lint``'s findings for Settings users only,
reachable from a Settings menu (a URL action)."""

from __future__ import annotations

import httpx

from tenantry.instance import Instance
from tenantry.views import visible_menus
from tenantry.web import ServerConfig
from tenantry.web.apps import menu_url
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in

URL = "/odoo/settings/rule-lint"


def _walk(nodes: list) -> list:  # type: ignore[type-arg]
    found = []
    for node in nodes:
        found.append(node)
        found.extend(_walk(list(node.children)))
    return found


def test_administrators_see_the_findings_and_others_a_403(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        make_user(env, "boss", groups=["base.group_system"], password="boss-pass")
        make_user(env, "clerk", groups=["base.group_user"], password="clerk-pass")
        # A rule that matches nothing: the lint's "never_matches".
        env["ir.rule"].create(
            {
                "name": "Nobody's partners",
                "model_id": env["ir.model"]._get_id("res.partner"),
                "domain_force": "[('id', '=', False), ('id', '!=', False)]",
                "groups": [(6, 0, [env.ref("base.group_user").id])],
            }
        )
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as boss:
        assert log_in(boss, fresh_db, "boss", "boss-pass").status_code == 303
        page = boss.get(URL)
        assert page.status_code == 200
        assert 'data-kind="never_matches"' in page.text and "Nobody&#39;s partners" in page.text
    with httpx.Client(base_url=live.url) as clerk:
        assert log_in(clerk, fresh_db, "clerk", "clerk-pass").status_code == 303
        refused = clerk.get(URL)
        assert refused.status_code == 403 and 'role="alert"' in refused.text
        assert "Nobody" not in refused.text
    with httpx.Client(base_url=live.url) as anonymous:
        assert anonymous.get(URL).status_code == 303  # to the login page


def test_the_menu_opens_the_page_for_administrators_only(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        boss = make_user(env, "boss", groups=["base.group_system"])
        clerk = make_user(env, "clerk", groups=["base.group_user"])
        for user, expected in ((boss, [URL]), (clerk, [])):
            menus = _walk(visible_menus(env(user=user.id, su=False)))
            urls = [menu_url(m) for m in menus if m.xml_id == "base.menu_rule_lint"]
            assert urls == expected
