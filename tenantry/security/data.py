"""Loading what the access checks need from a database: ACL rows, rules, groups.

Read with SQLAlchemy Core straight from the tables (the ORM would itself ask for
access checks). A snapshot is valid for one *security version*: a value in
``ir_config_parameter`` that every change to access rights, rules, groups or
users replaces, so that every process notices it on its next transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tenantry.orm.access import Operation
from tenantry.security.acl import AccessRow
from tenantry.security.rules import RuleRow

if TYPE_CHECKING:
    from tenantry.orm.registry import Registry

VERSION_KEY = "base.security_version"
BUMPED = "security.bumped"
"""``Transaction.data`` key: this transaction changed access data (and bumped the version)."""
_OPERATIONS = tuple(Operation)


@dataclass(frozen=True, slots=True)
class SecurityData:
    """Everything about access rights that does not depend on the user."""

    acl: Mapping[str, tuple[AccessRow, ...]]
    rules: Mapping[str, tuple[RuleRow, ...]]
    implied: Mapping[int, tuple[int, ...]]
    group_names: Mapping[int, str]
    group_xmlids: Mapping[str, int]
    descriptions: Mapping[str, str]


@dataclass
class SecurityState:
    """A snapshot for one version, plus what was derived from it per user (shared by threads)."""

    version: str | None
    data: SecurityData
    user_groups: dict[int, frozenset[int]] = field(default_factory=dict)
    model_access: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    domains: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    computed_domains: int = 0
    """How many rule domains were computed (not taken from ``domains``): for benchmarks."""


def read_version(conn: Connection, registry: Registry) -> str | None:
    table = registry["ir.config_parameter"]._table_obj
    return conn.execute(sa.select(table.c.value).where(table.c.key == VERSION_KEY)).scalar()


TRANSACTION_VERSION = "security.version"
"""``cr.data`` key: the security version as this transaction read it (set by the instance,
which reads it together with the registry version, or on first use)."""


def transaction_version(cr: Any) -> str | None:
    """The security version for this transaction, read at most once."""
    if TRANSACTION_VERSION not in cr.data:
        cr.data[TRANSACTION_VERSION] = read_version(cr.conn, cr.registry)
    version: str | None = cr.data[TRANSACTION_VERSION]
    return version


def bump_version(conn: Connection, registry: Registry) -> str:
    """Declare every security snapshot of this database stale (committed with the change)."""
    table = registry["ir.config_parameter"]._table_obj
    version = uuid.uuid4().hex
    updated = conn.execute(sa.update(table).where(table.c.key == VERSION_KEY).values(value=version))
    if updated.rowcount == 0:
        conn.execute(sa.insert(table).values(key=VERSION_KEY, value=version))
    return version


def load(conn: Connection, registry: Registry) -> SecurityData:
    """Read ACL rows, active rules, groups and model descriptions."""
    meta = registry.metadata.tables
    model_t = meta["ir_model"]
    acl_t = meta["ir_model_access"]
    acl: dict[str, list[AccessRow]] = {}
    rows = conn.execute(
        sa.select(
            acl_t.c.id, acl_t.c.name, model_t.c.model, acl_t.c.group_id,
            acl_t.c.perm_read, acl_t.c.perm_write, acl_t.c.perm_create, acl_t.c.perm_unlink,
        )
        .join(model_t, model_t.c.id == acl_t.c.model_id)
        .where(acl_t.c.active.is_(True))
    )  # fmt: skip
    for id_, name, model, group_id, *perms in rows:
        granted = frozenset(op for op, flag in zip(_OPERATIONS, perms, strict=True) if flag)
        acl.setdefault(model, []).append(AccessRow(id_, name, model, group_id, granted))

    rule_t = meta["ir_rule"]
    rule_groups = meta["rule_group_rel"]
    groups_of: dict[int, set[int]] = {}
    for rule_id, group_id in conn.execute(sa.select(rule_groups.c.rule_group_id, rule_groups.c.group_id)):
        groups_of.setdefault(rule_id, set()).add(group_id)
    rules: dict[str, list[RuleRow]] = {}
    rows = conn.execute(
        sa.select(
            rule_t.c.id, rule_t.c.name, model_t.c.model, rule_t.c.domain_force,
            rule_t.c.perm_read, rule_t.c.perm_write, rule_t.c.perm_create, rule_t.c.perm_unlink,
        )
        .join(model_t, model_t.c.id == rule_t.c.model_id)
        .where(rule_t.c.active.is_(True))
    )  # fmt: skip
    for id_, name, model, domain, *perms in rows:
        granted = frozenset(op for op, flag in zip(_OPERATIONS, perms, strict=True) if flag)
        row = RuleRow(
            id_, name or f"rule {id_}", model, frozenset(groups_of.get(id_, ())), domain or "", granted
        )
        rules.setdefault(model, []).append(row)

    implied_t = meta["res_groups_implied_rel"]
    implied: dict[int, list[int]] = {}
    for gid, hid in conn.execute(sa.select(implied_t.c.gid, implied_t.c.hid)):
        implied.setdefault(gid, []).append(hid)

    group_t = meta["res_groups"]
    category_t = meta["ir_module_category"]
    names: dict[int, str] = {}
    for gid, group_name, category in conn.execute(
        sa.select(group_t.c.id, group_t.c.name, category_t.c.name).outerjoin(
            category_t, category_t.c.id == group_t.c.category_id
        )
    ):
        names[gid] = f"{category}/{group_name}" if category else group_name

    data_t = meta["ir_model_data"]
    xmlids = {
        f"{module}.{name}": res_id
        for module, name, res_id in conn.execute(
            sa.select(data_t.c.module, data_t.c.name, data_t.c.res_id).where(data_t.c.model == "res.groups")
        )
    }
    descriptions = {model: name for model, name in conn.execute(sa.select(model_t.c.model, model_t.c.name))}
    return SecurityData(
        acl={m: tuple(r) for m, r in acl.items()},
        rules={m: tuple(r) for m, r in rules.items()},
        implied={g: tuple(h) for g, h in implied.items()},
        group_names=names,
        group_xmlids=xmlids,
        descriptions=descriptions,
    )


def direct_groups(conn: Connection, registry: Registry, uid: int) -> list[int]:
    """The user's rows of ``res_groups_users_rel`` (implied groups are stored there too)."""
    rel = registry.metadata.tables["res_groups_users_rel"]
    return list(conn.execute(sa.select(rel.c.gid).where(rel.c.uid == uid)).scalars())


def changed(env: Any) -> None:
    """Access data changed in ``env``'s transaction: stale snapshots everywhere.

    The version is replaced once per transaction; the transaction's own snapshot is
    dropped every time, so the rest of the transaction sees the change (snapshots of a
    transaction that changed access data are not shared: see ``SecurityPolicy.state``).
    """
    cr = env.cr
    if not cr.data.get(BUMPED):
        cr.data[TRANSACTION_VERSION] = bump_version(cr.conn, cr.registry)
        cr.data[BUMPED] = True
    cr.data.pop("security.state", None)
    cr.access_serial += 1
