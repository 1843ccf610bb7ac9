"""Searching: domains to SQL, with archived records hidden and record rules applied.

Every search goes through :meth:`SearchMixin._where`: the caller's domain, the
``active`` filter, and the record-rule domain of the access policy, ANDed,
normalized and compiled in one pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import sqlalchemy as sa

from tenantry.domain import (
    AND,
    FALSE,
    TRUE,
    And,
    CompileContext,
    Domain,
    Leaf,
    Not,
    Operator,
    Or,
    compile_domain,
    evaluate,
    normalize,
    parse,
)
from tenantry.domain.limits import MAX_RELATIONS
from tenantry.domain.limits import check as check_domain
from tenantry.domain.schema import FieldSchema, ModelSchema
from tenantry.exceptions import ValidationError
from tenantry.orm import api
from tenantry.orm.access import Operation
from tenantry.orm.ordering import compile_order, parse_order
from tenantry.orm.recordset import Recordset

if TYPE_CHECKING:
    from sqlalchemy.sql import ColumnElement

_CHUNK = 1000


class SearchMixin(Recordset):
    """search, search_count, search_read, name_search, filtered_domain."""

    __slots__ = ()

    # -- the query core -------------------------------------------------------------

    def _compile_context(self, check_fields: bool = True) -> CompileContext:
        """How domains compile for this environment. Without ``check_fields``, the
        fields are not checked against ``groups=`` (the caller did it up front)."""
        env = self.env
        # Keyed on the access serial: the contexts keep the comodels' rule domains.
        serial = env.cr.access_serial
        if not check_fields:
            unchecked: CompileContext | None
            memo_serial, unchecked = env._memo.get("compile_context_unchecked", (None, None))
            if unchecked is None or memo_serial != serial:
                unchecked = dataclasses.replace(self._compile_context(), check_field=None)
                env._memo["compile_context_unchecked"] = (serial, unchecked)
            return unchecked
        ctx: CompileContext | None
        memo_serial, ctx = env._memo.get("compile_context", (None, None))
        if ctx is None or memo_serial != serial:
            policy = env.cr.policy
            company_id = None
            if env.registry.has_company_dependent:
                company = env._company_ids()
                company_id = company[0] if company else None

            def extra_domain(comodel: ModelSchema) -> Domain | None:
                if env.su:
                    return None
                return policy.rule_domain(env, comodel.name, Operation.READ)

            def check_field(model: ModelSchema, field: FieldSchema) -> None:
                if not env.su and field.groups:
                    policy.check_fields(env, model.name, (field.name,), Operation.READ)

            ctx = CompileContext(
                company_id=company_id,
                active_test=bool(env.context.get("active_test", True)),
                extra_domain=extra_domain,
                check_field=check_field,
            )
            env._memo["compile_context"] = (serial, ctx)
        return ctx

    def _domain_node(
        self,
        domain: Any,
        operation: Operation = Operation.READ,
        active_test: bool | None = None,
        parsed: _Parsed | None = None,
    ) -> Domain:
        """The full domain of a search: caller's domain AND active AND record rules
        (``parsed``: the caller's domain as :meth:`_parsed` gave it, if already asked)."""
        schema = self._schema
        node, memoizable = parsed or self._parsed(domain)
        if active_test is None:
            active_test = bool(self.env.context.get("active_test", True))
        active = bool(active_test and schema.active_name and not _mentions(domain, schema.active_name))
        rules = None if self.env.su else self.env.cr.policy.rule_domain(self.env, self._name, operation)
        if not active and rules is None:
            return node
        memo = self.env.registry.memo
        key = ("full", self._name, node, active, rules) if memoizable else None
        full = memo.get(key) if key is not None else None
        if full is None:
            parts = [node]
            if active:
                parts.append(self._parsed(((schema.active_name, "=", True),)).node)
            if rules is not None:
                parts.append(rules)
            full = normalize(AND(parts), schema, self.env.registry.schema)
            if key is not None:
                _remember(memo, key, full)
        return full

    def _parsed(self, domain: Any) -> _Parsed:
        """``domain`` parsed and normalized, memoized per registry: both depend on the schema only.

        Not when its lists are long (``memoizable`` is then False, for what is derived from
        it too): clients sending thousands of different lists of 100 000 ids would have
        them all kept. A domain past the limits is refused before a memo key is made of it.
        """
        registry = self.env.registry
        key: Any = None
        size = check_domain(domain or ())
        memoizable = size.values <= _MEMO_VALUES and size.terms <= _MEMO_TERMS
        if memoizable:
            try:
                key = ("domain", self._name, _domain_key(domain or ()))
                hash(key)
            except TypeError:
                key = None
        node = registry.memo.get(key) if key is not None else None
        if node is None:
            node = normalize(
                parse(list(domain or ()), self._schema, registry.schema), self._schema, registry.schema
            )
            if key is not None:
                _remember(registry.memo, key, node)
        return _Parsed(node, memoizable)

    def _where(
        self, domain: Any, operation: Operation = Operation.READ, active_test: bool | None = None
    ) -> ColumnElement[bool] | None:
        """The WHERE clause for ``domain``, or None when it selects everything.

        Only the caller's domain is checked against field groups: record rules
        apply as the superuser would (Odoo compiles them in sudo), so a rule may
        filter on a field the user cannot read.
        """
        return self._keyed_where(domain, operation, active_test)[1]

    def _keyed_where(
        self, domain: Any, operation: Operation = Operation.READ, active_test: bool | None = None
    ) -> tuple[Any, ColumnElement[bool] | None]:
        """``_where``, with a memo key that identifies the clause (None when it is compiled
        anew: sub-searches carry the comodels' rules for this user)."""
        parsed = self._parsed(domain)
        if not self.env.su:
            self._check_domain_fields(parsed.node, self._schema)
        node = self._domain_node(domain, operation, active_test, parsed)
        if node == TRUE:
            return ("where", self._name, TRUE), None
        if node == FALSE:
            return None, sa.false()
        ctx = self._compile_context(check_fields=False)
        registry = self.env.registry
        if _has_subsearch(node, self._schema) or not parsed.memoizable:
            return None, compile_domain(node, self._schema, registry.schema, ctx)
        # Otherwise the expression depends on the domain and company only.
        key = ("where", self._name, node, ctx.company_id)
        where = registry.memo.get(key)
        if where is None:
            where = compile_domain(node, self._schema, registry.schema, ctx)
            _remember(registry.memo, key, where)
        return key, where

    def _check_domain_fields(self, node: Domain, model: ModelSchema) -> None:
        """Refuse a domain on what the user may not read, sub-domains included: fields
        outside their groups (``groups=``), and, as Odoo's sub-searches do, comodels without
        read access that a path, a name or a hierarchy leads into."""
        restricted: list[str] = []
        comodels: list[str] = []
        for leaf in _leaves(node):
            field = model.field(leaf.field_name)
            if field is None:
                continue
            if field.groups:
                restricted.append(field.name)
            if field.relation and (leaf.operator in _READS_COMODEL or _names(leaf.value)):
                comodels.append(field.relation)
            if field.delegate_rules:  # an inherited field, searched as the user reads it
                comodels.append(model.fields[field.delegate or ""].relation or "")
            if leaf.operator in (Operator.ANY, Operator.NOT_ANY) and field.relation:
                self._check_domain_fields(leaf.value, self.env.registry.schema[field.relation])
        if restricted:
            self.env.cr.policy.check_fields(self.env, model.name, restricted, Operation.READ)
        for comodel in dict.fromkeys(comodels):
            self.env.cr.policy.check_model(self.env, comodel, Operation.READ)

    def _order_by(self, order: str | None) -> list[Any]:
        """ORDER BY clauses; the clause objects are immutable, so memoized per registry."""
        env = self.env
        spec = order or self._order
        company = env._company_ids() if env.registry.has_company_dependent else []
        company_id = company[0] if company else None
        key = ("order", self._name, spec, company_id)
        clauses = env.registry.memo.get(key)
        if clauses is None:
            clauses = compile_order(spec, self._schema, env.registry.schema, company_id=company_id)
            _remember(env.registry.memo, key, clauses)
        if not env.su:
            restricted = [
                t.field for t in parse_order(spec, self._schema) if self._schema.fields[t.field].groups
            ]
            if restricted:
                env.cr.policy.check_fields(env, self._name, restricted, Operation.READ)
        return clauses

    def _check_read_access(self) -> None:
        if not self.env.su:
            self.env.cr.policy.check_model(self.env, self._name, Operation.READ)

    def _search(
        self,
        domain: Any,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        columns: Sequence[str] = (),
    ) -> Self:
        """Search, and put the stored ``columns`` of the found rows in the cache."""
        _check_paging(offset, limit)
        self._check_read_access()
        where_key, where = self._keyed_where(domain)
        order_by = self._order_by(order)
        # The same search (an RPC client's page, a rule-filtered list) comes back often:
        # a memoized statement skips building it and SQLAlchemy's cache-key walk.
        memo = self.env.registry.memo
        key = (
            None if where_key is None else ("select", where_key, tuple(columns), id(order_by), offset, limit)
        )
        stmt = memo.get(key) if key is not None else None
        if stmt is None or stmt[0] is not order_by:
            table = self._table_obj
            select = sa.select(table.c.id, *(table.c[c] for c in columns))
            if where is not None:
                select = select.where(where)
            select = select.order_by(*order_by)
            if offset:
                select = select.offset(offset)
            if limit:
                select = select.limit(limit)
            stmt = (order_by, select)
            if key is not None:
                _remember(memo, key, stmt)
        rows = self.env.cr.conn.execute(stmt[1]).all()
        ids = [row[0] for row in rows]
        if columns:
            cache = self._cache_rows()
            get = cache.get
            if len(columns) == 1:
                column = columns[0]
                for id_, value in rows:
                    values = get(id_)
                    if values is None:
                        cache[id_] = {column: value}
                    else:
                        values[column] = value
            else:
                for row in rows:
                    values = get(row[0])
                    if values is None:
                        cache[row[0]] = dict(zip(columns, row[1:], strict=True))
                    else:
                        values.update(zip(columns, row[1:], strict=True))
        return self._with_ids(ids)

    # -- public API -------------------------------------------------------------------

    @api.model
    def search(
        self, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> Self:
        """The records matching ``domain`` that the user may read, in ``order``.

        ``domain`` is required, as in Odoo 17 (``[]`` for every record): a call without
        it is a ``TypeError``, which RPC clients get as a fault."""
        return self._search(domain, offset, limit, order)

    @api.model
    def search_count(self, domain: Any, limit: int | None = None) -> int:
        """How many records match ``domain`` (at most ``limit`` when given; ``domain`` required)."""
        _check_paging(0, limit)
        self._check_read_access()
        where = self._where(domain)
        inner = sa.select(self._table_obj.c.id)
        if where is not None:
            inner = inner.where(where)
        if limit:
            inner = inner.limit(limit)
        stmt = sa.select(sa.func.count()).select_from(inner.subquery())
        return int(self.env.cr.conn.execute(stmt).scalar_one())

    @api.model
    def search_read(
        self,
        domain: Any = None,
        fields: Sequence[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        **read_kwargs: Any,
    ) -> list[dict[str, Any]]:
        """``search`` then ``read``, fetched in a single query when the fields allow it."""
        names = self._check_read_fields(fields)
        # Only the columns asked for: the rows are read in the search query itself.
        columns = self._read_columns(names)
        records = self._search(domain or [], offset, limit, order, columns=columns)
        if not records:
            return []
        return records._read_format(names, load=read_kwargs.get("load", "_classic_read"))

    @api.model
    def name_search(
        self, name: str = "", args: Any = None, operator: str = "ilike", limit: int | None = 100
    ) -> list[tuple[int, str]]:
        """``(id, display_name)`` of the records whose name matches ``name``."""
        records = self._name_search(name, args, operator, limit=limit, order=self._order)
        return [(record.id, record.display_name) for record in records]

    @api.model
    def _name_search(
        self,
        name: Any,
        domain: Any = None,
        operator: Any = "ilike",
        limit: int | None = None,
        order: str | None = None,
    ) -> Self:
        """The records of ``name_search``, which models override to search other fields.

        As in Odoo, only ``like``/``ilike`` drop an empty name (``'%%'`` matches every
        name); with any other operator the name is a term like another, so
        ``('', 'not ilike')`` finds the records without a name, and ``=ilike ''`` those
        named ''.
        """
        domain = list(domain or [])
        if not (name == "" and operator in ("like", "ilike")):
            fields = self._rec_names_search or [self._rec_name or "id"]
            terms: list[Any] = [(f, operator, name) for f in fields]
            # Several name fields: any may match (all must fail for a negative operator).
            name_domain = ["&" if operator in _NEGATIVE else "|"] * (len(terms) - 1) + terms
            # A term followed by a domain is their conjunction (implicit '&').
            domain = ["&", *name_domain, *domain] if domain else name_domain
        return self.search(domain, limit=limit, order=order)

    def filtered_domain(self, domain: Any) -> Self:
        """The records of ``self`` matching ``domain``, evaluated in Python.

        Values are read as the user reads them (see :class:`~tenantry.orm.reader.RecordReader`):
        records of self, or reached through a path, that the user may not read are an
        ``AccessError``, as in Odoo, never silently matched or dropped. In superuser mode
        nothing is checked: the domain alone decides.
        """
        if not self._ids:
            return self
        schema = self.env.registry.schema
        node = normalize(parse(list(domain or ()), self._schema, schema), self._schema, schema)
        from tenantry.orm.reader import RecordReader

        ctx = self._compile_context()
        if not self.env.su:
            # Read before anything is evaluated: a domain that reads no field (``id``,
            # constants) must not answer about records the user may not read either.
            self._check_read_access()
            self._check_domain_fields(node, self._schema)
            self._fetch(self._prefetch_columns(()))
            # Comodel records are read as the user too, so a forbidden one is refused when
            # reached instead of filtered out as a search's sub-query would.
            ctx = dataclasses.replace(ctx, extra_domain=None)
        matched = evaluate(node, self._schema, schema, set(self._ids), RecordReader(self.env), ctx)
        return self._with_ids(tuple(i for i in self._ids if i in matched))

    # hooks provided by the read mixin
    def _cache_rows(self) -> dict[int, dict[str, Any]]:
        raise NotImplementedError

    def _check_read_fields(self, fields: Sequence[str] | None) -> list[str]:
        raise NotImplementedError

    def _prefetch_columns(self, names: Sequence[str]) -> list[str]:
        raise NotImplementedError

    def _read_columns(self, names: Sequence[str]) -> list[str]:
        raise NotImplementedError

    def _read_format(self, names: Sequence[str], load: str = "_classic_read") -> list[dict[str, Any]]:
        raise NotImplementedError


def _check_paging(offset: Any, limit: Any) -> None:
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValidationError(f"Invalid offset {offset!r}: a non-negative integer is expected")
    if (
        limit is not None
        and limit is not False
        and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0)
    ):
        raise ValidationError(f"Invalid limit {limit!r}: a non-negative integer is expected")


def _mentions(domain: Any, field_name: str) -> bool:
    """Whether a leaf of ``domain`` names ``field_name``: then no implicit active filter."""
    return any(isinstance(item, list | tuple) and item and item[0] == field_name for item in domain or ())


_MEMO_VALUES = 1000
"""Domains whose lists hold more values are not kept in the registry memo."""
_MEMO_TERMS = 1000
"""Nor domains of more terms and operators (the limit is far above)."""
_NEGATIVE = ("!=", "not like", "not ilike", "not in")


class _Parsed(NamedTuple):
    node: Domain
    memoizable: bool


def _domain_key(value: Any, depth: int = 0) -> Any:
    """A hashable key for a domain that tells ``1``, ``True`` and ``1.0`` apart.

    ``TypeError`` (not memoized) for sets and dicts, and for lists nested deeper than
    any valid domain (a value nested 100 000 levels deep would exhaust the stack
    here before the parser could refuse it).
    """
    if isinstance(value, list | tuple):
        if depth > _KEY_DEPTH:
            raise TypeError("not memoized")
        return tuple(_domain_key(item, depth + 1) for item in value)
    if isinstance(value, set | frozenset | dict):
        raise TypeError("not memoized")
    return (type(value), value)


# A domain, a term and a value list per level of 'any': valid domains stay well within.
_KEY_DEPTH = 3 * (MAX_RELATIONS + 2)


_MEMO_LIMIT = 4096


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """Store in a registry memo, bounded: clients choose domains and orders freely."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def _leaves(node: Domain) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _leaves(child)
    elif isinstance(node, Not):
        yield from _leaves(node.child)


_READS_COMODEL = (Operator.ANY, Operator.NOT_ANY, Operator.CHILD_OF, Operator.PARENT_OF)


def _names(value: Any) -> bool:
    """Whether a relational leaf's value names records (searched by name on the comodel)."""
    return isinstance(value, str) or (isinstance(value, tuple) and any(isinstance(v, str) for v in value))


def _has_subsearch(node: Domain, model: ModelSchema) -> bool:
    """Whether compiling ``node`` consults comodel rules (``any`` / ``not any`` leaves, and
    inherited fields searched through their parent's rules)."""
    return any(
        leaf.operator in (Operator.ANY, Operator.NOT_ANY) or _delegates_with_rules(leaf, model)
        for leaf in _leaves(node)
    )


def _delegates_with_rules(leaf: Leaf, model: ModelSchema) -> bool:
    field = model.field(leaf.field_name)
    return field is not None and field.delegate_rules
