"""The views layer of the web client: views, window actions and menus, as data.

Pure code over the registry and the database's ``ir.ui.view``, ``ir.actions.act_window``
and ``ir.ui.menu`` records, no HTTP::

    view = get_view(env, "sale.order", "form")        # arch: an ElementTree Element
    action = window_action(env, "sale.action_orders")  # domain and context evaluated
    menus = visible_menus(env)                         # the tree the user may see

Everything is computed for ``env``'s user: fields and elements restricted by
``groups`` are absent from archs, menus and actions the user may not open are not
listed (``window_action`` raises :class:`~tenantry.exceptions.AccessError`).
"""

from __future__ import annotations

from tenantry.views.actions import WindowAction, window_action
from tenantry.views.arch import VIEW_TYPES, parse_arch, view_type
from tenantry.views.menus import MenuNode, visible_menus
from tenantry.views.resolve import View, get_view

__all__ = [
    "VIEW_TYPES",
    "MenuNode",
    "View",
    "WindowAction",
    "get_view",
    "parse_arch",
    "view_type",
    "visible_menus",
    "window_action",
]
