"""Dependency order of addons: dependencies first, problems found before anything changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tenantry.exceptions import UserError
from tenantry.modules.manifest import Manifest


def resolve(names: Iterable[str], available: Mapping[str, Manifest]) -> list[Manifest]:
    """``names`` and everything they depend on, each after its dependencies.

    A missing addon or dependency, or a dependency cycle, is a ``UserError``.
    The order is deterministic: among addons whose dependencies are met, by name.
    """
    wanted: dict[str, Manifest] = {}
    stack: list[tuple[str, str | None]] = [(name, None) for name in sorted(set(names))]
    while stack:
        name, needed_by = stack.pop()
        if name in wanted:
            continue
        manifest = available.get(name)
        if manifest is None:
            if needed_by:
                raise UserError(f"Addon {needed_by!r} depends on {name!r}, which is not available")
            raise UserError(f"Addon {name!r} is not available in the addons path")
        wanted[name] = manifest
        stack.extend((dep, name) for dep in manifest.depends)
    ordered: list[Manifest] = []
    done: set[str] = set()
    while len(ordered) < len(wanted):
        ready = sorted(n for n, m in wanted.items() if n not in done and all(d in done for d in m.depends))
        if not ready:
            raise UserError(f"Addons form a dependency cycle: {_cycle(wanted, done)}")
        for name in ready:
            ordered.append(wanted[name])
            done.add(name)
    return ordered


def dependents(names: Iterable[str], installed: Mapping[str, Manifest]) -> set[str]:
    """Installed addons that depend, directly or not, on any of ``names``."""
    targets = set(names)
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, manifest in installed.items():
            if name in found or name in targets:
                continue
            if set(manifest.depends) & (targets | found):
                found.add(name)
                changed = True
    return found


def _cycle(wanted: Mapping[str, Manifest], done: set[str]) -> str:
    """One cycle among the addons not yet ordered, as ``a -> b -> a``."""
    pending = {n: [d for d in m.depends if d not in done] for n, m in wanted.items() if n not in done}
    start = sorted(pending)[0]
    path = [start]
    while True:
        nxt = sorted(pending[path[-1]])[0]
        if nxt in path:
            return " -> ".join([*path[path.index(nxt) :], nxt])
        path.append(nxt)
