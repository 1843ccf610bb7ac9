"""A lint for access rules: rule sets that do not do what they look like they do.

Beyond Odoo. ``lint(env)`` reads the database's ACL rows and record rules and
reports, as :class:`Finding` objects:

``reopened`` (the guide's "private addresses" pitfall)
    Two active group rules ``N`` (narrow) and ``W`` (wide) on the same model,
    sharing an operation, where ``W`` admits records that ``N`` excludes and some
    user can hold a group of each. Group rules are ORed, so for such a user ``W``
    re-opens what ``N`` closed. Reported when *every* holder of ``N``'s groups
    also gets ``W`` (through implied groups, e.g. ``W`` is on Internal User,
    which every application group implies: ``N`` then restricts nobody), and
    when the groups are unrelated but compatible (``N`` is undone for users who
    hold both). Not reported: when ``W``'s groups imply ``N``'s (a promotion,
    Odoo's usual "own documents" / "all documents" pair, where the wider group
    is meant to see more), and when the groups cannot meet in one user
    (internal, portal and public are exclusive user types).

    "Admits records that ``N`` excludes" is decided on the normalized domains,
    conservatively: it is assumed unless ``W`` structurally implies ``N`` (equal
    domains, ``N`` is ``TRUE``, ``W`` is a conjunction containing ``N``, ``N`` a
    disjunction containing ``W``, ``f in A`` within ``f in B``...). Equivalent
    domains spelled differently can therefore be reported; a pair where ``W``
    truly adds nothing in structure never is.

``invalid_domain``
    A rule whose domain text cannot be evaluated or parsed (only possible if it
    was changed behind the ORM's back, or a field it names went away): every
    access the rule concerns fails.

``never_matches``
    A rule whose domain matches no record: it normalizes to ``FALSE`` (e.g.
    ``[(0, '=', 1)]``, ``[('id', 'in', [])]``), or it is a conjunction of terms
    on one single-valued field that no value satisfies (``('id', '=', False)``
    and ``('id', '!=', False)``; ``= 1`` and ``= 2``), or contains a term and its
    negation. A global one closes the model to everybody; a group one grants
    nothing.

``no_acl``
    A model (neither abstract nor transient) without any ``ir.model.access``
    row: only the superuser can use it.

``inactive``
    Notes: inactive rules and ACL rows, and models whose only ACL rows are
    inactive. They are not enforced; worth knowing when a rule "does not work".

Rule domains are evaluated as the superuser would see them, with
``company_ids`` set to every company of the database (so that a company rule
never looks empty): a domain that depends on ``user`` is judged for that one
user.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from itertools import combinations
from typing import TYPE_CHECKING, Any

from tenantry.domain import (
    FALSE,
    TRUE,
    And,
    Constant,
    Domain,
    Leaf,
    ModelSchema,
    Not,
    Operator,
    Or,
    normalize,
)
from tenantry.exceptions import TenantryError, UserError
from tenantry.orm.access import Operation
from tenantry.orm.environment import SUPERUSER_ID, Environment
from tenantry.security.groups import USER_TYPE_GROUPS, implied_closure
from tenantry.security.policy import SecurityPolicy, rule_domain_node, rule_eval_names
from tenantry.security.rules import RuleRow

if TYPE_CHECKING:
    from tenantry.security.data import SecurityData

__all__ = ["Finding", "FindingKind", "lint"]


class FindingKind(StrEnum):
    """What a finding is about, most serious first."""

    REOPENED = "reopened"
    INVALID_DOMAIN = "invalid_domain"
    NEVER_MATCHES = "never_matches"
    NO_ACL = "no_acl"
    INACTIVE = "inactive"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: its kind, the model, a sentence, and the rules and groups involved."""

    kind: FindingKind
    model: str
    message: str
    rules: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(kind=self.kind.value, rules=list(self.rules), groups=list(self.groups))
        return data


def lint(env: Environment) -> list[Finding]:
    """Every finding for the database of ``env``, sorted by kind, model and message."""
    policy = env.cr.policy
    if not isinstance(policy, SecurityPolicy):
        raise UserError(f"Database {env.dbname!r} has no access policy (base is not installed)")
    data = policy.state(env).data
    probe = Environment(env.cr, SUPERUSER_ID, {}, su=True)
    names = rule_eval_names(probe)
    company_ids = sorted(probe["res.company"].with_context(active_test=False).search([]).ids)
    names.update(company_ids=company_ids, company_id=company_ids[0] if company_ids else False)
    findings: list[Finding] = []
    groups = _Groups(data)
    for model, rules in sorted(data.rules.items()):
        if model not in env.registry:
            continue
        nodes: dict[int, Domain] = {}
        for rule in rules:
            try:
                node = rule_domain_node(probe, model, rule.domain_force, names)
                schema = env.registry.schema
                node = normalize(node, schema[model], schema)
            except (TenantryError, TypeError, KeyError, ValueError, AttributeError) as exc:
                findings.append(_invalid(rule, exc, groups))
                continue
            if _unsatisfiable(node, env.registry.schema[model]):
                findings.append(_never(rule, groups))
                continue
            nodes[rule.id] = node
        findings.extend(_reopened(model, [r for r in rules if r.id in nodes], nodes, groups))
    findings.extend(_acl_findings(env, data))
    findings.extend(_inactive_rules(env))
    order = list(FindingKind)
    return sorted(findings, key=lambda f: (order.index(f.kind), f.model, f.message))


