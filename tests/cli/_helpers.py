"""Helpers for CLI tests: check how a command ended, look inside a database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

from typer.testing import Result

from tenantry import Environment, Instance


class Cli(Protocol):
    """``tenantry`` run in-process, with ``--db-url`` appended when given."""

    def __call__(
        self,
        *args: str,
        db_url: str | None = None,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Result: ...


def succeeded(result: Result) -> Result:
    """``result``, after checking the command exited 0 (re-raising what it raised otherwise)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, f"stdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    return result


def failed_cleanly(result: Result) -> str:
    """The one-line error of a command that exited 1 for a user's mistake."""
    assert result.exit_code == 1, f"stdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    return lines[0]


@contextmanager
def database_env(db_url: str, db: str) -> Iterator[Environment]:
    """A superuser environment on ``db``, from an instance closed afterwards."""
    with Instance(db_url) as inst, inst.env(db) as env:
        yield env
