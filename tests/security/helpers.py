"""Builders for users, groups, ACL rows and rules, made as superuser inside the test's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tenantry.orm.environment import Environment

PERMS = ("read", "write", "create", "unlink")


def group_ids(env: Environment, groups: Iterable[Any]) -> list[int]:
    """Ids of groups given as ids, records or xml ids."""
    ids: list[int] = []
    for group in groups:
        if isinstance(group, str):
            ids.append(env.ref(group).id)
        elif isinstance(group, int):
            ids.append(group)
        else:
            ids.extend(group.ids)
    return ids


def make_group(env: Environment, name: str, implied: Iterable[Any] = (), **values: Any) -> Any:
    su = env(su=True)
    return su["res.groups"].create({"name": name, "implied_ids": [(6, 0, group_ids(env, implied))], **values})


def make_user(
    env: Environment,
    login: str,
    groups: Iterable[Any] = ("base.group_user",),
    company: Any = None,
    companies: Iterable[Any] | None = None,
    **values: Any,
) -> Any:
    su = env(su=True)
    vals: dict[str, Any] = {
        "name": values.pop("name", login.title()),
        "login": login,
        "groups_id": [(6, 0, group_ids(env, groups))],
        **values,
    }
    if company is not None:
        vals["company_id"] = company.id
        vals["company_ids"] = [(6, 0, [c.id for c in (companies or [company])])]
    return su["res.users"].create(vals)


def grant(env: Environment, model: str, group: Any = None, perms: str = "rwcu", name: str = "") -> Any:
    """An ``ir.model.access`` row; ``perms`` spells the granted operations (``r``, ``w``, ``c``, ``u``)."""
    su = env(su=True)
    gid = group_ids(env, [group])[0] if group is not None else False
    return su["ir.model.access"].create(
        {
            "name": name or f"{model} {perms}",
            "model_id": su["ir.model"]._get_id(model),
            "group_id": gid,
            **{f"perm_{p}": p[0] in perms for p in PERMS},
        }
    )


def make_rule(
    env: Environment,
    model: str,
    domain: str,
    groups: Iterable[Any] = (),
    perms: str = "rwcu",
    name: str = "",
    **values: Any,
) -> Any:
    """An ``ir.rule``: global without ``groups``; ``perms`` as for :func:`grant`."""
    su = env(su=True)
    return su["ir.rule"].create(
        {
            "name": name or f"{model}: {domain}",
            "model_id": su["ir.model"]._get_id(model),
            "domain_force": domain,
            "groups": [(6, 0, group_ids(env, groups))],
            **{f"perm_{p}": p[0] in perms for p in PERMS},
            **values,
        }
    )


def as_user(env: Environment, user: Any, **context: Any) -> Environment:
    """A separate environment of ``user`` on the same transaction."""
    return Environment(env.cr, user.id, context or None)
