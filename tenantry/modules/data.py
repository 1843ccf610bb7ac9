"""Loading addon data files (CSV and XML) into a database, by external id.

Every record a data file defines gets an external id ``module.name`` in
``ir.model.data``. Loading again (an upgrade) updates those records, except the
ones declared ``noupdate``, which the database owner may have changed. XML is
parsed with defusedxml (no entities, no DTDs, no network); ``eval`` attributes
go through the safe evaluator, never Python's ``eval``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tenantry.domain import default_eval_names, safe_eval, safe_function
from tenantry.domain.schema import FieldType
from tenantry.exceptions import UserError, ValidationError
from tenantry.orm.commands import Command
from tenantry.views.arch import parse_with_lines

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field
    from tenantry.orm.models import BaseModel

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f", "none"}


class DataLoader:
    """Loads the data files of one addon in ``init`` (install) or ``update`` mode."""

    def __init__(self, env: Environment, module: str, mode: str = "init") -> None:
        self.env = env
        self.module = module
        self.mode = mode
        self.loaded: set[tuple[str, str]] = set()
        self._lines: Mapping[int, int] = {}

    # -- external ids ----------------------------------------------------------------------

    def _qualify(self, xml_id: str) -> tuple[str, str]:
        if "." in xml_id:
            module, name = xml_id.split(".", 1)
            return module, name
        return self.module, xml_id

    def ref(self, xml_id: str) -> int:
        """The id of the record with external id ``xml_id`` (relative to this addon)."""
        module, name = self._qualify(xml_id)
        found = self.env["ir.model.data"]._lookup(module, name)
        if found is None:
            raise UserError(f"External ID not found in the system: {module}.{name}")
        return int(found[1])

    def record(
        self,
        xml_id: str,
        model: str,
        values: Mapping[str, Any],
        noupdate: bool,
        forcecreate: bool = True,
    ) -> int | None:
        """Create or update the record ``xml_id``; returns its id."""
        module, name = self._qualify(xml_id)
        self.loaded.add((module, name))
        data = self.env["ir.model.data"]
        found = data._lookup(module, name, with_noupdate=True)
        if found is not None:
            _model, res_id, was_noupdate = found
            record = self.env[model].browse(res_id)
            if record.exists():
                if self.mode == "update" and was_noupdate:
                    return int(res_id)
                record.with_context(install_xmlid=f"{module}.{name}").write(values)
                return int(res_id)
            data._forget(module, name)
            if self.mode == "update" and not forcecreate:
                return None
        record = self.env[model].with_context(install_xmlid=f"{module}.{name}").create(dict(values))
        data._remember(module, name, model, record._ids[0], noupdate)
        return record._ids[0]

    # -- files ---------------------------------------------------------------------------

    def load(self, path: Path, noupdate: bool = False) -> None:
        """Load one ``.csv`` or ``.xml`` data file."""
        if path.suffix == ".csv":
            self._load_csv(path, noupdate)
        elif path.suffix == ".xml":
            self._load_xml(path, noupdate)
        else:
            raise UserError(f"Unsupported data file type: {path}")

    def _load_csv(self, path: Path, noupdate: bool) -> None:
        model_name = path.stem.split("-")[0]
        if model_name not in self.env:
            raise UserError(f"{path.name}: unknown model {model_name!r}")
        model = self.env[model_name]
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
        try:
            header = next(reader)
        except StopIteration:
            return
        if "id" not in header:
            raise UserError(f"{path.name}: the header needs an 'id' column")
        for line_no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise UserError(f"{path.name}:{line_no}: {len(row)} cells for {len(header)} columns")
            values: dict[str, Any] = {}
            xml_id = ""
            for column, cell in zip(header, row, strict=True):
                if column == "id":
                    xml_id = cell.strip()
                    continue
                name, _, suffix = column.replace("/", ":").partition(":")
                field = model._fields.get(name)
                if field is None:
                    raise UserError(f"{path.name}:{line_no}: unknown field {name!r} on {model_name}")
                try:
                    values[name] = self._csv_value(field, cell, suffix)
                except (UserError, ValueError) as exc:
                    raise UserError(f"{path.name}:{line_no}: {column}: {exc}") from None
            if not xml_id:
                raise UserError(f"{path.name}:{line_no}: missing id")
            self.record(xml_id, model_name, values, noupdate)

    def _csv_value(self, field: Field, cell: str, suffix: str) -> Any:
        if cell and not cell.strip() and field.type in (FieldType.CHAR, FieldType.TEXT):
            return cell  # a blank that means something: the thousands separator " " of res.lang
        cell = cell.strip()
        if suffix == "id":
            if not cell:
                return False
            ids = [self.ref(x.strip()) for x in cell.split(",") if x.strip()]
            return [(Command.SET, 0, ids)] if field.type.is_x2many else ids[0]
        return _text_value(field, cell)

    def _load_xml(self, path: Path, noupdate: bool) -> None:
        try:
            parsed = parse_with_lines(path.read_bytes())
        except (SafeET.ParseError, DefusedXmlException) as exc:
            raise UserError(f"{path.name}: invalid XML: {exc}") from None
        root, self._lines = parsed.root, parsed.lines
        if root.tag not in ("odoo", "openerp", "tenantry"):
            raise UserError(f"{path.name}: the root element must be <odoo>")
        self._load_block(path, root, _flag(root.get("noupdate"), noupdate))

    def _load_block(self, path: Path, element: Element, noupdate: bool) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments
            if child.tag == "data":
                self._load_block(path, child, _flag(child.get("noupdate"), noupdate))
            elif child.tag == "record":
                self._load_xml_record(path, child, noupdate)
            elif child.tag == "menuitem":
                self._load_menuitem(path, child, None)
            elif child.tag == "delete":
                self._delete(path, child)
            elif child.tag == "function":
                raise UserError(f"{path.name}: <function> is not supported in data files")
            else:
                raise UserError(f"{path.name}: unsupported element <{child.tag}>")

    def _load_menuitem(self, path: Path, element: Element, parent: int | None) -> None:
        """Odoo's ``<menuitem id name parent action sequence groups web_icon>`` shortcut;
        nested menuitems are children. A menu without a name takes its action's."""
        xml_id = element.get("id")
        if not xml_id:
            raise UserError(f"{path.name}: <menuitem> needs an 'id'")
        values: dict[str, Any] = {}
        if element.get("parent"):
            values["parent_id"] = self.ref(element.get("parent", ""))
        elif parent is not None:
            values["parent_id"] = parent
        action = element.get("action")
        name = element.get("name")
        if action:
            module, action_name = self._qualify(action)
            found = self.env["ir.model.data"]._lookup(module, action_name)
            if found is None:
                raise UserError(f"{path.name}: menuitem {xml_id}: action {module}.{action_name} not found")
            values["action"] = f"{found[0]},{found[1]}"
            name = name or self.env[found[0]].browse(found[1]).sudo().name
        if name:
            values["name"] = name
        elif self.env["ir.model.data"]._lookup(*self._qualify(xml_id)) is None:
            raise UserError(f"{path.name}: menuitem {xml_id} needs a name or an action")
        if element.get("sequence"):
            values["sequence"] = int(element.get("sequence", "10"))
        if element.get("web_icon"):
            values["web_icon"] = element.get("web_icon")
        if element.get("groups"):
            values["groups_id"] = [(Command.SET, 0, self._group_ids(path, element.get("groups", "")))]
        menu_id = self.record(xml_id, "ir.ui.menu", values, noupdate=False)
        for child in element:
            if isinstance(child.tag, str):
                if child.tag != "menuitem":
                    raise UserError(f"{path.name}: menuitem {xml_id}: unexpected <{child.tag}>")
                self._load_menuitem(path, child, menu_id)

    def _group_ids(self, path: Path, spec: str) -> list[int]:
        ids: list[int] = []
        for item in spec.split(","):
            item = item.strip()
            if item.startswith("!"):
                raise UserError(f"{path.name}: menu groups cannot be negated ({item})")
            if item:
                ids.append(self.ref(item))
        return ids

    def _eval_names(self) -> dict[str, Any]:
        names = default_eval_names()
        names["ref"] = safe_function(self.ref)
        return names

    def _load_xml_record(self, path: Path, element: Element, noupdate: bool) -> None:
        xml_id, model_name = element.get("id"), element.get("model")
        if not xml_id or not model_name:
            raise UserError(f"{path.name}: <record> needs 'id' and 'model'")
        if model_name not in self.env:
            raise UserError(f"{path.name}: record {xml_id}: unknown model {model_name!r}")
        model = self.env[model_name]
        values: dict[str, Any] = {}
        for node in element:
            if not isinstance(node.tag, str):
                continue
            if node.tag != "field":
                raise UserError(f"{path.name}: record {xml_id}: unexpected <{node.tag}>")
            name = node.get("name", "")
            field = model._fields.get(name)
            if field is None:
                raise UserError(f"{path.name}: record {xml_id}: unknown field {name!r} on {model_name}")
            try:
                values[name] = self._xml_value(model, field, node)
            except (UserError, ValueError) as exc:
                raise UserError(f"{path.name}: record {xml_id}, field {name}: {exc}") from None
        try:
            self.record(xml_id, model_name, values, noupdate, _flag(element.get("forcecreate"), True))
        except ValidationError as exc:
            # Where in the file: the record's line (an arch error says its line in the arch).
            line = self._lines.get(id(element), "?")
            raise ValidationError(f"{path.name}, line {line} (record {xml_id}): {exc}") from None

    def _xml_value(self, model: BaseModel, field: Field, node: Element) -> Any:
        if node.get("ref") is not None and field.type is FieldType.REFERENCE:
            # A reference names its model too: "model,id", the model being the xml id's.
            module, name = self._qualify(node.get("ref", ""))
            found = self.env["ir.model.data"]._lookup(module, name)
            if found is None:
                raise UserError(f"External ID not found in the system: {module}.{name}")
            return f"{found[0]},{found[1]}"
        if node.get("ref") is not None:
            target = self.ref(node.get("ref", ""))
            return [(Command.SET, 0, [target])] if field.type.is_x2many else target
        if node.get("eval") is not None:
            try:
                value = safe_eval(node.get("eval", ""), self._eval_names())
            except ValidationError as exc:
                raise UserError(f"cannot evaluate {node.get('eval')!r}: {exc}") from None
            ids = getattr(value, "ids", None)
            if ids is not None:
                return [(Command.SET, 0, ids)] if field.type.is_x2many else (ids[0] if ids else False)
            return value
        if node.get("type") == "xml":
            # An arch: the element's content, as XML text.
            return "".join(SafeET.tostring(child, encoding="unicode") for child in node).strip() or False
        if node.get("search") is not None:
            domain = safe_eval(node.get("search", ""), self._eval_names())
            found = self.env[field.comodel_name].search(domain)
            return (
                [(Command.SET, 0, found.ids)] if field.type.is_x2many else (found.ids[0] if found else False)
            )
        return _text_value(field, node.text or "")

    def _delete(self, path: Path, element: Element) -> None:
        model_name = element.get("model", "")
        if model_name not in self.env:
            raise UserError(f"{path.name}: <delete>: unknown model {model_name!r}")
        if element.get("id"):
            module, name = self._qualify(element.get("id", ""))
            found = self.env["ir.model.data"]._lookup(module, name)
            if found:
                self.env[model_name].browse(found[1]).exists().unlink()
        elif element.get("search"):
            domain = safe_eval(element.get("search", ""), self._eval_names())
            self.env[model_name].search(domain).unlink()


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in _TRUE


def _text_value(field: Field, text: str) -> Any:
    """A field value from the text of a CSV cell or an XML element."""
    kind = field.type
    if kind is FieldType.BOOLEAN:
        lowered = text.strip().lower()
        if lowered not in _TRUE | _FALSE:
            raise ValueError(f"{text!r} is not a boolean")
        return lowered in _TRUE
    if kind is FieldType.INTEGER:
        return int(text) if text.strip() else False
    if kind is FieldType.FLOAT:
        return float(text) if text.strip() else False
    if kind in (FieldType.MANY2ONE, FieldType.ONE2MANY, FieldType.MANY2MANY):
        if text.strip():
            raise ValueError("relational values need 'ref' or 'eval'")
        return False
    if kind in (FieldType.CHAR, FieldType.SELECTION, FieldType.DATE, FieldType.DATETIME):
        return text.strip() or False
    return text or False
