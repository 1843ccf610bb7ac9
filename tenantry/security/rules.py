"""Record rules (``ir.rule``): which rules apply, how they combine, and the refusal message.

For one model and operation, with the rules whose ``perm_<operation>`` is set:

    effective = AND(every global rule) AND OR(the rules of the user's groups)

Global rules (no group) *restrict*: each must hold, whoever the user is.
Group rules *grant*: any one of the user's group rules is enough. When none of
the user's groups has a rule, the group part adds nothing (it is not FALSE):
only the global rules restrict. No rule at all means no restriction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tenantry.domain import AND, OR, Domain
from tenantry.orm.access import Operation


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One active ``ir.rule``, as the checks need it."""

    id: int
    name: str
    model: str
    groups: frozenset[int]
    domain_force: str
    perms: frozenset[Operation]

    @property
    def is_global(self) -> bool:
        return not self.groups


@dataclass(frozen=True, slots=True)
class ApplicableRules:
    """The rules that concern one user for one operation, split by kind."""

    globals: tuple[RuleRow, ...]
    group_rules: tuple[RuleRow, ...]

    def __bool__(self) -> bool:
        return bool(self.globals or self.group_rules)


def applicable(rules: Iterable[RuleRow], operation: Operation, groups: frozenset[int]) -> ApplicableRules:
    """The global rules and the user's group rules for ``operation``, by rule id."""
    concerned = sorted((r for r in rules if operation in r.perms), key=lambda r: r.id)
    return ApplicableRules(
        globals=tuple(r for r in concerned if r.is_global),
        group_rules=tuple(r for r in concerned if r.groups & groups),
    )


def combine(global_domains: Sequence[Domain], group_domains: Sequence[Domain]) -> Domain:
    """``AND(globals) AND OR(group rules)``; no group rule means no group condition.

    Global rules are ANDed because each is a restriction nobody may escape (typically
    multi-company isolation); group rules are ORed because each one grants access to
    its own slice of records, and holding several groups adds their slices up.
    """
    parts = list(global_domains)
    if group_domains:
        parts.append(OR(group_domains))
    return AND(parts)


_INTRO = "Uh-oh! Looks like you have stumbled upon some top-secret records."
_COOKIES = (
    "If you really, really need access, perhaps you can win over your friendly administrator "
    "with a batch of freshly baked cookies."
)
_COMPANY_NOTE = (
    "Note: this might be a multi-company issue. Switching company may help - in Odoo, not in real life!"
)


def rule_error_message(
    user_name: str,
    uid: int,
    operation: Operation,
    description: str,
    model: str,
    *,
    records: Sequence[tuple[int, str]] | None = None,
    blamed: Sequence[str] = (),
    company_hint: bool = False,
) -> str:
    """Odoo's refusal text for record rules.

    ``records`` (``(id, display_name)``) and ``blamed`` (rule names) are only given
    for users allowed to see them (internal users with technical features).
    """
    lines = [_INTRO, "", f"Sorry, {user_name} (id={uid}) doesn't have '{operation.value}' access to:"]
    if records is None:
        lines.append(f"- {description} ({model})")
    else:
        lines.extend(f"- {description}, {name} ({model}: {id_})" for id_, name in records[:6])
        if blamed:
            lines += ["", "Blame the following rules:", *(f"- {name}" for name in blamed)]
        if company_hint:
            lines += ["", _COMPANY_NOTE]
    lines += ["", _COOKIES]
    return "\n".join(lines)
