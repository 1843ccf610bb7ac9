"""Environments: who is acting (uid, superuser mode), with which context, in which transaction.

A :class:`Transaction` is one database transaction of one database: the SQLAlchemy
connection, the registry, and the caches that live as long as the transaction.
An :class:`Environment` adds the user, the context and superuser mode; derived
environments (``sudo()``, ``with_user()``, ``with_context()``, ``with_company()``)
share the transaction. Nothing here is process-global: the environment is passed
explicitly, always.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from tenantry.exceptions import AccessError, MissingError, ValidationError
from tenantry.orm.access import AccessPolicy, OpenPolicy

if TYPE_CHECKING:
    from tenantry.db.filestore import Filestore
    from tenantry.orm.models import BaseModel
    from tenantry.orm.registry import Registry

SUPERUSER_ID = 1
"""The ``__system__`` user: always in superuser mode."""


class Transaction:
    """One database transaction and its caches.

    ``cache[(model, access_key)][id]`` holds raw column values. The access key
    separates what superuser mode fetched from what each user fetched, so a value
    read under ``sudo()`` is never served to a user whose record rules would
    have hidden it. ``computed`` holds non-stored computed values; both are
    invalidated by every write.
    """

    def __init__(
        self,
        conn: Connection,
        registry: Registry,
        dbname: str,
        policy: AccessPolicy | None = None,
    ) -> None:
        self.conn = conn
        self.registry = registry
        self.dbname = dbname
        self.policy: AccessPolicy = policy or OpenPolicy()
        self.cache: dict[tuple[str, Hashable], dict[int, dict[str, Any]]] = {}
        self.computed: dict[tuple[Any, ...], Any] = {}
        self.computing: dict[tuple[str, str, int], dict[int, Any]] = {}
        self.data: dict[str, Any] = {}
        """Per-transaction memo for other layers (e.g. security caches)."""
        self.access_serial = 0
        """Increased whenever access data (rules, ACLs, groups) may have changed, so that
        environments drop what they memoized from it (comodel rules for sub-searches)."""
        self.modules: Any = None
        """The addon manager for ``button_immediate_*`` (set by the instance)."""
        self.postcommit: list[Callable[[], None]] = []
        """Called after a successful commit (e.g. to refresh a cached registry)."""
        self.filestore: Filestore | None = None
        """Where the database's attachment files are (set by the instance); without one,
        attachments keep their content in the database."""

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def invalidate(self, model: str | None = None, ids: Iterable[int] | None = None) -> None:
        """Forget cached values: of ``ids`` of ``model``, of all of ``model``, or everything."""
        self.computed.clear()
        if model is None or model == "ir.model.data":
            self.data.pop("xmlids", None)  # external ids, see ir.model.data
        if model is None:
            self.cache.clear()
            return
        for (name, _key), rows in self.cache.items():
            if name != model:
                continue
            if ids is None:
                rows.clear()
            else:
                for id_ in ids:
                    rows.pop(id_, None)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run a block in a savepoint: on error only the block is undone."""
        nested = self.conn.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            self.invalidate()
            # Memos of other layers (security snapshots, xml ids) may describe undone changes.
            self.data.clear()
            self.access_serial += 1
            raise
        else:
            nested.commit()


