"""Layering: the views layer is pure code over the registry (no HTTP, RPC or addons), and
its public surface is pinned."""

from __future__ import annotations

import json
import subprocess
import sys

import tenantry.views

FORBIDDEN = ("tenantry.web", "tenantry.rpc", "tenantry.addons", "tenantry.cli", "starlette", "jinja2")


def test_import_tenantry_views_pulls_in_no_http_rpc_or_addon_layer() -> None:
    code = "import json, sys, tenantry.views; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []
    assert "tenantry.views.inherit" in loaded


def test_public_names() -> None:
    assert sorted(tenantry.views.__all__) == [
        "MenuNode", "VIEW_TYPES", "View", "WindowAction", "get_view", "parse_arch", "view_type",
        "visible_menus", "window_action",
    ]  # fmt: skip
    for name in tenantry.views.__all__:
        assert hasattr(tenantry.views, name)
