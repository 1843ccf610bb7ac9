"""Which records a relational field of a form may take: the field's own ``domain``
AND the arch's ``<field domain="..." context="...">``, as Odoo's client applies them to
the many2one's autocomplete (``name_search``) and, here, to the values it accepts.

The arch's expressions are read by ``safe_eval`` with the action names (``uid``,
``context_today()``, ``allowed_company_ids``...) and the record's values
(``[('company_id', '=', company_id)]``); anything else is a ``UserError`` (a 400 page).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from tenantry.domain import safe_eval
from tenantry.exceptions import UserError, ValidationError
from tenantry.views.actions import eval_names

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field

__all__ = ["and_domains", "relation_filter"]


def relation_filter(
    env: Environment, field_: Field, node: Element | None, values: Mapping[str, Any] | None = None
) -> tuple[list[Any], dict[str, Any]]:
    """``(domain, context)`` for the records ``field_`` (shown by ``node``) may take."""
    domain: list[Any] = list(field_.domain) if isinstance(field_.domain, list | tuple) else []
    context: dict[str, Any] = {}
    if node is None or (node.get("domain") is None and node.get("context") is None):
        return domain, context
    # A field the form does not show to this user (groups) reads as False: never its value.
    names = {name: False for name in env[field_.model_name]._fields}
    names.update(values or {})
    names.update(eval_names(env))
    arch_domain = _evaluate(field_.name, "domain", node.get("domain"), names, list)
    if arch_domain:
        domain = and_domains(domain, arch_domain)
    context = _evaluate(field_.name, "context", node.get("context"), names, dict) or {}
    return domain, {str(k): v for k, v in context.items()}


def _evaluate(name: str, what: str, text: str | None, names: Mapping[str, Any], kind: type) -> Any:
    if not text:
        return kind()
    try:
        value = safe_eval(text, names)
    except ValidationError as exc:
        raise UserError(f"The view has an invalid {what} on the field {name!r}: {exc}") from None
    if not isinstance(value, kind):
        raise UserError(f"The view's {what} on the field {name!r} is not a {kind.__name__}.")
    return value


def and_domains(first: list[Any], second: list[Any]) -> list[Any]:
    """Both domains (either may be empty)."""
    if not first or not second:
        return list(first or second)
    return ["&", *_explicit(first), *_explicit(second)]


def _explicit(domain: list[Any]) -> list[Any]:
    """``domain`` with its implicit ``&`` spelt out, so that it is one operand."""
    terms = sum(1 for t in domain if t not in ("&", "|", "!"))
    operators = sum(1 for t in domain if t in ("&", "|"))
    return ["&"] * max(terms - 1 - operators, 0) + list(domain)
