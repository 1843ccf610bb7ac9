"""The access policy of databases with ``base``: Odoo's ACLs, record rules and field groups.

The ORM asks this policy (see :mod:`tenantry.orm.access`) before every search,
read, write, create and unlink; superuser mode never reaches it. Loaded data and
per-user results (group closures, model access, rule domains) are cached per
database and process, for one security version (:mod:`tenantry.security.data`).
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tenantry.domain import (
    FALSE,
    TRUE,
    CompileContext,
    Domain,
    compile_domain,
    default_eval_names,
    normalize,
    parse,
    safe_eval,
)
from tenantry.exceptions import AccessError, ValidationError
from tenantry.orm.access import Operation
from tenantry.orm.recordset import Recordset
from tenantry.security import data as security_data
from tenantry.security.acl import access_error_message, allowed, granting_groups
from tenantry.security.groups import has_groups, implied_closure
from tenantry.security.rules import RuleRow, applicable, combine, rule_error_message

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

_STATE = "security.state"


class SecurityCaches:
    """The cached security state of each database of one instance (one process)."""

    def __init__(self) -> None:
        self._states: dict[str, security_data.SecurityState] = {}
        self._lock = threading.Lock()

    def get(self, db: str) -> security_data.SecurityState | None:
        return self._states.get(db)

    def put(self, db: str, state: security_data.SecurityState) -> None:
        with self._lock:
            self._states[db] = state

    def forget(self, db: str) -> None:
        with self._lock:
            self._states.pop(db, None)


class SecurityPolicy:
    """Enforces ``ir.model.access``, ``ir.rule`` and ``groups=`` for one database."""

    def __init__(self, caches: SecurityCaches) -> None:
        self._caches = caches

    # -- state -------------------------------------------------------------------------

    def state(self, env: Environment) -> security_data.SecurityState:
        """The snapshot for this transaction (the version is read once per transaction)."""
        cr = env.cr
        state: security_data.SecurityState | None = cr.data.get(_STATE)
        if state is not None:
            return state
        version = security_data.transaction_version(cr)
        # Once this transaction changed access data, its version is its own (uncommitted,
        # bumped once) while the data keeps changing: such snapshots are never shared.
        shared = version is not None and not cr.data.get(security_data.BUMPED)
        state = self._caches.get(cr.dbname) if shared else None
        if state is None or state.version != version:
            state = security_data.SecurityState(version, security_data.load(cr.conn, cr.registry))
            if shared:
                self._caches.put(cr.dbname, state)
        cr.data[_STATE] = state
        return state

    def groups(self, env: Environment, uid: int | None = None) -> frozenset[int]:
        """The groups of a user, implied groups included: the user's stored rows (which
        hold implied groups, as in Odoo 17) closed over ``implied_ids`` again, for rows
        written before that or outside the ORM."""
        state = self.state(env)
        uid = env.uid if uid is None else uid
        found = state.user_groups.get(uid)
        if found is None:
            direct = security_data.direct_groups(env.cr.conn, env.cr.registry, uid)
            found = implied_closure(direct, state.data.implied)
            state.user_groups[uid] = found
        return found

    def group_id(self, env: Environment, xml_id: str) -> int | None:
        return self.state(env).data.group_xmlids.get(xml_id)

    # -- model access ---------------------------------------------------------------------

    def check_model(
        self, env: Environment, model: str, operation: Operation, raise_exception: bool = True
    ) -> bool:
        state = self.state(env)
        key = (env.uid, model, operation)
        ok = state.model_access.get(key)
        if ok is None:
            ok = allowed(state.data.acl.get(model, ()), operation, self.groups(env))
            state.model_access[key] = ok
        if ok or not raise_exception:
            return ok
        rows = state.data.acl.get(model, ())
        names = [state.data.group_names.get(g, str(g)) for g in granting_groups(rows, operation)]
        description = state.data.descriptions.get(model, model)
        raise AccessError(
            access_error_message(description, model, operation, names),
            context={"model": model, "operation": operation.value},
        )

    # -- record rules ---------------------------------------------------------------------

    def rule_domain(self, env: Environment, model: str, operation: Operation) -> Domain | None:
        state = self.state(env)
        companies = tuple(env.context.get("allowed_company_ids") or ())
        key = (env.uid, model, operation, companies)
        if key in state.domains:
            return state.domains[key]  # type: ignore[no-any-return]
        rules = applicable(state.data.rules.get(model, ()), operation, self.groups(env))
        result: Domain | None = None
        if rules:
            names = self.eval_names(env)
            node = combine(
                [self.rule_node(env, rule, names) for rule in rules.globals],
                [self.rule_node(env, rule, names) for rule in rules.group_rules],
            )
            schema = env.registry.schema
            node = normalize(node, schema[model], schema)
            result = None if node == TRUE else node
        state.domains[key] = result
        state.computed_domains += 1
        return result

    def eval_names(self, env: Environment) -> dict[str, Any]:
        return rule_eval_names(env)

    def rule_node(self, env: Environment, rule: RuleRow, names: dict[str, Any]) -> Domain:
        try:
            return rule_domain_node(env, rule.model, rule.domain_force, names)
        except ValidationError as exc:
            raise ValidationError(f"Invalid domain in record rule {rule.name!r}: {exc}") from exc

    def forbidden(self, records: Recordset, operation: Operation, ids: Collection[int]) -> Exception:
        env = records.env
        state = self.state(env)
        model = records._name
        user = env(su=True)["res.users"].browse(env.uid)
        description = state.data.descriptions.get(model, model)
        groups = self.groups(env)
        detailed = {self.group_id(env, "base.group_user"), self.group_id(env, "base.group_no_one")} <= groups
        shown: list[tuple[int, str]] | None = None
        blamed: list[str] = []
        company_hint = False
        if detailed:
            # Odoo shows the records' display names (read as the superuser) to these users;
            # not when the name comes from a field they may not read.
            targets = env(su=True)[model].browse(sorted(ids)[:6])
            shown = [(t.id, t._display_name_for(env)) for t in targets]
            failing = self._failing(env, model, operation, sorted(ids))
            blamed = [rule.name for rule in failing]
            company_hint = any("company_id" in rule.domain_force for rule in failing)
        message = rule_error_message(
            user.name or user.login or str(env.uid),
            env.uid,
            operation,
            description,
            model,
            records=shown,
            blamed=blamed,
            company_hint=company_hint,
        )
        return AccessError(
            message, context={"model": model, "operation": operation.value, "ids": sorted(ids)}
        )

    def _failing(self, env: Environment, model: str, operation: Operation, ids: list[int]) -> list[RuleRow]:
        """The rules to blame: each failing global rule, and all group rules when their OR fails."""
        state = self.state(env)
        rules = applicable(state.data.rules.get(model, ()), operation, self.groups(env))
        names = self.eval_names(env)
        blamed: list[RuleRow] = []
        for rule in rules.globals:
            if len(self._matching(env, model, self.rule_node(env, rule, names), ids)) < len(ids):
                blamed.append(rule)
        if rules.group_rules:
            either = combine([], [self.rule_node(env, r, names) for r in rules.group_rules])
            if len(self._matching(env, model, either, ids)) < len(ids):
                blamed.extend(rules.group_rules)
        return sorted(blamed, key=lambda r: r.id)

    def _matching(self, env: Environment, model: str, node: Domain, ids: Iterable[int]) -> set[int]:
        schema = env.registry.schema
        node = normalize(node, schema[model], schema)
        table = schema[model].table
        stmt = sa.select(table.c.id).where(table.c.id.in_(list(ids)))
        if node == FALSE:
            return set()
        if node != TRUE:
            stmt = stmt.where(compile_domain(node, schema[model], schema, CompileContext(active_test=False)))
        return set(env.cr.conn.execute(stmt).scalars())

    # -- field groups ---------------------------------------------------------------------

    def field_allowed(self, env: Environment, model: str, field_name: str) -> bool:
        field = env.registry[model]._fields.get(field_name)
        if field is None or not field.groups:
            return True
        return has_groups(field.groups, self.groups(env), self.state(env).data.group_xmlids)

    def check_fields(
        self, env: Environment, model: str, field_names: Collection[str], operation: Operation
    ) -> None:
        refused = [name for name in field_names if not self.field_allowed(env, model, name)]
        if not refused:
            return
        state = self.state(env)
        description = state.data.descriptions.get(model, model)
        lines = []
        for name in refused:
            spec = env.registry[model]._fields[name].groups or "."
            if spec.strip() == ".":
                lines.append(f"- {name} (always forbidden)")
            else:
                xmlids = [x.strip() for x in spec.split(",") if x.strip() and not x.strip().startswith("!")]
                groups = [state.data.group_names.get(state.data.group_xmlids.get(x, -1), x) for x in xmlids]
                lines.append(f"- {name} (allowed for groups {', '.join(repr(g) for g in groups)})")
        verb = "read" if operation is Operation.READ else "write"
        raise AccessError(
            "The requested operation can not be completed due to security restrictions.\n\n"
            f"Document type: {description} ({model})\nOperation: {verb}\nUser: {env.uid}\nFields:\n"
            + "\n".join(lines),
            context={"model": model, "fields": refused},
        )


def rule_eval_names(env: Environment) -> dict[str, Any]:
    """What a rule's ``domain_force`` may use: ``user`` (the current user, without
    context), ``company_ids`` (the active companies), ``company_id`` (the current
    company), ``time``, ``datetime`` and ``context_today``."""
    names = default_eval_names()
    names["user"] = env(su=True, context={})["res.users"].browse(env.uid)
    names["company_ids"] = env.companies.ids
    names["company_id"] = env.company.id or False
    return names


def rule_domain_node(env: Environment, model: str, text: str, names: dict[str, Any]) -> Domain:
    """A rule's domain text, evaluated safely and parsed against ``model``.

    Errors never show a value the text read from records (``user`` is read as the
    superuser): when the domain it evaluates to is invalid, they name the term, not
    its values, unless the text reads no record at all.
    """
    text = (text or "").strip()
    if not text:
        return TRUE
    schema = env.registry.schema
    value = safe_eval(text, names)
    if not isinstance(value, list | tuple):
        raise ValidationError(f"a domain must be a list, not {type(value).__name__}")
    try:
        return parse(list(value), schema[model], schema)
    except ValidationError as exc:
        if not _reads_records(text, names):
            raise
        position = exc.context.get("position")
        where = f"term #{position} of " if position else ""
        shown = text if len(text) <= 120 else text[:117] + "..."
        raise ValidationError(
            f"Invalid domain {shown!r}: {where}the domain it evaluates to is invalid on model "
            f"{model!r} (values read from records are not shown).",
            context={"model": model, "position": position},
        ) from None


def _reads_records(text: str, names: dict[str, Any]) -> bool:
    """Whether ``text`` (valid, already evaluated) names a record of ``names`` (``user``)."""
    records = {name for name, value in names.items() if isinstance(value, Recordset)}
    return any(
        isinstance(node, ast.Name) and node.id in records for node in ast.walk(ast.parse(text, mode="eval"))
    )
