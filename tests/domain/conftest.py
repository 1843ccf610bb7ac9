"""Fixtures of the domain tests: the test schema's tables on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ._models import metadata, sample_data


@pytest.fixture
def tables(fresh_engine: sa.Engine) -> sa.Engine:
    """``fresh_engine`` with the test tables created (and empty)."""
    metadata.create_all(fresh_engine)
    return fresh_engine


@pytest.fixture
def sample_conn(tables: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction holding :func:`sample_data`, rolled back afterwards."""
    with tables.connect() as conn, conn.begin() as transaction:
        sample_data().insert(conn)
        yield conn
        transaction.rollback()
