"""View archs: parsing with line numbers, view types, and validation against a model.

An arch is XML text (``<list>``, ``<form>``, ``<search>``, or for an extension view
inheritance specs). It is parsed with defusedxml (no DTD, no entities) into an
:class:`xml.etree.ElementTree.Element`; the line of each element is kept beside the
tree so that errors can say where they are.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, TreeBuilder

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from tenantry.domain import safe_eval
from tenantry.exceptions import ValidationError

if TYPE_CHECKING:
    from tenantry.orm.registry import Registry

VIEW_TYPES = ("list", "form", "search")
"""The view types of the web client (``tree`` is read as ``list``)."""

ROOT_TAGS = {"list": "list", "tree": "list", "form": "form", "search": "search"}
"""The root tag of a primary view -> its view type."""

MAX_ARCH = 512 * 1024
"""Archs longer than this are refused (characters)."""

SUBVIEW_TAGS = ("list", "tree", "form")
"""Tags that, inside a relational ``<field>``, describe the comodel's records."""


def view_type(name: str) -> str:
    """The view type ``name`` spelled as the web client spells it (``tree`` -> ``list``)."""
    kind = ROOT_TAGS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValidationError(f"Unknown view type {name!r}: expected one of {', '.join(VIEW_TYPES)}.")
    return kind


@dataclass(frozen=True)
class ParsedArch:
    """An arch tree and the line (1-based, in the arch text) of each of its elements."""

    root: Element
    lines: Mapping[int, int]

    def line(self, element: Element) -> int | None:
        return self.lines.get(id(element))


class _LineBuilder(TreeBuilder):
    """A tree builder that remembers the parser's line for each element it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: Any, attrs: Any) -> Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = int(self.parser.parser.CurrentLineNumber)
        return element


def parse_with_lines(source: str | bytes) -> ParsedArch:
    """Parse XML with defusedxml (no DTD), keeping each element's line; raises
    defusedxml's ``ParseError`` or ``DefusedXmlException`` as they come."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    parser.feed(source)
    return ParsedArch(parser.close(), builder.lines)


def parse_arch(text: str, label: str) -> ParsedArch:
    """Parse an arch; a :class:`ValidationError` naming ``label`` and the line when malformed."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(f"View {label}: the arch is empty.")
    if len(text) > MAX_ARCH:
        raise ValidationError(f"View {label}: the arch is longer than {MAX_ARCH} characters.")
    try:
        return parse_with_lines(text.strip())
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise ValidationError(f"View {label}: malformed arch at line {line}: {exc}") from None
    except DefusedXmlException as exc:
        raise ValidationError(f"View {label}: forbidden XML in the arch: {exc}") from None


def where(parsed: ParsedArch, element: Element) -> str:
    line = parsed.line(element)
    return f"line {line} of the arch" if line is not None else "an unknown line of the arch"


def describe(element: Element) -> str:
    """``<field name="x">``: an element as errors show it (without its content)."""
    attrs = "".join(f' {k}="{v}"' for k, v in element.attrib.items())
    return f"<{element.tag}{attrs}>"


def iter_fields(root: Element, model: str, registry: Registry) -> Iterator[tuple[Element, str]]:
    """Every ``<field>`` of an arch with the model it names a field of (subviews of a
    relational field are about its comodel)."""
    stack: list[tuple[Element, str]] = [(root, model)]
    while stack:
        element, current = stack.pop()
        for child in element:
            if not isinstance(child.tag, str):
                continue
            inner = current
            if child.tag == "field":
                yield child, current
                field = registry[current]._fields.get(child.get("name", "")) if current in registry else None
                if field is not None and field.type.is_relational:
                    inner = field.comodel_name
            stack.append((child, inner))


def check_fields(parsed: ParsedArch, model: str, registry: Registry, label: str) -> None:
    """Every ``<field name>`` of the arch must be a field of its model."""
    if model not in registry:
        raise ValidationError(f"View {label}: unknown model {model!r}.")
    found = unknown_field(parsed.root, model, registry)
    if found is not None:
        element, current = found
        raise ValidationError(unknown_field_message(label, element, current, where(parsed, element)))


def unknown_field(root: Element, model: str, registry: Registry) -> tuple[Element, str] | None:
    """The first ``<field>`` of the arch that is not a field of its model (and that model)."""
    candidates = [(root, model)] if root.tag == "field" else []
    for element, current in [*candidates, *iter_fields(root, model, registry)]:
        name = element.get("name")
        if not name or current not in registry or name not in registry[current]._fields:
            return element, current
    return None


def unknown_field_message(label: str, element: Element, model: str, place: str) -> str:
    name = element.get("name")
    if not name:
        return f"View {label}: <field> without a name at {place}."
    return f"View {label}: field {name!r} does not exist in model {model!r} (at {place})."


def check_primary(parsed: ParsedArch, kind: str, label: str) -> None:
    """A primary view's root is the tag of its type."""
    found = ROOT_TAGS.get(parsed.root.tag)
    if found != kind:
        raise ValidationError(
            f"View {label}: a {kind} view's arch starts with <{kind}>, not <{parsed.root.tag}> "
            f"(at {where(parsed, parsed.root)})."
        )


def check_groups(parsed: ParsedArch, label: str, is_group: Callable[[str], bool]) -> None:
    """Every name in a ``groups`` attribute is a group's full external id (``base.group_user``)."""
    for element in parsed.root.iter():
        spec = element.get("groups") if isinstance(element.tag, str) else None
        if not spec:
            continue
        for raw in spec.split(","):
            name = raw.strip().lstrip("!")
            if name and not ("." in name and is_group(name)):
                raise ValidationError(
                    f"View {label}: {name!r} in groups={spec!r} is not a group's external id "
                    f"(at {where(parsed, element)})."
                )


def check_search(parsed: ParsedArch, model: str, registry: Registry, label: str) -> None:
    """Search filters: a domain that reads as an expression, group-bys on the model's fields."""
    fields = registry[model]._fields
    for element in parsed.root.iter("field"):
        domain = element.get("filter_domain")
        if domain is not None and not _expression(domain):
            place = where(parsed, element)
            raise ValidationError(f"View {label}: invalid filter_domain {domain!r} at {place}.")
    for element in parsed.root.iter("filter"):
        domain = element.get("domain")
        if domain is not None and not _expression(domain):
            place = where(parsed, element)
            raise ValidationError(f"View {label}: invalid filter domain {domain!r} at {place}.")
        context = element.get("context")
        if not context or "group_by" not in context:
            continue
        try:
            value = safe_eval(context, {"uid": 0, "context": {}})
        except ValidationError:
            continue  # a context using other names: read when used
        group_by = value.get("group_by") if isinstance(value, dict) else None
        for name in group_by if isinstance(group_by, list) else [group_by]:
            if not isinstance(name, str) or name.split(":")[0] not in fields:
                place = where(parsed, element)
                message = f"group_by {name!r} is not a field of {model!r}"
                raise ValidationError(f"View {label}: {message} (at {place}).")


def _expression(text: str) -> bool:
    try:
        ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
