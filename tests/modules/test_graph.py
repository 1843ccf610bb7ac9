"""Manifests and dependency order: problems are found before anything changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantry.exceptions import UserError
from tenantry.modules.graph import dependents, resolve
from tenantry.modules.manifest import AddonsPath, Manifest, read_manifest


def _m(name: str, *depends: str) -> Manifest:
    return Manifest(name=name, path=Path("/nowhere") / name, depends=depends)


def test_dependencies_come_first_in_a_stable_order() -> None:
    available = {
        m.name: m for m in [_m("base"), _m("sale", "base"), _m("crm", "base"), _m("shop", "sale", "crm")]
    }
    assert [m.name for m in resolve(["shop"], available)] == ["base", "crm", "sale", "shop"]


def test_missing_dependency_is_a_user_error_naming_both() -> None:
    available = {"a": _m("a", "ghost")}
    with pytest.raises(UserError, match="'a' depends on 'ghost'"):
        resolve(["a"], available)
    with pytest.raises(UserError, match="'nope' is not available"):
        resolve(["nope"], available)


def test_cycle_is_a_user_error_showing_the_cycle() -> None:
    available = {m.name: m for m in [_m("a", "b"), _m("b", "c"), _m("c", "a")]}
    with pytest.raises(UserError, match="cycle: a -> b -> c -> a"):
        resolve(["a"], available)


def test_dependents_are_transitive() -> None:
    installed = {m.name: m for m in [_m("base"), _m("x", "base"), _m("y", "x"), _m("z")]}
    assert dependents(["base"], installed) == {"x", "y"}


def test_manifest_is_read_without_running_code(tmp_path: Path) -> None:
    addon = tmp_path / "evil"
    addon.mkdir()
    (addon / "__manifest__.py").write_text("__import__('os').system('touch pwned') or {}")
    with pytest.raises(UserError, match="Cannot read addon manifest"):
        read_manifest(addon)
    assert not (tmp_path / "pwned").exists()
    (addon / "__manifest__.py").write_text("{'name': 'Evil', 'depends': 'base'}")
    with pytest.raises(UserError, match="'depends' must be a list"):
        read_manifest(addon)


def test_builtin_addons_are_found() -> None:
    names = set(AddonsPath().manifests())
    assert {"base", "sale_demo"} <= names
    assert AddonsPath().get("sale_demo").depends == ("base", "mail")
    with pytest.raises(UserError):
        AddonsPath(["/definitely/not/here"])
