"""Why a user may or may not do something: the ACL rows and record rules, spelled out.

Beyond Odoo. ``explain(env, user_id, model, operation, record_id)`` replays the
policy's decision for one user and says which piece of data decided it::

    >>> print(explain(env, sam.id, "sale.order", Operation.READ, 1).render())
    User: Sam Seller (login 'sam', id 7)
    ...
    Record 1 (S00001): refused
      kept out by: Personal Orders (none of the user's group rules admits it)

The answer is computed from the same data the policy enforces (the active ACL
rows and rules of :class:`~tenantry.security.data.SecurityData`, the policy's
own effective domain); inactive rows are listed too, marked as such, because
they are the usual answer to "why does this rule not apply?". The user's
environment has no ``allowed_company_ids`` unless ``company_ids`` is given, so
``company_ids`` in rules means all of the user's companies.

What the explanation shows of a record depends on who asks (``env``): its display name
only to the superuser, to access-rights managers (``base.group_erp_manager``) and to
callers who may read it themselves; and, to everyone else, nothing at all about a
record of a model they may not read (an ``AccessError``, as ``exists`` gives).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tenantry.domain import FALSE, TRUE, CompileContext, Domain, compile_domain, normalize
from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.orm.access import Operation
from tenantry.orm.environment import SUPERUSER_ID, Environment
from tenantry.security.acl import AccessRow
from tenantry.security.policy import SecurityPolicy, rule_domain_node, rule_eval_names
from tenantry.security.rules import RuleRow

if TYPE_CHECKING:
    from tenantry.security.data import SecurityData

__all__ = ["AclLine", "Explanation", "RecordCheck", "RuleCheck", "RuleLine", "explain"]

_PERM_LETTERS = {Operation.READ: "r", Operation.WRITE: "w", Operation.CREATE: "c", Operation.UNLINK: "u"}


@dataclass(frozen=True, slots=True)
class AclLine:
    """One ``ir.model.access`` row of the model, as it concerns the user."""

    id: int
    name: str
    group: str | None
    """The group's full name; None for a row that applies to everyone."""
    perms: tuple[str, ...]
    """The operations the row grants (``read``, ``write``, ``create``, ``unlink``)."""
    active: bool
    applies: bool
    """Active, and for everyone or for one of the user's groups."""
    grants: bool
    """Applies, and grants the explained operation."""


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One ``ir.rule`` of the model, as it concerns the user and the operation."""

    id: int
    name: str
    is_global: bool
    groups: tuple[str, ...]
    domain: str
    """The rule's ``domain_force`` text, as written."""
    perms: tuple[str, ...]
    active: bool
    applies: bool
    reason: str
    """Why it applies or not: ``global``, ``group <name>``, ``inactive``, ``not for write``..."""


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """Whether the explained record satisfies one applicable rule."""

    rule: str
    is_global: bool
    satisfied: bool


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """The verdict on one record: the rules it satisfies, and who lets it in or keeps it out."""

    id: int
    exists: bool
    display_name: str
    passes_rules: bool
    allowed: bool
    """Model access granted and the rules pass."""
    checks: tuple[RuleCheck, ...]
    let_in_by: tuple[str, ...]
    """The user's group rules the record satisfies (any one is enough), when the globals hold."""
    kept_out_by: tuple[str, ...]
    """Failing global rules; and every group rule of the user when none of them is satisfied."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything :func:`explain` found; ``to_dict()`` for the wire, ``render()`` for people."""

    user_id: int
    login: str
    user_name: str
    superuser: bool
    groups: tuple[str, ...]
    model: str
    description: str
    operation: str
    acl: tuple[AclLine, ...]
    acl_allowed: bool
    rules: tuple[RuleLine, ...]
    domain: Any
    """The effective rule domain (values substituted) in list form; None: no restriction."""
    companies: tuple[int, ...]
    record: RecordCheck | None
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (lists, strings, numbers, booleans, None)."""
        return _plain(asdict(self))  # type: ignore[no-any-return]

    def render(self) -> str:
        """A readable report, one fact per line."""
        lines = [
            f"User: {self.user_name} (login {self.login!r}, id {self.user_id})",
            f"Groups: {', '.join(self.groups) or '(none)'}",
            f"Model: {self.description} ({self.model}), operation: {self.operation}",
        ]
        if self.superuser:
            lines += ["", f"Verdict: {self.verdict}"]
            return "\n".join(lines)
        lines += ["", f"Model access (ir.model.access): {'granted' if self.acl_allowed else 'refused'}"]
        if not self.acl:
            lines.append("  (no ACL row for this model: only the superuser may access it)")
        for row in self.acl:
            mark = "x" if row.grants else " "
            who = row.group or "everyone"
            status = "grants" if row.grants else _acl_status(row, self.operation)
            lines.append(f"  [{mark}] {row.name}  ({who}; {_perm_text(row.perms)})  {status}")
        lines += ["", f"Record rules (ir.rule) for {self.operation}:"]
        if not self.rules:
            lines.append("  (no rule on this model: no record restriction)")
        for rule in self.rules:
            mark = "x" if rule.applies else " "
            kind = "global" if rule.is_global else "groups: " + ", ".join(rule.groups)
            lines.append(f"  [{mark}] {rule.name}  ({kind})  {rule.reason}")
            lines.append(f"      {rule.domain or '(empty domain: every record)'}")
        shown = "no restriction" if self.domain is None else _domain_text(self.domain)
        lines.append(f"Effective domain: {shown}")
        if self.companies:
            lines.append(f"Companies (company_ids): {list(self.companies)}")
        if self.record is not None:
            lines += ["", *_record_lines(self.record)]
        lines += ["", f"Verdict: {self.verdict}"]
        return "\n".join(lines)


def explain(
    env: Environment,
    user_id: int,
    model: str,
    operation: Operation | str,
    record_id: int | None = None,
    *,
    company_ids: Sequence[int] | None = None,
) -> Explanation:
    """Explain the policy's decision for ``user_id`` doing ``operation`` on ``model``
    (and on record ``record_id``, if given). ``env`` is any environment of the database;
    ``company_ids`` sets the user's active companies (default: all of them)."""
    if operation not in tuple(Operation):
        raise ValidationError(f"Invalid access operation {operation!r}")
    operation = Operation(operation)
    if record_id is not None and (not isinstance(record_id, int) or isinstance(record_id, bool)):
        raise ValidationError(f"Invalid record id {record_id!r}")
    policy = env.cr.policy
    if not isinstance(policy, SecurityPolicy):
        raise UserError(f"Database {env.dbname!r} has no access policy (base is not installed)")
    if not isinstance(model, str) or model not in env.registry:
        raise UserError(f"Unknown model {model!r}")
    sudo = env(su=True, context={"active_test": False})
    user = sudo["res.users"].browse(user_id).exists()
    if not user:
        raise UserError(f"Unknown user id {user_id}")
    context: dict[str, Any] = {"allowed_company_ids": list(company_ids)} if company_ids else {}
    user_env = Environment(env.cr, user_id, context, su=False)
    data = policy.state(env).data
    superuser = user_id == SUPERUSER_ID
    groups = policy.groups(user_env, user_id)
    group_names = tuple(sorted(_group_name(data, g) for g in groups))

    acl = _acl_lines(env, data, model, operation, groups)
    rules = _rule_lines(env, data, model, operation, groups)
    common: dict[str, Any] = {
        "user_id": user_id,
        "login": user.login or "",
        "user_name": user.name or "",
        "superuser": superuser,
        "groups": group_names,
        "model": model,
        "description": data.descriptions.get(model, model),
        "operation": operation.value,
        "acl": acl,
        "rules": rules,
    }
    if record_id is not None:
        _check_may_see_records(env, model)
    if superuser:
        record = _superuser_record(env, model, record_id) if record_id is not None else None
        return Explanation(
            **common, acl_allowed=True, domain=None, companies=(), record=record,
            verdict="superuser: no restriction",
        )  # fmt: skip

    acl_allowed = policy.check_model(user_env, model, operation, raise_exception=False)
    effective = policy.rule_domain(user_env, model, operation)
    companies = tuple(user_env.companies.ids)
    record = None
    if record_id is not None:
        record = _record_check(policy, env, user_env, model, operation, record_id, acl_allowed, effective)
    return Explanation(
        **common,
        acl_allowed=acl_allowed,
        domain=None if effective is None else _wire(effective.to_list()),
        companies=companies,
        record=record,
        verdict=_verdict(operation, acl_allowed, effective, record),
    )


