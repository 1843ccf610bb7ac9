"""Translated fields (``translate=True`` on a char or text field): one value per language.

The English value (``en_US``, the source) stays in the field's column: searches,
ordering, ``read_group`` and SQL constraints use it. The other languages live beside
it in a JSON column no field names, ``<column>__translations``::

    name = "Germany"      name__translations = {"fr_FR": "Allemagne", "de_DE": "Deutschland"}

Reading in a context whose ``lang`` is another language gives that language's value,
or the English one when it has none; writing in such a context sets that language
only, keeping the English value and the other languages (as Odoo 16+ does). Installed
addons bring translations in ``i18n/<lang>.po`` files (:mod:`tenantry.modules.i18n`).

Not (yet) as Odoo: a domain or an ``order`` on a translated field compares the English
value, whatever the context's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field
    from tenantry.orm.recordset import Recordset

__all__ = [
    "BASE_LANG",
    "context_lang",
    "set_translations",
    "translated",
    "translation_column",
    "write_translations",
]

BASE_LANG = "en_US"
SUFFIX = "__translations"


def translation_column(field: Field) -> str | None:
    """The JSON column holding the other languages of a stored translated field, if it is one."""
    if not getattr(field, "translate", False) or field.company_dependent or field.column is None:
        return None
    return f"{field.column}{SUFFIX}"


def context_lang(env: Environment) -> str | None:
    """The context's language when it is not English (whose values are the columns')."""
    lang = env.context.get("lang")
    return lang if isinstance(lang, str) and lang and lang != BASE_LANG else None


def translated(value: Any, translations: Any, lang: str | None) -> Any:
    """``value`` in ``lang``: its translation if there is one, else ``value`` itself."""
    if lang is None or not isinstance(translations, dict):
        return value
    found = translations.get(lang)
    return found if isinstance(found, str) and found else value


def write_translations(records: Recordset, values: Mapping[str, Any], lang: str) -> None:
    """Set the ``lang`` value of translated fields (field name -> column value) on ``records``;
    an empty value removes the translation (the English one shows again)."""
    table = records._table_obj
    conn = records.env.cr.conn
    columns = {name: translation_column(records._fields[name]) for name in values}
    assert all(columns.values())
    ids = list(dict.fromkeys(records._ids))
    stmt = sa.select(table.c.id, *(table.c[str(c)] for c in columns.values())).where(table.c.id.in_(ids))
    for row in conn.execute(stmt).all():
        update: dict[str, Any] = {}
        for index, (name, value) in enumerate(values.items(), start=1):
            current = dict(row[index] or {})
            if value is None or value == "":
                current.pop(lang, None)
            else:
                current[lang] = value
            update[str(columns[name])] = current or None
        conn.execute(sa.update(table).where(table.c.id == row[0]).values(update))


def set_translations(
    env: Environment,
    model: str,
    field_name: str,
    terms: Iterable[tuple[int, str]],
    lang: str,
    overwrite: bool,
) -> int:
    """Load translations of ``model.field_name`` into ``lang``: ``(record id, value)`` pairs,
    keeping a record's existing translation unless ``overwrite``. Returns how many were set."""
    cls = env.registry.models[model]
    field = cls._fields[field_name]
    column = translation_column(field)
    if column is None:
        return 0
    table = cls._table_obj
    conn = env.cr.conn
    wanted = dict(terms)
    if not wanted:
        return 0
    count = 0
    stmt = sa.select(table.c.id, table.c[column]).where(table.c.id.in_(list(wanted)))
    for record_id, current in conn.execute(stmt).all():
        existing = dict(current or {})
        if existing.get(lang) and not overwrite:
            continue
        existing[lang] = wanted[record_id]
        conn.execute(sa.update(table).where(table.c.id == record_id).values({column: existing}))
        count += 1
    env.cr.invalidate(model, list(wanted))
    return count
