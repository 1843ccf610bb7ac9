"""Addon manifests (``__manifest__.py``) and the addons path.

A manifest is a Python dict literal, read with ``ast.literal_eval``: reading an
addon never runs its code. The addons path is the built-in ``tenantry/addons``
followed by the directories given with ``--addons-path``; the first directory
holding an addon wins.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenantry.exceptions import UserError

BUILTIN_ADDONS = Path(__file__).resolve().parent.parent / "addons"
_ADDON_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an addon declares about itself."""

    name: str
    path: Path
    version: str = "1.0"
    depends: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    demo: tuple[str, ...] = ()
    category: str = "Uncategorized"
    summary: str = ""
    description: str = ""
    author: str = ""
    license: str = "LGPL-3"
    installable: bool = True
    application: bool = False
    auto_install: bool = False

    @property
    def shortdesc(self) -> str:
        return self.summary or self.name.replace("_", " ").title()


def read_manifest(path: Path) -> Manifest:
    """Read ``path/__manifest__.py``; a malformed one is a ``UserError`` naming the file."""
    file = path / "__manifest__.py"
    try:
        raw = ast.literal_eval(file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError) as exc:
        raise UserError(f"Cannot read addon manifest {file}: {exc}") from None
    if not isinstance(raw, dict):
        raise UserError(f"Addon manifest {file} must be a dict literal")
    name = path.name
    values: dict[str, Any] = {"name": name, "path": path}
    for key in ("version", "category", "summary", "description", "author", "license"):
        if key in raw:
            values[key] = str(raw[key])
    for key in ("depends", "data", "demo"):
        items = raw.get(key, [])
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise UserError(f"Addon manifest {file}: '{key}' must be a list of strings")
        values[key] = tuple(items)
    for key in ("installable", "application", "auto_install"):
        if key in raw:
            values[key] = bool(raw[key])
    if raw.get("name"):
        values["summary"] = values.get("summary") or str(raw["name"])
    return Manifest(**values)


class AddonsPath:
    """Finds addons: the built-in directory, then the extra ones, in order."""

    def __init__(self, extra: Iterable[str | Path] = ()) -> None:
        self.directories: tuple[Path, ...] = (BUILTIN_ADDONS, *(Path(d).resolve() for d in extra))
        for directory in self.directories:
            if not directory.is_dir():
                raise UserError(f"Addons path {directory} is not a directory")
        self._manifests: dict[str, Manifest] | None = None

    def manifests(self) -> Mapping[str, Manifest]:
        """Every available addon, by name."""
        if self._manifests is None:
            found: dict[str, Manifest] = {}
            for directory in self.directories:
                for path in sorted(directory.iterdir()):
                    if path.name in found or not _ADDON_NAME.match(path.name):
                        continue
                    if (path / "__manifest__.py").is_file():
                        manifest = read_manifest(path)
                        if manifest.installable:
                            found[path.name] = manifest
            self._manifests = found
        return self._manifests

    def get(self, name: str) -> Manifest:
        try:
            return self.manifests()[name]
        except KeyError:
            raise UserError(f"Addon {name!r} is not available in the addons path") from None