# -- ACL rows and rules --------------------------------------------------------------------------


def _acl_lines(
    env: Environment, data: SecurityData, model: str, operation: Operation, groups: frozenset[int]
) -> tuple[AclLine, ...]:
    lines = []
    rows = [(row, True) for row in data.acl.get(model, ())] + _inactive_acl(env, model)
    for access, active in sorted(rows, key=lambda r: r[0].id):
        applies = active and (access.group_id is None or access.group_id in groups)
        lines.append(
            AclLine(
                id=access.id,
                name=access.name,
                group=None if access.group_id is None else _group_name(data, access.group_id),
                perms=_perm_names(access.perms),
                active=active,
                applies=applies,
                grants=applies and operation in access.perms,
            )
        )
    return tuple(lines)


def _inactive_acl(env: Environment, model: str) -> list[tuple[AccessRow, bool]]:
    records = (
        env(su=True)["ir.model.access"]
        .with_context(active_test=False)
        .search([("active", "=", False), ("model_id.model", "=", model)])
    )
    return [
        (
            AccessRow(
                r.id, r.name or "", model, r.group_id.id or None,
                frozenset(op for op in Operation if getattr(r, f"perm_{op.value}")),
            ),
            False,
        )
        for r in records
    ]  # fmt: skip


def _rule_lines(
    env: Environment, data: SecurityData, model: str, operation: Operation, groups: frozenset[int]
) -> tuple[RuleLine, ...]:
    rows = [(rule, True) for rule in data.rules.get(model, ())] + _inactive_rules(env, model)
    lines = []
    for rule, active in sorted(rows, key=lambda r: r[0].id):
        mine = sorted(_group_name(data, g) for g in rule.groups & groups)
        if not active:
            applies, reason = False, "inactive"
        elif operation not in rule.perms:
            applies, reason = False, f"not for {operation.value}"
        elif rule.is_global:
            applies, reason = True, "global: always applies"
        elif mine:
            applies, reason = True, f"applies through {', '.join(mine)}"
        else:
            applies, reason = False, "not in the user's groups"
        lines.append(
            RuleLine(
                id=rule.id,
                name=rule.name,
                is_global=rule.is_global,
                groups=tuple(sorted(_group_name(data, g) for g in rule.groups)),
                domain=rule.domain_force,
                perms=_perm_names(rule.perms),
                active=active,
                applies=applies,
                reason=reason,
            )
        )
    return tuple(lines)


