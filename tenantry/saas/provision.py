"""Provisioning: a template becomes a new client database, cloned or from a spare, then personalised.

::

    made = provision(instance, "t1.example.com", "acme.example.com",
                     Personalization(owner_login="jo@acme.com", company_name="Acme"), pool=pool)
    made.source   # "spare" when the pool had one, else "clone"

Either the client is complete or nothing of it is left: a failure after the copy
drops it. The owner keeps no password (the portal logs them in).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tenantry.db.names import validate_client_name, validate_name
from tenantry.exceptions import MissingError, ValidationError
from tenantry.orm.fields import Datetime

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm.environment import Environment
    from tenantry.saas.spares import SparePool

__all__ = ["OWNER_XMLID", "Personalization", "Provisioned", "personalize", "provision"]

OWNER_XMLID = "saas_client.owner_user"
"""The template's owner user; templates without it use their administrator (``base.user_admin``)."""
_MAX_TEXT = 256
_MAX_PARAMS = 200


@dataclass(frozen=True)
class Personalization:
    """What makes a clone someone's database. ``None`` keeps the template's value."""

    owner_login: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    company_name: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    """``ir.config_parameter`` keys and values (e.g. ``saas_client.max_users``)."""

    def __post_init__(self) -> None:
        for name in ("owner_login", "owner_name", "owner_email", "company_name"):
            value = getattr(self, name)
            bad = not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT
            if value is not None and bad:
                raise ValidationError(f"{name} must be a non-empty text of at most {_MAX_TEXT} characters")
        if not isinstance(self.params, Mapping) or len(self.params) > _MAX_PARAMS:
            raise ValidationError(f"params must be a dictionary of at most {_MAX_PARAMS} entries")
        for key, value in self.params.items():
            if not isinstance(key, str) or not key or len(key) > _MAX_TEXT or not isinstance(value, str):
                raise ValidationError(f"Invalid parameter {key!r}: keys and values are texts")


@dataclass(frozen=True)
class Provisioned:
    name: str
    uuid: str
    source: Literal["spare", "clone"]
    seconds: float


def provision(
    instance: Instance,
    template: str,
    name: str,
    personalization: Personalization | None = None,
    *,
    pool: SparePool | None = None,
) -> Provisioned:
    """Make client database ``name`` from ``template``: a spare of ``pool`` renamed, or a
    direct clone when there is none; then personalise it. A failure leaves no ``name``."""
    start = time.perf_counter()
    validate_client_name(name)
    validate_name(template)
    personalization = personalization or Personalization()
    if not instance.exists(template):
        raise MissingError(f"The template {template!r} does not exist", context={"database": template})
    source: Literal["spare", "clone"] = "spare" if pool is not None and pool.take(template, name) else "clone"
    if source == "clone":
        instance.storage.duplicate(template, name)  # UserError if name exists: nothing of ours to drop
    try:
        with instance.env(name) as env:
            uuid = personalize(env, personalization, new_identity=source == "clone")
    except BaseException:
        instance.drop_database(name)
        raise
    return Provisioned(name, uuid, source, time.perf_counter() - start)


def personalize(env: Environment, values: Personalization, *, new_identity: bool) -> str:
    """Write the owner, company and parameters into a fresh copy (superuser ``env``); its uuid."""
    from tenantry.instance import new_identity as make_identity

    params = env["ir.config_parameter"].sudo()
    if new_identity:
        make_identity(env)
    else:  # a spare already has its own uuid; it is born now
        params.set_param("database.create_date", Datetime.to_string(Datetime.now()))
    owner = env.ref(OWNER_XMLID, raise_if_not_found=False) or env.ref("base.user_admin")
    assert owner is not None
    user_values = {
        key: value
        for key, value in (
            ("login", values.owner_login),
            ("name", values.owner_name),
            ("email", values.owner_email),
        )
        if value is not None
    }
    if user_values:
        owner.sudo().write(user_values)
    # The template's password is not the owner's: they log in through the portal.
    owner.sudo()._store_password_hash("")
    if values.company_name is not None:
        company = env.ref("base.main_company")
        assert company is not None
        company.sudo().write({"name": values.company_name})
    for key, value in values.params.items():
        params.set_param(key, value)
    return str(params.get_param("database.uuid"))
