"""Groups: implied-group closure, how a user's stored groups settle after a change, and
the exclusive user types.

As in Odoo 17, a user's rows in ``res_groups_users_rel`` hold every group they have,
implied ones included: giving a group gives what it implies, transitively. The functions
here are the pure part of that bookkeeping; the models feed them ids.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

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


def implied_by(groups: Iterable[int], implied: Mapping[int, Iterable[int]]) -> frozenset[int]:
    """The groups that ``groups`` imply, transitively (``groups`` themselves only through a cycle)."""
    return implied_closure((h for g in groups for h in implied.get(g, ())), implied)


def settle(
    before: Collection[int],
    after: Collection[int],
    implied: Mapping[int, Iterable[int]],
    *,
    named: Collection[int] | None = None,
    user_types: Collection[int] = (),
    internal: int | None = None,
) -> frozenset[int]:
    """The groups a user ends with once a write moved their rows from ``before`` to ``after``.

    - Every remaining group brings the groups it implies.
    - A group the write removed takes along the groups it implied, unless the remaining
      groups still imply them, the write ``named`` them (linked or set them), or they are
      user types (a user type changes only when a write names it).
    - ``named`` is given for writes of the user's own groups (None for writes through a
      group): then, as in Odoo, an internal user who stops being internal keeps only the
      groups the write named (or created): a demoted user does not keep internal rights.

    Example: Manager implies Salesman, which implies Internal User. A user with
    {Manager, Salesman, Internal, Contacts} whose Manager is removed ends with
    {Internal, Contacts}; one written ``[(3, Internal), (4, Portal)]`` ends with {Portal}.
    """
    start, end = set(before), set(after)
    if named is not None and internal is not None and internal in start and internal not in end:
        kept = (end & set(named)) | (end - start)
    else:
        dropped = implied_by(start - end, implied) & end
        kept = end - (dropped - set(named or ()) - set(user_types))
    return implied_closure(kept, implied)


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
