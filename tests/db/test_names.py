"""Database names are validated before anything touches the disk or the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tenantry.db import Storage, validate_name
from tenantry.exceptions import ValidationError

GOOD = ["a", "0", "acme", "acme.example.com", "t-1", "a_b", "9lives", "a" * 63]
BAD = [
    "Acme",
    "a b",
    ".a",
    "-a",
    "_a",
    "../x",
    "a/b",
    "a" * 64,
    "",
    ";drop",
    "a;drop table x",
    "a\n",
    "é",
    "a\x00",
]


@pytest.mark.parametrize("name", GOOD)
def test_valid_names_are_returned_unchanged(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize("name", BAD)
def test_invalid_names_raise_validation_error_naming_the_rule(name: str) -> None:
    with pytest.raises(ValidationError, match="Invalid database name"):
        validate_name(name)


@pytest.mark.parametrize("value", [None, 3, b"acme", ["acme"]])
def test_non_string_names_raise_validation_error(value: Any) -> None:
    with pytest.raises(ValidationError, match="must be a string"):
        validate_name(value)


class _Untouchable:
    """A backend stand-in that fails the test if anything reaches it."""

    dialect = "untouchable"

    def __getattr__(self, attribute: str) -> Any:
        raise AssertionError(f"the backend was reached ({attribute}) with an invalid name")


_CALLS = [
    ("engine", lambda s, bad, path: s.engine(bad)),
    ("release", lambda s, bad, path: s.release(bad)),
    ("create", lambda s, bad, path: s.create(bad)),
    ("drop", lambda s, bad, path: s.drop(bad)),
    ("exists", lambda s, bad, path: s.exists(bad)),
    ("duplicate src", lambda s, bad, path: s.duplicate(bad, "ok")),
    ("duplicate dst", lambda s, bad, path: s.duplicate("ok", bad)),
    ("dump", lambda s, bad, path: s.dump(bad, path)),
    ("restore", lambda s, bad, path: s.restore(bad, path)),
    ("size", lambda s, bad, path: s.size(bad)),
]


@pytest.mark.parametrize("call", [c for _, c in _CALLS], ids=[i for i, _ in _CALLS])
@pytest.mark.parametrize("bad", ["../x", "Acme", ";drop"])
def test_every_operation_rejects_a_bad_name_before_touching_storage(
    db_url: str, tmp_path: Path, call: Any, bad: str
) -> None:
    storage = Storage(db_url)
    storage._backend = _Untouchable()  # type: ignore[assignment]
    dump = tmp_path / "dump"
    with pytest.raises(ValidationError):
        call(storage, bad, dump)
    assert not dump.exists()
    assert not (tmp_path / "data").exists()  # the SQLite directory was never created
