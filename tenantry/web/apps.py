"""The home page's apps and the top bar's app menu.

``/odoo`` lists the root menus the user sees (:func:`tenantry.views.visible_menus`),
each opening its first action. Every page of an app shows that app's sub-menus in the
top bar: a page passes ``app=current_app(page.env, ...)`` to its template and the
layout renders ``_appmenu.html``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.responses import Response

from tenantry.security.data import transaction_version
from tenantry.views import MenuNode, visible_menus
from tenantry.views.resolve import views_version
from tenantry.web.frame import Page, web_page

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

__all__ = ["App", "action_url", "cache_key", "current_app", "home", "menu_url"]

ACT_WINDOW = "ir.actions.act_window"


@dataclass(frozen=True)
class App:
    """A root menu as the top bar shows it, and the URL of its first action."""

    menu: MenuNode
    url: str

    @property
    def name(self) -> str:
        return self.menu.name

    @property
    def children(self) -> tuple[MenuNode, ...]:
        return self.menu.children

    @staticmethod
    def url_of(menu: MenuNode) -> str | None:
        return menu_url(menu)


def action_url(menu: MenuNode) -> str | None:
    """``/odoo/action-<xml_id>`` (or ``action-<id>``) of a menu's window action; the
    path of a URL action (a page of this site, such as the rule lint)."""
    if menu.url is not None:
        return menu.url
    if menu.action_model != ACT_WINDOW or menu.action_id is None:
        return None
    return f"/odoo/action-{menu.action_xml_id or menu.action_id}"


def menu_url(menu: MenuNode) -> str | None:
    """The URL a menu opens: its own action, else its first descendant's."""
    for node in _walk(menu):
        url = action_url(node)
        if url:
            return url
    return None


def _walk(menu: MenuNode) -> Iterator[MenuNode]:
    yield menu
    for child in menu.children:
        yield from _walk(child)


def apps(env: Environment) -> list[App]:
    """The user's apps: root menus opening an action (theirs or a descendant's)."""
    key = cache_key(env)
    if key is not None:
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is not None:
                _CACHE.move_to_end(key)
                return cached
    found: list[App] = []
    for menu in visible_menus(env):
        url = menu_url(menu)
        if url:
            found.append(App(menu, url))
    if key is not None:
        with _LOCK:
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return found


# Every page of an app needs the user's menus: they are kept per user, security version
# (groups, ACLs and rules), views version (menus, actions and views: every change of
# one bumps it, see tenantry.views.resolve.bump_version), language and companies.
_CACHE: OrderedDict[Hashable, list[App]] = OrderedDict()
_CACHE_SIZE = 512
_LOCK = threading.Lock()


def cache_key(env: Environment) -> Hashable | None:
    """None when the menus may not be cached: superuser, or no security version.

    No query: both versions were read when the transaction began (``Instance.env``).
    """
    if env.su or "ir.ui.menu" not in env.registry:
        return None
    version = transaction_version(env.cr)
    if version is None:
        return None
    companies = tuple(env.context.get("allowed_company_ids") or ())
    return (
        env.cr.dbname,
        env.registry.key,
        version,
        views_version(env),
        env.uid,
        env.context.get("lang"),
        companies,
    )


def current_app(env: Environment, *, action_id: int | None = None, model: str | None = None) -> App | None:
    """The app holding the menu of window action ``action_id``, else the first app
    with a menu opening an action on ``model``."""
    found = apps(env)
    if action_id is not None:
        for app in found:
            if any(n.action_model == ACT_WINDOW and n.action_id == action_id for n in _walk(app.menu)):
                return app
    if model is None:
        return None
    ids = {n.action_id for app in found for n in _walk(app.menu) if n.action_model == ACT_WINDOW}
    ids.discard(None)
    if not ids:
        return None
    rows = env(su=True)[ACT_WINDOW].browse(sorted(i for i in ids if i is not None)).read(["res_model"])
    on_model = {r["id"] for r in rows if r["res_model"] == model}
    for app in found:
        if any(n.action_id in on_model for n in _walk(app.menu) if n.action_model == ACT_WINDOW):
            return app
    return None


@web_page
def home(page: Page) -> Response:
    """``/odoo``: the apps the user may open."""
    return page.render("home.html", {"apps": apps(page.env), "app": None})
