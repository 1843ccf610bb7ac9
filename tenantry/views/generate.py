"""Generated views: the list, form and search views of a model that declares none.

- list: the record name and a few stored simple fields;
- form: the stored (and other useful) fields in two groups, text fields full width,
  one2many and many2many fields as embedded lists in a notebook;
- search: the record name, plus an "Archived" filter when the model has ``active``.

Fields the user may not see are removed afterwards, like in declared views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, SubElement

from tenantry.domain.schema import FieldType

if TYPE_CHECKING:
    from tenantry.orm.registry import Registry

MAGIC = frozenset({"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"})
"""Fields no generated view shows (the ORM's own bookkeeping)."""

LIST_COLUMNS = 6
"""How many columns a generated list shows, the record name included."""

_SIMPLE = (
    FieldType.CHAR,
    FieldType.INTEGER,
    FieldType.FLOAT,
    FieldType.BOOLEAN,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.SELECTION,
    FieldType.MANY2ONE,
)
_HIDDEN_IN_LIST = frozenset({"active", "sequence", "company_id", "currency_id", "parent_path"})


def generate(registry: Registry, model: str, kind: str) -> Element:
    """The generated arch of ``kind`` (``list``, ``form`` or ``search``) for ``model``."""
    cls = registry[model]
    if kind == "list":
        return _list(cls, exclude=())
    if kind == "form":
        return _form(registry, cls)
    return _search(cls)


def _shown(field: Any) -> bool:
    return field.name not in MAGIC and not field.write_only and field.type is not FieldType.BINARY


def _rec_name(cls: Any) -> str | None:
    name = cls._rec_name or ("name" if "name" in cls._fields else None)
    return name if name in cls._fields else None


def _list(cls: Any, exclude: tuple[str, ...]) -> Element:
    root = Element("list", string=str(cls._description or cls._name))
    names: list[str] = []
    rec_name = _rec_name(cls)
    if rec_name and rec_name not in exclude:
        names.append(rec_name)
    for name, field in cls._fields.items():
        if len(names) >= LIST_COLUMNS:
            break
        if (
            name in names
            or name in exclude
            or name in _HIDDEN_IN_LIST
            or not _shown(field)
            or not field.store
            or field.type not in _SIMPLE
            or field.groups
        ):
            continue
        names.append(name)
    if not names:
        names.append("id")
    for name in names:
        SubElement(root, "field", name=name)
    return root


def _form(registry: Registry, cls: Any) -> Element:
    root = Element("form", string=str(cls._description or cls._name))
    sheet = SubElement(root, "sheet")
    rec_name = _rec_name(cls)
    simple: list[str] = []
    relational: list[str] = []
    long_text: list[str] = []
    lines: list[Any] = []
    for name, field in cls._fields.items():
        if not _shown(field) or name == rec_name or (not field.store and not field.related and field.compute):
            continue
        if field.type in (FieldType.ONE2MANY, FieldType.MANY2MANY):
            lines.append(field)
        elif field.type is FieldType.TEXT:
            long_text.append(name)
        elif field.type in (FieldType.MANY2ONE, FieldType.REFERENCE):
            relational.append(name)
        elif field.type is not FieldType.JSON:
            simple.append(name)
    if rec_name:
        title = SubElement(sheet, "div", {"class": "oe_title"})
        SubElement(SubElement(title, "h1"), "field", name=rec_name)
    if simple or relational:
        outer = SubElement(sheet, "group")
        for names in (simple, relational):
            if names:
                group = SubElement(outer, "group")
                for name in names:
                    SubElement(group, "field", name=name)
    if long_text:
        group = SubElement(sheet, "group")
        for name in long_text:
            SubElement(group, "field", name=name)
    if lines:
        notebook = SubElement(sheet, "notebook")
        for field in lines:
            page = SubElement(notebook, "page", name=field.name, string=str(field.string or field.name))
            node = SubElement(page, "field", name=field.name)
            if field.type is FieldType.ONE2MANY and field.comodel_name in registry:
                inverse = (field.inverse_name,) if field.inverse_name else ()
                node.append(_list(registry[field.comodel_name], exclude=inverse))
    return root


def _search(cls: Any) -> Element:
    root = Element("search", string=str(cls._description or cls._name))
    rec_name = _rec_name(cls)
    if rec_name:
        SubElement(root, "field", name=rec_name)
    if "active" in cls._fields:
        SubElement(root, "separator")
        SubElement(root, "filter", name="inactive", string="Archived", domain="[('active', '=', False)]")
    return root
