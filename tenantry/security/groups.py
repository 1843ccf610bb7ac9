"""Groups: implied-group closure and the exclusive user types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

USER_TYPE_GROUPS = ("base.group_user", "base.group_portal", "base.group_public")
"""Internal, portal and public users: a user belongs to at most one of them."""


def implied_closure(groups: Iterable[int], implied: Mapping[int, Iterable[int]]) -> frozenset[int]:
    """``groups`` and every group they imply, transitively (cycles are harmless)."""
    seen: set[int] = set()
    todo = list(groups)
    while todo:
        group = todo.pop()
        if group in seen:
            continue
        seen.add(group)
        todo.extend(implied.get(group, ()))
    return frozenset(seen)


def has_groups(spec: str, user_groups: frozenset[int], resolve: Mapping[str, int | None]) -> bool:
    """Odoo's ``groups=`` test: ``'a.x,b.y,!c.z'``.

    False if the user is in a negated group; else True if in any listed group, or
    if only negated groups are listed. ``'.'`` means nobody (superuser aside).
    """
    if spec.strip() == ".":
        return False
    positives: list[str] = []
    for raw in spec.split(","):
        name = raw.strip()
        if not name:
            continue
        if name.startswith("!"):
            group = resolve.get(name[1:])
            if group is not None and group in user_groups:
                return False
        else:
            positives.append(name)
    if not positives:
        return True
    return any((g := resolve.get(name)) is not None and g in user_groups for name in positives)
