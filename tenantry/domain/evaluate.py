"""Evaluation: a domain computed in Python over sets of ids, the compiler's oracle.

``evaluate(node, model, schema, ids, reader, ctx)`` returns the subset of
``ids`` matching ``node``, reading stored values through a
:class:`~tenantry.domain.schema.Reader`. For every domain and every data set it
gives the ids the compiled SQL selects; the differential tests hold it to that.

It works on id sets, which keeps the semantics close to SQL's: ``Not`` is the
complement within ``ids``; ``any`` evaluates its sub-domain over the related
comodel ids only; ``child_of``/``parent_of`` walk the parent field upwards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from tenantry.domain.ast import And, Constant, Domain, Leaf, Not, Or
from tenantry.domain.compile import COMPARE
from tenantry.domain.limits import show
from tenantry.domain.normalize import extra_domain, normalize
from tenantry.domain.operators import Operator
from tenantry.domain.relations import Hierarchy, active_field, comodel_of, hierarchy_of
from tenantry.domain.schema import (
    CompileContext,
    FieldSchema,
    FieldType,
    ModelSchema,
    Reader,
    Schema,
)
from tenantry.domain.values import like_match, like_pattern, like_text, split_empty
from tenantry.exceptions import ValidationError

Ids = set[int]


def evaluate(
    node: Domain,
    model: ModelSchema,
    schema: Schema,
    ids: Collection[int],
    reader: Reader,
    ctx: CompileContext,
) -> set[int]:
    """The ids among ``ids`` (existing records of ``model``) that match ``node``."""
    normalized = normalize(node, model, schema)
    if ctx.check_field is not None:
        # Up front, not leaf by leaf: a leaf skipped because nothing is left to
        # filter must still refuse a field the user may not read, as SQL does.
        _check_fields(normalized, model, schema, ctx.check_field)
    return _Evaluator(schema, reader, ctx).node(normalized, model, set(ids))


def _check_fields(
    node: Domain,
    model: ModelSchema,
    schema: Schema,
    check: Callable[[ModelSchema, FieldSchema], None],
) -> None:
    """Call ``check`` for every field of ``node`` (sub-domains included), in order."""
    if isinstance(node, And | Or):
        for child in node.children:
            _check_fields(child, model, schema, check)
    elif isinstance(node, Not):
        _check_fields(node.child, model, schema, check)
    elif isinstance(node, Leaf):
        field = model.fields[node.field_name]
        check(model, field)
        if node.operator in (Operator.ANY, Operator.NOT_ANY):
            _check_fields(node.value, comodel_of(field, schema), schema, check)


class _Evaluator:
    """Mirrors the compiler handler for handler; ``sudo`` serves extra domains (rules),
    which are not subject to rules themselves."""

    __slots__ = ("_ctx", "_reader", "_schema", "_sudo")

    def __init__(self, schema: Schema, reader: Reader, ctx: CompileContext, sudo: bool = False) -> None:
        self._schema = schema
        self._reader = reader
        self._ctx = ctx
        self._sudo = sudo

    def node(self, node: Domain, model: ModelSchema, ids: Ids) -> Ids:
        if not ids:
            return set()
        return _NODE_HANDLERS[type(node)](self, node, model, ids)

    # -- node kinds ---------------------------------------------------------------------

    def _constant(self, node: Constant, model: ModelSchema, ids: Ids) -> Ids:
        return set(ids) if node.value else set()

    def _and(self, node: And, model: ModelSchema, ids: Ids) -> Ids:
        for child in node.children:  # each child only looks at what is still in
            ids = self.node(child, model, ids)
        return ids

    def _or(self, node: Or, model: ModelSchema, ids: Ids) -> Ids:
        matched: Ids = set()
        for child in node.children:  # each child only looks at what is not yet in
            matched |= self.node(child, model, ids - matched)
        return matched

    def _not(self, node: Not, model: ModelSchema, ids: Ids) -> Ids:
        return ids - self.node(node.child, model, ids)

    def _leaf(self, leaf: Leaf, model: ModelSchema, ids: Ids) -> Ids:
        field = model.fields[leaf.field_name]
        if field.delegate is not None:
            return self._delegated(field, model, ids, leaf)
        kind = "x2many" if field.type.is_x2many else "scalar"
        handler = _LEAF_HANDLERS[kind].get(leaf.operator)
        if handler is None:
            raise ValidationError(
                f"Invalid domain term {show(leaf.to_term())} on model {model.name!r}: "
                f"operator {leaf.operator.value!r} is not supported on {field.type} fields."
            )
        return handler(self, field, model, ids, leaf)

    def _delegated(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        """A leaf on a field inherited through ``_inherits``: the same leaf on the parents."""
        link = model.fields[field.delegate or ""]
        parent = comodel_of(link, self._schema)
        parents = self.values(model, ids, link)
        targets = {value for value in parents.values() if value is not None}
        found = self.node(leaf, parent, targets)
        rules = field.delegate_rules and not self._sudo
        extra = extra_domain(self._ctx, parent, self._schema) if rules else None
        if extra is not None:
            found = self._as_sudo().node(extra, parent, found)
        return {i for i in ids if parents.get(i) in found}

    def values(self, model: ModelSchema, ids: Collection[int], field: FieldSchema) -> Mapping[int, Any]:
        if field.name == "id":
            return {record_id: record_id for record_id in ids}
        return self._reader.values(model.name, sorted(ids), field.name)

    def _filter(self, field: FieldSchema, model: ModelSchema, ids: Ids, test: Callable[[Any], bool]) -> Ids:
        values = self.values(model, ids, field)
        return {record_id for record_id in ids if test(values.get(record_id))}

    # -- scalar values ------------------------------------------------------------------

    def _membership(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        present, has_empty = split_empty(field.type, values)
        wanted = set(present)
        positive = not leaf.operator.is_negative

        def test(value: Any) -> bool:
            hit = has_empty if value is None else bool(wanted) and value in wanted
            return hit == positive

        return self._filter(field, model, ids, test)

    def _compare(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        compare = COMPARE[leaf.operator]
        # NULL never compares; '' and False are values here, as they are in SQL.
        return self._filter(field, model, ids, lambda v: v is not None and bool(compare(v, leaf.value)))

    def _like(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        ignore_case = leaf.operator in (Operator.ILIKE, Operator.NOT_ILIKE, Operator.EQ_ILIKE)
        pattern = like_pattern(leaf.operator, leaf.value)
        positive = not leaf.operator.is_negative

        def test(value: Any) -> bool:
            if value is None:
                return not positive  # NULL never contains the text; not like keeps it
            return like_match(pattern, like_text(value), ignore_case) == positive

        return self._filter(field, model, ids, test)

    # -- relations ------------------------------------------------------------------------

    def _many2one_any(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        values = self.values(model, ids, field)
        targets = {value for value in values.values() if value is not None}
        found = self._sub_search(field, leaf.value, targets, active_test=False)
        if leaf.operator is Operator.ANY:
            return {i for i in ids if values.get(i) in found}
        return {i for i in ids if values.get(i) is None or values.get(i) not in found}

    def _x2many_any(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        values = self.values(model, ids, field)
        targets = {line for lines in values.values() for line in lines or ()}
        found = self._sub_search(field, leaf.value, targets, active_test=self._ctx.active_test)
        positive = leaf.operator is Operator.ANY
        return {i for i in ids if (not found.isdisjoint(values.get(i) or ())) == positive}

    def _x2many_in(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        present, has_empty = split_empty(field.type, values)
        wanted = set(present)
        positive = not leaf.operator.is_negative

        def test(lines: Any) -> bool:
            hit = (not wanted.isdisjoint(lines or ())) or (has_empty and not lines)
            return hit == positive

        return self._filter(field, model, ids, test)

    def _sub_search(self, field: FieldSchema, sub: Domain, targets: Ids, active_test: bool) -> Ids:
        """The ``targets`` (comodel ids) matching ``sub``, the active filter and extra domain."""
        comodel = comodel_of(field, self._schema)
        active = active_field(comodel) if active_test else None
        if active is not None and targets:
            flags = self.values(comodel, targets, active)
            targets = {target for target in targets if flags.get(target) is True}
        found = self.node(sub, comodel, targets)
        extra = None if self._sudo else extra_domain(self._ctx, comodel, self._schema)
        if extra is not None:
            found = self._as_sudo().node(extra, comodel, found)
        return found

    def _as_sudo(self) -> _Evaluator:
        return _Evaluator(self._schema, self._reader, self._ctx, sudo=True)

    # -- hierarchies ---------------------------------------------------------------------

    def _hierarchy(self, field: FieldSchema, model: ModelSchema, ids: Ids, leaf: Leaf) -> Ids:
        tree = hierarchy_of(model, field, self._schema)
        if tree.on_record:
            return self._in_tree(tree, leaf.operator, leaf.value, ids)
        values = self.values(model, ids, field)
        if field.type is FieldType.MANY2ONE:
            targets = {value for value in values.values() if value is not None}
            inside = self._in_tree(tree, leaf.operator, leaf.value, targets)
            return {i for i in ids if values.get(i) in inside}
        targets = {line for lines in values.values() for line in lines or ()}
        inside = self._in_tree(tree, leaf.operator, leaf.value, targets)
        return {i for i in ids if not inside.isdisjoint(values.get(i) or ())}

    def _in_tree(self, tree: Hierarchy, operator: Operator, seeds: tuple[Any, ...], candidates: Ids) -> Ids:
        """The ``candidates`` that are seeds or descendants of seeds (``child_of``), or
        seeds or ancestors of seeds (``parent_of``), seeds being ids or names."""
        seed_ids = {seed for seed in seeds if not isinstance(seed, str)}
        names = [seed for seed in seeds if isinstance(seed, str)]
        if operator is Operator.CHILD_OF:
            parents = self._ancestry(tree, candidates)
            existing = set(parents)
            starts = (seed_ids & existing) | self._named(tree.model, names, existing)
            return {c for c in candidates if self._reaches(c, parents, starts)}
        if names:
            seed_ids |= self._named_anywhere(tree.model, names)
        parents = self._ancestry(tree, seed_ids)
        # The existing seeds, their ancestors and, as the SQL walk adds them, the
        # parent values they point to.
        closure = set(parents) | {parent for parent in parents.values() if parent is not None}
        return candidates & closure

    def _ancestry(self, tree: Hierarchy, start: Ids) -> dict[int, int | None]:
        """``{id: parent id}`` for the existing records in ``start`` and all their ancestors."""
        parents: dict[int, int | None] = {}
        frontier = set(start)
        while frontier:
            values = self.values(tree.model, frontier, tree.parent)
            parents.update(values)
            frontier = {v for v in values.values() if v is not None and v not in parents}
        return parents

    @staticmethod
    def _reaches(start: int, parents: dict[int, int | None], targets: Ids) -> bool:
        """Whether walking up from ``start`` (itself included) meets one of ``targets``."""
        seen: Ids = set()
        node: int | None = start
        while node is not None and node in parents and node not in seen:
            if node in targets:
                return True
            seen.add(node)
            node = parents[node]
        return False

    def _named_anywhere(self, model: ModelSchema, names: list[str]) -> Ids:
        """The records of ``model`` named like one of ``names``, among all of them (archived
        included, no rules): asked of the reader when it can search, else found by listing."""
        search = getattr(self._reader, "named_ids", None)
        if search is not None:
            return set(search(model.name, names))
        listing = getattr(self._reader, "all_ids", None)
        if listing is None:
            raise ValidationError("parent_of with a name needs a reader that can search or list records.")
        return self._named(model, names, set(listing(model.name)))

    def _named(self, model: ModelSchema, names: list[str], among: Ids) -> Ids:
        if not names or not among:
            return set()
        sudo = self._as_sudo()
        found: Ids = set()
        for name in names:
            by_name = normalize(Leaf((model.rec_name,), Operator.ILIKE, name), model, self._schema)
            found |= sudo.node(by_name, model, among)
        return found


_Handler = Callable[[_Evaluator, FieldSchema, ModelSchema, Ids, Leaf], Ids]

_NODE_HANDLERS: dict[type, Callable[[_Evaluator, Any, ModelSchema, Ids], Ids]] = {
    Constant: _Evaluator._constant,
    Leaf: _Evaluator._leaf,
    Not: _Evaluator._not,
    And: _Evaluator._and,
    Or: _Evaluator._or,
}

_SCALAR: dict[Operator, _Handler] = {
    Operator.EQ: _Evaluator._membership,
    Operator.NE: _Evaluator._membership,
    Operator.IN: _Evaluator._membership,
    Operator.NOT_IN: _Evaluator._membership,
    Operator.LT: _Evaluator._compare,
    Operator.LE: _Evaluator._compare,
    Operator.GT: _Evaluator._compare,
    Operator.GE: _Evaluator._compare,
    Operator.LIKE: _Evaluator._like,
    Operator.NOT_LIKE: _Evaluator._like,
    Operator.ILIKE: _Evaluator._like,
    Operator.NOT_ILIKE: _Evaluator._like,
    Operator.EQ_LIKE: _Evaluator._like,
    Operator.EQ_ILIKE: _Evaluator._like,
    Operator.CHILD_OF: _Evaluator._hierarchy,
    Operator.PARENT_OF: _Evaluator._hierarchy,
    Operator.ANY: _Evaluator._many2one_any,
    Operator.NOT_ANY: _Evaluator._many2one_any,
}

_LEAF_HANDLERS: dict[str, dict[Operator, _Handler]] = {
    "scalar": _SCALAR,
    "x2many": {
        Operator.EQ: _Evaluator._x2many_in,
        Operator.NE: _Evaluator._x2many_in,
        Operator.IN: _Evaluator._x2many_in,
        Operator.NOT_IN: _Evaluator._x2many_in,
        Operator.ANY: _Evaluator._x2many_any,
        Operator.NOT_ANY: _Evaluator._x2many_any,
        Operator.CHILD_OF: _Evaluator._hierarchy,
        Operator.PARENT_OF: _Evaluator._hierarchy,
    },
}
"""Leaf handlers by field kind, then operator (``any`` in the scalar table is only
reachable for many2one: the parser refuses it on other scalar fields)."""