class Environment(Mapping[str, "BaseModel"]):
    """``(transaction, uid, context, su)``; ``env['model']`` gives an empty recordset."""

    def __init__(
        self,
        cr: Transaction,
        uid: int,
        context: Mapping[str, Any] | None = None,
        su: bool = False,
    ) -> None:
        self.cr = cr
        self.uid = int(uid)
        self.context: Mapping[str, Any] = MappingProxyType(dict(context or {}))
        # uid 1 is the system user: always superuser, whatever was asked.
        self.su = su or self.uid == SUPERUSER_ID
        self._memo: dict[str, Any] = {}

    # -- mapping of models -------------------------------------------------------

    def __getitem__(self, model: str) -> BaseModel:
        cls = self.cr.registry[model]
        return cls(self, (), ())

    def __iter__(self) -> Iterator[str]:
        return iter(self.cr.registry)

    def __len__(self) -> int:
        return len(self.cr.registry.models)

    def __contains__(self, model: object) -> bool:
        return model in self.cr.registry

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Environment) and self.key == other.key and self.cr is other.cr

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes two environments of one transaction behave the same."""
        key = self._memo.get("key")
        if key is None:
            key = (self.uid, self.su, _freeze(self.context))
            self._memo["key"] = key
        return key

    @property
    def registry(self) -> Registry:
        return self.cr.registry

    @property
    def dbname(self) -> str:
        return self.cr.dbname

    def __call__(
        self,
        *,
        user: int | BaseModel | None = None,
        context: Mapping[str, Any] | None = None,
        su: bool | None = None,
    ) -> Environment:
        """A derived environment on the same transaction."""
        uid = self.uid if user is None else (user if isinstance(user, int) else user.id)
        if context is None:
            context = self.context
        elif "allowed_company_ids" not in context and "allowed_company_ids" in self.context:
            # A replaced context keeps the active companies, as Odoo's does.
            context = {**context, "allowed_company_ids": self.context["allowed_company_ids"]}
        if su is None:
            su = self.su if user is None else False
        return Environment(self.cr, uid, context, su)

    # -- who and where -----------------------------------------------------------

    @property
    def user(self) -> BaseModel:
        """The current user, browsed in superuser mode."""
        return self(su=True)["res.users"].browse(self.uid)

    @property
    def company(self) -> BaseModel:
        """The current company: the first allowed company, else the user's company."""
        ids = self._company_ids()
        return self(su=True)["res.company"].browse(ids[:1])

    @property
    def companies(self) -> BaseModel:
        """The active companies: ``allowed_company_ids`` if given, else all the user's."""
        return self(su=True)["res.company"].browse(self._company_ids(all_=True))

    def user_companies(self) -> tuple[tuple[int, ...], int | None]:
        """The user's companies (``company_ids``) and default company (``company_id``)."""
        return self._user_company_ids(), self._user_company_id()

    # Derived environments (sudo(), with_context(), ...) of one transaction ask for the
    # user's companies again and again: the answers are kept with the transaction's
    # computed values, which every write (of the user's companies too) and every rollback
    # to a savepoint clear.

    def _user_company_ids(self) -> tuple[int, ...]:
        key = ("env.user_company_ids", self.uid, bool(self.context.get("active_test", True)))
        found: tuple[int, ...] | None = self.cr.computed.get(key)
        if found is None:
            found = tuple(self.user.company_ids.ids)
            self.cr.computed[key] = found
        return found

    def _user_company_id(self) -> int | None:
        key = ("env.user_company_id", self.uid)
        if key not in self.cr.computed:
            self.cr.computed[key] = self.user.company_id.id or None
        found: int | None = self.cr.computed[key]
        return found

    def _company_ids(self, all_: bool = False) -> list[int]:
        memo_key = "companies" if all_ else "company"
        cached = self._memo.get(memo_key)
        if cached is not None:
            return list(cached)
        if "res.company" not in self.cr.registry:
            return []
        allowed = [c for c in (self.context.get("allowed_company_ids") or []) if c]
        if allowed:
            if not self.su:
                mine = self._user_company_ids()
                if any(not isinstance(c, int) or c not in mine for c in allowed):
                    raise AccessError("Access to unauthorized or invalid companies.")
            result = allowed if all_ else allowed[:1]
        else:
            default = self._user_company_id()
            if all_:
                result = list(self._user_company_ids()) or ([default] if default else [])
            else:
                result = [default] if default else []
        self._memo[memo_key] = tuple(result)
        return list(result)

    def ref(self, xml_id: str, raise_if_not_found: bool = True) -> BaseModel | None:
        """The record with external id ``module.name``."""
        if "." not in xml_id:
            raise ValidationError(f"External ID not fully qualified: {xml_id!r}")
        module, name = xml_id.split(".", 1)
        data = self(su=True)["ir.model.data"]
        found = data._lookup(module, name)
        if found is None:
            if raise_if_not_found:
                raise MissingError(f"External ID not found in the system: {xml_id}")
            return None
        model, res_id = found
        record = self[model].browse(res_id)
        if not record.sudo().exists():  # as in Odoo: no access check to resolve an external id
            if raise_if_not_found:
                raise MissingError(f"External ID not found in the system: {xml_id}")
            return None
        return record

    def is_superuser(self) -> bool:
        return self.su

    def __repr__(self) -> str:
        return f"<Environment {self.dbname} uid={self.uid} su={self.su}>"


def _freeze(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value  # type: ignore[no-any-return]
