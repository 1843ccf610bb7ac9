"""Storage URLs: which cluster a URL names, and which URLs are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tenantry.db import Storage
from tenantry.db.sqlite import directory_from_url
from tenantry.exceptions import ValidationError
from tests.helpers import own


@pytest.mark.parametrize(
    ("url", "directory"),
    [
        ("sqlite:///srv/data", "/srv/data"),
        ("sqlite:////srv/data", "/srv/data"),
        ("sqlite:///./data", os.path.abspath("data")),
        ("sqlite:///../data", os.path.abspath("../data")),
        ("sqlite:///./", os.path.abspath(".")),
        ("sqlite://", os.path.abspath("tenantry-data")),
        ("sqlite:///", os.path.abspath("tenantry-data")),
    ],
)
def test_sqlite_url_names_a_directory(url: str, directory: str) -> None:
    assert directory_from_url(url) == Path(directory)


def test_sqlite_storage_creates_its_directory_on_demand(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "b"
    storage = Storage(f"sqlite:///{directory}")
    assert storage.dialect == "sqlite"
    assert own(storage.list()) == []
    assert not directory.exists()
    storage.create("x")
    assert (directory / "x.sqlite3").is_file()
    storage.close()


@pytest.mark.parametrize(
    "url",
    ["postgresql://u:pw@127.0.0.1:5432/", "postgresql+psycopg://u@localhost/", "postgresql://u@h"],
)
def test_postgresql_urls_are_accepted_without_connecting(url: str) -> None:
    storage = Storage(url)
    assert storage.dialect == "postgresql"
    storage.close()


def test_repr_hides_the_password() -> None:
    storage = Storage("postgresql://u:secret@127.0.0.1:5432/")
    assert "secret" not in repr(storage)
    storage.close()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@h/",
        "postgresql+asyncpg://u@h/",
        "postgresql://u@h/somedb",
        "sqlite://host/dir",
        "sqlite:///dir?mode=ro",
        "not a url",
        "",
    ],
)
def test_unsupported_urls_raise_validation_error(url: str) -> None:
    with pytest.raises(ValidationError):
        Storage(url)