# -- the pitfall -------------------------------------------------------------------------------


class _Groups:
    """Group facts the pair analysis needs: closures, names, exclusive user types."""

    def __init__(self, data: SecurityData) -> None:
        self._data = data
        self._closures: dict[int, frozenset[int]] = {}
        self._user_types = {data.group_xmlids[x] for x in USER_TYPE_GROUPS if x in data.group_xmlids}

    def closure(self, group: int) -> frozenset[int]:
        found = self._closures.get(group)
        if found is None:
            found = self._closures[group] = implied_closure([group], self._data.implied)
        return found

    def all_imply(self, these: Iterable[int], those: frozenset[int]) -> bool:
        """Every holder of any of ``these`` holds one of ``those`` (through implication)."""
        return all(self.closure(g) & those for g in these)

    def can_meet(self, these: Iterable[int], those: Iterable[int]) -> bool:
        """Some user can hold a group of each (not two different exclusive user types)."""
        return any(
            len((self.closure(a) | self.closure(b)) & self._user_types) <= 1 for a in these for b in those
        )

    def names(self, groups: Iterable[int]) -> tuple[str, ...]:
        return tuple(sorted(self._data.group_names.get(g, f"group {g}") for g in groups))


def _reopened(
    model: str, rules: list[RuleRow], nodes: dict[int, Domain], groups: _Groups
) -> Iterator[Finding]:
    group_rules = sorted((r for r in rules if not r.is_global), key=lambda r: r.id)
    for first, second in combinations(group_rules, 2):
        forward = _widens(second, first, nodes, groups)
        backward = _widens(first, second, nodes, groups)
        if forward == backward == "both":
            yield _mutual(model, first, second, groups)
            continue
        if forward is not None:
            yield _reopening(model, second, first, forward, groups)
        if backward is not None:
            yield _reopening(model, first, second, backward, groups)


def _widens(wide: RuleRow, narrow: RuleRow, nodes: dict[int, Domain], groups: _Groups) -> str | None:
    """Whether ``wide`` re-opens what ``narrow`` excludes: ``"always"`` (for every user
    of ``narrow``), ``"both"`` (for users holding both), or None (a promotion, or never)."""
    if not narrow.perms & wide.perms or _implies(nodes[wide.id], nodes[narrow.id]):
        return None
    always = groups.all_imply(narrow.groups, wide.groups)
    promotion = groups.all_imply(wide.groups, narrow.groups)
    if (promotion and not always) or not groups.can_meet(narrow.groups, wide.groups):
        return None
    return "always" if always else "both"


def _reopening(model: str, wide: RuleRow, narrow: RuleRow, how: str, groups: _Groups) -> Finding:
    narrow_groups = ", ".join(groups.names(narrow.groups))
    wide_groups = ", ".join(groups.names(wide.groups))
    if how == "always":
        who = f"every user of {narrow_groups} also holds {wide_groups}: {narrow.name!r} restricts nobody"
    else:
        who = f"for users holding both {narrow_groups} and {wide_groups}"
    return Finding(
        FindingKind.REOPENED,
        model,
        f"{wide.name!r} {wide.domain_force} re-opens records that {narrow.name!r} "
        f"{narrow.domain_force} excludes ({_ops(wide, narrow)}); {who}.",
        rules=(wide.name, narrow.name),
        groups=groups.names(wide.groups | narrow.groups),
    )


def _mutual(model: str, first: RuleRow, second: RuleRow, groups: _Groups) -> Finding:
    both = " and ".join(", ".join(groups.names(r.groups)) for r in (first, second))
    return Finding(
        FindingKind.REOPENED,
        model,
        f"{first.name!r} {first.domain_force} and {second.name!r} {second.domain_force} each "
        f"re-open records the other excludes ({_ops(first, second)}), for users holding both {both}.",
        rules=(first.name, second.name),
        groups=groups.names(first.groups | second.groups),
    )


def _ops(a: RuleRow, b: RuleRow) -> str:
    return ", ".join(op.value for op in Operation if op in a.perms & b.perms)


