"""View inheritance: applying an extension view's specs to the arch it extends.

A spec locates one element of the parent arch and says what to do there, as in
Odoo::

    <xpath expr="//field[@name='partner_id']" position="after">
        <field name="user_id"/>
    </xpath>
    <field name="state" position="attributes">
        <attribute name="invisible">1</attribute>
    </field>

``<xpath expr>`` takes ElementTree's XPath subset (``//tag[@attr='value']``, paths,
positions); any other element (``<field name="x">``, ``<page name="p">``...) names the
first element of the parent with the same tag and attributes. Positions: ``inside``
(the default), ``after``, ``before``, ``replace``, ``attributes``.
"""

from __future__ import annotations

import copy
from xml.etree.ElementTree import Element

from tenantry.exceptions import ValidationError
from tenantry.views.arch import ParsedArch, describe, where

POSITIONS = ("inside", "after", "before", "replace", "attributes")
_WRAPPER = "__arch__"


def apply_specs(base: Element, spec: ParsedArch, label: str) -> Element:
    """``base`` with the specs of ``spec`` applied (``base`` is changed in place unless its
    root is replaced); ``label`` names the extension view in errors."""
    wrapper = Element(_WRAPPER)
    wrapper.append(base)
    specs = list(spec.root) if spec.root.tag == "data" else [spec.root]
    for node in specs:
        if isinstance(node.tag, str):
            _apply(wrapper, node, spec, label)
    roots = [child for child in wrapper if isinstance(child.tag, str)]
    if len(roots) != 1:
        raise ValidationError(f"View {label}: inheritance must leave exactly one root element.")
    return roots[0]


def _apply(wrapper: Element, node: Element, spec: ParsedArch, label: str) -> None:
    position = node.get("position", "inside")
    if position not in POSITIONS:
        raise ValidationError(
            f"View {label}: invalid position {position!r} at {where(spec, node)} "
            f"(expected one of {', '.join(POSITIONS)})."
        )
    target = _locate(wrapper, node, spec, label)
    if target is None:
        raise ValidationError(
            f"View {label}: element {describe(node)} at {where(spec, node)} "
            "cannot be located in the parent view."
        )
    content = [copy.deepcopy(child) for child in node if isinstance(child.tag, str)]
    if position == "inside":
        target.extend(content)
    elif position == "attributes":
        _set_attributes(target, node, spec, label)
    else:
        parent, index = _parent_of(wrapper, target)
        if position == "replace":
            if parent is wrapper and len(content) != 1:
                raise ValidationError(
                    f"View {label}: replacing the root needs exactly one element ({where(spec, node)})."
                )
            parent.remove(target)
            _insert(parent, index, content, tail=target.tail)
        elif position == "after":
            _insert(parent, index + 1, content, tail=None)
        else:
            _insert(parent, index, content, tail=None)


def _locate(wrapper: Element, node: Element, spec: ParsedArch, label: str) -> Element | None:
    if node.tag == "xpath":
        expr = node.get("expr", "").strip()
        if not expr:
            raise ValidationError(f"View {label}: <xpath> without expr at {where(spec, node)}.")
        path = "." + expr if expr.startswith("/") else "./" + expr
        try:
            return wrapper.find(path)
        except (SyntaxError, KeyError, TypeError) as exc:
            raise ValidationError(
                f"View {label}: invalid xpath {expr!r} at {where(spec, node)}: {exc}"
            ) from None
    wanted = {k: v for k, v in node.attrib.items() if k != "position"}
    for element in wrapper.iter(node.tag):
        if element is not wrapper and all(element.get(k) == v for k, v in wanted.items()):
            return element
    return None


def _parent_of(wrapper: Element, target: Element) -> tuple[Element, int]:
    for parent in wrapper.iter():
        for index, child in enumerate(parent):
            if child is target:
                return parent, index
    raise ValueError("element outside the arch")  # pragma: no cover - located in this tree


def _insert(parent: Element, index: int, content: list[Element], tail: str | None) -> None:
    for offset, element in enumerate(content):
        parent.insert(index + offset, element)
    if content and tail is not None:
        content[-1].tail = tail


def _set_attributes(target: Element, node: Element, spec: ParsedArch, label: str) -> None:
    for attribute in node:
        if not isinstance(attribute.tag, str):
            continue
        name = attribute.get("name")
        if attribute.tag != "attribute" or not name:
            raise ValidationError(
                f'View {label}: position="attributes" takes <attribute name="..."> '
                f"at {where(spec, attribute)}."
            )
        value = (attribute.text or "").strip()
        add, remove = attribute.get("add"), attribute.get("remove")
        if add is not None or remove is not None:
            separator = attribute.get("separator", ",")
            items = [v.strip() for v in (target.get(name) or "").split(separator) if v.strip()]
            removed = {v.strip() for v in (remove or "").split(separator)}
            items = [v for v in items if v not in removed]
            items += [v.strip() for v in (add or "").split(separator) if v.strip() and v.strip() not in items]
            value = separator.join(items)
        if value:
            target.set(name, value)
        elif name in target.attrib:
            del target.attrib[name]