def _inactive_rules(env: Environment, model: str) -> list[tuple[RuleRow, bool]]:
    records = (
        env(su=True)["ir.rule"]
        .with_context(active_test=False)
        .search([("active", "=", False), ("model_id.model", "=", model)])
    )
    return [
        (
            RuleRow(
                r.id, r.name or f"rule {r.id}", model, frozenset(r.groups.ids), r.domain_force or "",
                frozenset(op for op in Operation if getattr(r, f"perm_{op.value}")),
            ),
            False,
        )
        for r in records
    ]  # fmt: skip


# -- one record ----------------------------------------------------------------------------------


def _record_check(
    policy: SecurityPolicy,
    env: Environment,
    user_env: Environment,
    model: str,
    operation: Operation,
    record_id: int,
    acl_allowed: bool,
    effective: Domain | None,
) -> RecordCheck:
    if not env(su=True)[model].browse(record_id).exists():
        return RecordCheck(record_id, False, "", False, False, (), (), ())
    data = policy.state(user_env).data
    groups = policy.groups(user_env)
    names = rule_eval_names(user_env)
    checks: list[RuleCheck] = []
    failing_globals: list[str] = []
    admitting: list[str] = []
    group_rules: list[str] = []
    for rule in sorted(data.rules.get(model, ()), key=lambda r: r.id):
        if operation not in rule.perms or not (rule.is_global or rule.groups & groups):
            continue
        node = _rule_node(user_env, rule, names)
        ok = _matches(user_env, model, node, record_id)
        checks.append(RuleCheck(rule.name, rule.is_global, ok))
        if rule.is_global:
            if not ok:
                failing_globals.append(rule.name)
        else:
            group_rules.append(rule.name)
            if ok:
                admitting.append(rule.name)
    passes = effective is None or _matches(user_env, model, effective, record_id)
    kept_out = list(failing_globals)
    if group_rules and not admitting:
        kept_out += group_rules
    return RecordCheck(
        id=record_id,
        exists=True,
        display_name=_visible_name(env, model, record_id),
        passes_rules=passes,
        allowed=acl_allowed and passes,
        checks=tuple(checks),
        let_in_by=tuple(admitting) if not failing_globals else (),
        kept_out_by=tuple(kept_out),
    )


def _superuser_record(env: Environment, model: str, record_id: int) -> RecordCheck:
    found = bool(env(su=True)[model].browse(record_id).exists())
    name = _visible_name(env, model, record_id) if found else ""
    return RecordCheck(record_id, found, name, found, found, (), (), ())


def _manages_access(env: Environment) -> bool:
    return env.su or bool(env.user.has_group("base.group_erp_manager"))


