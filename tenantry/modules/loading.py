"""Importing addon code and building (shared) registries.

Addons are Python packages under ``tenantry.addons``; extra addons directories
are added to that package's search path, the way Odoo mounts ``odoo.addons``.
The model classes of an addon are the ``BaseModel`` subclasses defined in its
package, in the order they were defined. Nothing registers itself on import:
the loader looks for the classes.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import tenantry.addons
from tenantry.exceptions import UserError
from tenantry.modules.graph import resolve
from tenantry.modules.manifest import AddonsPath, Manifest
from tenantry.orm.models import BaseModel
from tenantry.orm.registry import AddonClasses, Registry, RegistryKey


def _mount(directory: Path) -> None:
    paths = tenantry.addons.__path__
    if str(directory) not in paths:
        paths.append(str(directory))


def _import_addon(manifest: Manifest) -> str:
    """Import the addon package from exactly ``manifest.path``; returns the package name.

    Two directories may hold an addon of the same name (the first one on the addons
    path wins); a package already imported from another directory is replaced.
    """
    _mount(manifest.path.parent)
    package = f"tenantry.addons.{manifest.name}"
    loaded = sys.modules.get(package)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").parent == manifest.path:
        return package
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        package, manifest.path / "__init__.py", submodule_search_locations=[str(manifest.path)]
    )
    if spec is None or spec.loader is None:
        raise UserError(f"Cannot import addon {manifest.name!r} from {manifest.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[package]
        raise UserError(f"Cannot import addon {manifest.name!r}: {exc}") from exc
    return package


def addon_classes(manifest: Manifest) -> AddonClasses:
    """Import an addon and return its model classes."""
    package = _import_addon(manifest)
    classes: dict[type[BaseModel], None] = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == name
                and ("_name" in value.__dict__ or "_inherit" in value.__dict__)
            ):
                classes[value] = None
    ordered = sorted(classes, key=lambda cls: cls._definition_order)
    return AddonClasses(manifest.name, manifest.version, tuple(ordered))


class Registries:
    """Registries by addon set: databases with the same addons share one."""

    def __init__(self, addons_path: AddonsPath) -> None:
        self.addons_path = addons_path
        self._registries: dict[RegistryKey, Registry] = {}
        self._lock = threading.Lock()

    def key(self, names: Iterable[str]) -> RegistryKey:
        manifests = self.addons_path.manifests()
        return tuple(sorted((m.name, m.version) for m in resolve(names, manifests)))

    def get(self, names: Iterable[str]) -> Registry:
        """The registry for exactly these addons (and their dependencies)."""
        ordered = resolve(names, self.addons_path.manifests())
        key = tuple(sorted((m.name, m.version) for m in ordered))
        registry = self._registries.get(key)
        if registry is None:
            with self._lock:
                registry = self._registries.get(key)
                if registry is None:
                    registry = Registry([addon_classes(m) for m in ordered])
                    self._registries[key] = registry
        return registry

    def __len__(self) -> int:
        return len(self._registries)