def _implies(x: Domain, y: Domain) -> bool:
    """Whether every record matching ``x`` matches ``y``, as far as structure shows (sound)."""
    if x in (y, FALSE) or y == TRUE:
        return True
    if isinstance(x, Or):
        return all(_implies(child, y) for child in x.children)
    if isinstance(y, And):
        return all(_implies(x, child) for child in y.children)
    if isinstance(x, And) and any(_implies(child, y) for child in x.children):
        return True
    if isinstance(y, Or) and any(_implies(x, child) for child in y.children):
        return True
    if isinstance(x, Leaf) and isinstance(y, Leaf) and x.path == y.path:
        inner, outer = _values(x), _values(y)
        return inner is not None and outer is not None and x.operator in _POSITIVE and inner <= outer
    return False


_POSITIVE = (Operator.EQ, Operator.IN)


def _values(leaf: Leaf) -> frozenset[Any] | None:
    """The values of an ``=``/``in``/``!=``/``not in`` leaf, keyed so that 1 and True differ."""
    if leaf.operator in (Operator.EQ, Operator.NE):
        items: tuple[Any, ...] = (leaf.value,)
    elif leaf.operator in (Operator.IN, Operator.NOT_IN) and isinstance(leaf.value, tuple):
        items = leaf.value
    else:
        return None
    try:
        return frozenset((isinstance(v, bool), v) for v in items)
    except TypeError:
        return None


# -- never-matching rules ----------------------------------------------------------------------


def _unsatisfiable(node: Domain, model: ModelSchema) -> bool:
    """``FALSE``, or a conjunction that no record can satisfy (see the module docstring)."""
    if isinstance(node, Constant):
        return not node.value
    if isinstance(node, Or):
        return all(_unsatisfiable(child, model) for child in node.children)
    if isinstance(node, And):
        if any(_unsatisfiable(child, model) for child in node.children):
            return True
        children = set(node.children)
        if any(isinstance(c, Not) and c.child in children for c in node.children):
            return True
        return _conflicting(node.children, model)
    return False


def _conflicting(children: Iterable[Domain], model: ModelSchema) -> bool:
    """Terms on one single-valued field that no value satisfies together."""
    allowed: dict[str, frozenset[Any]] = {}
    excluded: dict[str, set[Any]] = {}
    for child in children:
        if not isinstance(child, Leaf) or len(child.path) != 1:
            continue
        field = model.field(child.path[0])
        values = _values(child)
        if field is None or field.type.is_x2many or values is None:
            continue
        name = child.path[0]
        if child.operator in _POSITIVE:
            allowed[name] = allowed[name] & values if name in allowed else values
        else:
            excluded.setdefault(name, set()).update(values)
    return any(not (values - excluded.get(name, set())) for name, values in allowed.items())


def _never(rule: RuleRow, groups: _Groups) -> Finding:
    effect = (
        "a global rule: the model is closed to everybody but the superuser"
        if rule.is_global
        else "it grants nothing to its groups"
    )
    return Finding(
        FindingKind.NEVER_MATCHES,
        rule.model,
        f"{rule.name!r} can never match ({rule.domain_force}): {effect}.",
        rules=(rule.name,),
        groups=groups.names(rule.groups),
    )


def _invalid(rule: RuleRow, exc: Exception, groups: _Groups) -> Finding:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Finding(
        FindingKind.INVALID_DOMAIN,
        rule.model,
        f"{rule.name!r} has a domain that cannot be evaluated ({rule.domain_force}): {reason}; "
        "every access it concerns fails.",
        rules=(rule.name,),
        groups=groups.names(rule.groups),
    )


# -- ACLs and inactive data --------------------------------------------------------------------


def _acl_findings(env: Environment, data: SecurityData) -> Iterator[Finding]:
    access = env(su=True)["ir.model.access"].with_context(active_test=False)
    inactive: dict[str, list[str]] = {}
    for row in access.search([("active", "=", False)]):
        inactive.setdefault(row.model_id.model, []).append(row.name or f"access {row.id}")
    for model in sorted(env.registry):
        cls = env.registry[model]
        if cls._abstract or cls._transient or cls._superuser_only:
            continue
        if model in data.acl:
            continue
        if model in inactive:
            yield Finding(
                FindingKind.INACTIVE,
                model,
                f"{model} has only inactive ACL rows ({', '.join(sorted(inactive[model]))}): "
                "only the superuser can use it.",
            )
        else:
            yield Finding(
                FindingKind.NO_ACL,
                model,
                f"{model} has no ACL row (ir.model.access): only the superuser can use it.",
            )
    for model, rows in sorted(inactive.items()):
        if model in data.acl:
            yield Finding(
                FindingKind.INACTIVE, model, f"ACL rows {', '.join(sorted(rows))} on {model} are inactive."
            )


def _inactive_rules(env: Environment) -> Iterator[Finding]:
    rules = env(su=True)["ir.rule"].with_context(active_test=False).search([("active", "=", False)])
    for rule in rules:
        name = rule.name or f"rule {rule.id}"
        yield Finding(
            FindingKind.INACTIVE,
            rule.model_id.model,
            f"Rule {name!r} on {rule.model_id.model} is inactive: it restricts nothing.",
            rules=(name,),
        )
