"""Locating the PostgreSQL client and server programs (``pg_dump``, ``initdb``, ...).

Search order: the ``PATH``, then the directory named by ``TENANTRY_PG_BIN``, then
the newest ``/usr/lib/postgresql/<version>/bin`` (Debian and Ubuntu install the
server programs there, off the ``PATH``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

__all__ = ["find_pg_binary"]

_DEBIAN_ROOT = Path("/usr/lib/postgresql")


def find_pg_binary(program: str) -> str:
    """Return the path of the PostgreSQL program ``program``; ``FileNotFoundError`` if absent."""
    found = shutil.which(program)
    if found:
        return found
    candidates: list[Path] = []
    env_dir = os.environ.get("TENANTRY_PG_BIN")
    if env_dir:
        candidates.append(Path(env_dir))
    candidates.extend(_debian_bin_dirs())
    for directory in candidates:
        path = directory / program
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise FileNotFoundError(
        f"PostgreSQL program {program!r} not found on PATH, in $TENANTRY_PG_BIN or under {_DEBIAN_ROOT}/*/bin"
    )


def _debian_bin_dirs() -> list[Path]:
    """``/usr/lib/postgresql/*/bin``, newest version first."""
    if not _DEBIAN_ROOT.is_dir():
        return []
    versioned = [
        (tuple(int(part) for part in entry.name.split(".")), entry / "bin")
        for entry in _DEBIAN_ROOT.iterdir()
        if re.fullmatch(r"\d+(\.\d+)*", entry.name)
    ]
    return [path for _, path in sorted(versioned, reverse=True)]
