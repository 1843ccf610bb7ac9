"""The master password of the ``db`` service: where it lives and how it is checked.

It starts as ``--master-password`` (plain, or an Argon2 hash). ``db.change_admin_password``
writes the new one, hashed with Argon2, to the *master password file*
(``--master-password-file``), as Odoo writes ``admin_passwd`` to its configuration file.
From then on that file is the master password: it is read again at every check, so
every worker of ``tenantry serve --workers N`` sees a change at once, and a restart
keeps it. The file holds one line, an Argon2 hash (or a plain password an operator
wrote there by hand); an empty or missing file falls back to ``--master-password``.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import tempfile
from pathlib import Path

from tenantry.exceptions import AccessDenied, UserError
from tenantry.rpc.config import RpcConfig
from tenantry.security import passwords

__all__ = ["check_master_password", "current_master_password", "store_master_password"]


def current_master_password(config: RpcConfig) -> str | None:
    """The master password in force: the file's if it has one, else the configured one."""
    if config.master_password_file is not None:
        try:
            stored = config.master_password_file.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            stored = ""  # an unreadable file is an error: never fall back past a change
        if stored:
            return stored
    return config.master_password


def check_master_password(config: RpcConfig, password: object) -> None:
    """``AccessDenied`` unless ``password`` is the master password (none set: always)."""
    expected = current_master_password(config)
    if not expected or not isinstance(password, str) or not password:
        raise AccessDenied()
    if expected.startswith("$argon2"):
        ok = passwords.verify_password(expected, password)
    else:
        ok = hmac.compare_digest(expected.encode("utf-8"), password.encode("utf-8"))
    if not ok:
        raise AccessDenied()


def store_master_password(config: RpcConfig, new: object) -> None:
    """Write an Argon2 hash of ``new`` to the master password file, atomically.

    The file is replaced in one step (a reader sees the old hash or the new one, never
    half of it) and is readable by its owner only.
    """
    if not isinstance(new, str) or not new.strip():
        raise UserError("Setting empty passwords is not allowed for security reasons!")
    path = config.master_password_file
    if path is None:
        raise UserError(
            "This server cannot change its master password: it has no master password file "
            "to keep it in (tenantry serve --master-password-file PATH)."
        )
    hashed = passwords.hash_password(new)
    try:
        _replace(path, hashed + "\n")
    except OSError as exc:
        raise UserError(f"Cannot write the master password file {path}: {exc.strerror or exc}") from None


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