def _check_may_see_records(env: Environment, model: str) -> None:
    """Whether a record of ``model`` exists is for those who may read the model (as ``exists``)."""
    if not _manages_access(env):
        env[model].check_access_rights("read")


def _visible_name(env: Environment, model: str, record_id: int) -> str:
    """The record's display name as the caller (``env``) may see it: in full for access-rights
    managers, else only if the caller may read the record (and its name field) themselves."""
    if _manages_access(env):
        return str(env(su=True)[model].browse(record_id).display_name or "")
    try:
        found = env[model].with_context(active_test=False).search([("id", "=", record_id)])
        return str(found.display_name or "") if found else ""
    except AccessError:
        return ""


def _rule_node(env: Environment, rule: RuleRow, names: dict[str, Any]) -> Domain:
    try:
        return rule_domain_node(env, rule.model, rule.domain_force, names)
    except ValidationError as exc:
        raise ValidationError(f"Invalid domain in record rule {rule.name!r}: {exc}") from exc


def _matches(env: Environment, model: str, node: Domain, record_id: int) -> bool:
    """Whether record ``record_id`` satisfies ``node``, in SQL (as the policy filters)."""
    schema = env.registry.schema
    node = normalize(node, schema[model], schema)
    if node == FALSE:
        return False
    table = schema[model].table
    stmt = sa.select(table.c.id).where(table.c.id == record_id)
    if node != TRUE:
        stmt = stmt.where(compile_domain(node, schema[model], schema, CompileContext(active_test=False)))
    return env.cr.conn.execute(stmt).first() is not None


# -- wording ---------------------------------------------------------------------------------


def _verdict(
    operation: Operation, acl_allowed: bool, effective: Domain | None, record: RecordCheck | None
) -> str:
    op = operation.value
    if not acl_allowed:
        return f"refused: no ACL row grants {op} to the user's groups (checked before any rule)"
    if record is None:
        if effective is None:
            return f"allowed: {op} on every record (no record rule restricts this user)"
        return f"allowed on the records matching the effective domain ({op})"
    if not record.exists:
        return f"record {record.id} does not exist"
    if effective is None:
        return f"allowed: no record rule restricts {op} for this user"
    if record.allowed:
        via = ", ".join(record.let_in_by)
        return f"allowed: record {record.id} passes the rules" + (f" (let in by {via})" if via else "")
    return f"refused: record {record.id} is kept out by {', '.join(record.kept_out_by)}"


def _record_lines(record: RecordCheck) -> list[str]:
    if not record.exists:
        return [f"Record {record.id}: does not exist"]
    state = "passes the rules" if record.passes_rules else "refused by the rules"
    lines = [f"Record {record.id} ({record.display_name}): {state}"]
    for check in record.checks:
        kind = "global" if check.is_global else "group "
        lines.append(f"  {kind}  {check.rule}: {'satisfied' if check.satisfied else 'not satisfied'}")
    if record.let_in_by:
        lines.append(f"  let in by: {', '.join(record.let_in_by)}")
    if record.kept_out_by:
        globals_ = [c.rule for c in record.checks if c.is_global and not c.satisfied]
        groups = [name for name in record.kept_out_by if name not in globals_]
        for name in globals_:
            lines.append(f"  kept out by: {name} (a global rule: nobody escapes it)")
        if groups:
            lines.append(f"  kept out by: {', '.join(groups)} (none of the user's group rules admits it)")
    return lines


def _acl_status(row: AclLine, operation: str) -> str:
    if not row.active:
        return "inactive"
    if not row.applies:
        return "not the user's group"
    return f"does not grant {operation}"


def _perm_names(perms: frozenset[Operation]) -> tuple[str, ...]:
    return tuple(op.value for op in Operation if op in perms)


def _perm_text(perms: tuple[str, ...]) -> str:
    return "".join(_PERM_LETTERS[op] if op.value in perms else "-" for op in Operation)


def _group_name(data: SecurityData, group_id: int) -> str:
    return data.group_names.get(group_id, f"group {group_id}")


def _wire(domain: list[Any]) -> list[Any]:
    """A domain's list form with terms as tuples and collection values as lists."""
    out: list[Any] = []
    for item in domain:
        if isinstance(item, tuple) and len(item) == 3:
            path, op, value = item
            if isinstance(value, list):
                value = _wire(value)  # an ``any`` sub-domain
            elif isinstance(value, tuple):
                value = list(value)
            out.append((path, op, value))
        else:
            out.append(item)
    return out


def _domain_text(domain: list[Any]) -> str:
    return repr(domain)


def _plain(value: Any) -> Any:
    """``value`` with tuples as lists and dates as ISO strings, recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
