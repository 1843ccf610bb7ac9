"""What x2many commands on a group relation would change, before they run.

Pure functions over ids: the models call them with the current links of each
record, and get back the links each record would end up with, and the commands
to write instead. ``keep`` holds the ids the acting user cannot see: a full
replacement (``SET``) or a ``CLEAR`` leaves them in place, because the user
replaced what they were shown, not what was hidden from them.

Example: record 1 is linked to 5 and 9, record 2 to 5; the user cannot see 9::

    outcome({1: {5, 9}, 2: {5}}, [(6, 0, [5, 7])], keep={9})
    == {1: ({5, 7, 9}, [(6, 0, [5, 7, 9])]), 2: ({5, 7}, None)}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm.commands import Command

Commands = list[tuple[Any, ...]]


def outcome(
    current: Mapping[int, set[int]], commands: Sequence[tuple[Any, ...]], keep: set[int]
) -> dict[int, tuple[set[int], Commands | None]]:
    """For each record: the ids it would be linked to, and the commands to write
    instead of ``commands`` (None when they can be written as they are)."""
    if any(command[0] == Command.CREATE for command in commands):
        raise AccessError(
            "Access rights cannot be granted by creating groups on the fly; create the group first.",
        )
    result: dict[int, tuple[set[int], Commands | None]] = {}
    for record_id, linked in current.items():
        ids = set(linked)
        rewritten: Commands = []
        changed = False
        for command in commands:
            code = command[0]
            if code in (Command.LINK, Command.UPDATE):
                ids.add(command[1])
            elif code in (Command.UNLINK, Command.DELETE):
                ids.discard(command[1])
            elif code in (Command.SET, Command.CLEAR):
                kept = ids & keep
                wanted = list(command[2] or []) if code == Command.SET else []
                ids = set(wanted) | kept
                if kept:
                    command = (int(Command.SET), 0, sorted(ids))
                    changed = True
            rewritten.append(command)
        result[record_id] = (ids, rewritten if changed else None)
    return result
