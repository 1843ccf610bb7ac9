"""The languages tenantry knows: the base addon's ``data/res.lang.csv``, read once.

The base addon loads the file into ``res.lang`` (English active, the others not);
``db.list_lang`` lists it, and a database is created in one of its languages.
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["LANGUAGES", "LANGUAGE_FILE", "is_known"]

LANGUAGE_FILE = Path(__file__).resolve().parents[1] / "addons" / "base" / "data" / "res.lang.csv"


def _languages() -> tuple[tuple[str, str], ...]:
    with LANGUAGE_FILE.open(encoding="utf-8", newline="") as rows:
        found = [(row["code"], row["name"]) for row in csv.DictReader(rows)]
    return tuple(sorted(found, key=lambda lang: lang[1]))


LANGUAGES = _languages()
"""``(code, name)`` of every language of :data:`LANGUAGE_FILE`, by name."""


def is_known(code: object) -> bool:
    """Whether ``code`` is one of :data:`LANGUAGES` (``en_US``, ``fr_FR``...)."""
    return isinstance(code, str) and any(code == known for known, _name in LANGUAGES)
