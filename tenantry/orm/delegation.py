"""Delegation inheritance (``_inherits``): a model that has every field of a parent model.

``_inherits = {"res.partner": "partner_id"}`` (or ``delegate=True`` on the many2one)
makes each record of the model own one parent record, through a required many2one
(``ondelete`` ``cascade`` or ``restrict``). Every field of the parent that the model
does not define itself becomes an *inherited* field of the model, as in Odoo 17: a
related field ``partner_id.<name>``, not stored, read and written on the parent
record as the current user (the parent's access rights and record rules apply),
copied when the parent's field is.

- ``create`` makes the parent records first, from the values of inherited fields,
  when the many2one is not given (one ``create`` for the batch); a given parent is
  written with those values instead.
- ``write`` writes the model's own values, then the inherited ones on the parents.
- ``read`` reads inherited fields from the parents, one ``read`` per batch.
- Domains, orders and ``read_group`` reach the parent's column through the many2one,
  in SQL (``tenantry.domain`` compiles a leaf on an inherited field as the same leaf
  on the parent; the parent's record rules do not apply there, as in Odoo's join).
- ``unlink`` leaves the parent, unless the database's ``ondelete`` says otherwise.

The registry composes ``_inherits`` with ``_inherit``: a field an addon adds to the
parent model is a field of the child too (:func:`setup_inherits`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import fields as F

if TYPE_CHECKING:
    from tenantry.orm.models import BaseModel
    from tenantry.orm.recordset import Recordset

__all__ = [
    "ParentJoins",
    "create_parents",
    "inherited_defaults",
    "read_inherited",
    "setup_inherits",
    "skipped_defaults",
    "split_inherited",
    "write_parents",
]

_ONDELETE = ("cascade", "restrict")


# -- the registry -------------------------------------------------------------------------


def setup_inherits(
    models: Mapping[str, type[BaseModel]],
    field_origin: MutableMapping[tuple[str, str], str],
    model_origin: Mapping[str, str],
    addons: Sequence[str],
) -> None:
    """Resolve each model's ``_inherits`` and give the model its parents' fields.

    Parents are set up before their children, so a chain (a model delegating to a model
    that delegates) inherits the whole chain. The ``ir.model.fields`` origin of an
    inherited field is the later of the child model's addon and the parent field's.
    """
    links = {name: _links(cls, models) for name, cls in models.items() if not cls._abstract}
    rank = {addon: index for index, addon in enumerate(addons)}
    for name in _parents_first(links):
        cls = models[name]
        cls._inherits = MappingProxyType(links[name])
        for parent_name, link in links[name].items():
            parent = models[parent_name]
            for field_name, parent_field in parent._fields.items():
                if field_name in cls._fields or _defined_otherwise(cls, field_name):
                    continue  # the model's own field (or method) wins, as in Odoo
                field = _inherited_field(parent_field, name, field_name, link)
                cls._fields[field_name] = field
                setattr(cls, field_name, field)
                own = model_origin[name]
                origins = [own, field_origin.get((parent_name, field_name), own)]
                field_origin[(name, field_name)] = max(origins, key=lambda addon: rank.get(addon, -1))
        for field in cls._fields.values():
            if field.inherited:
                _check_declared(cls, field, models)
        if cls._rec_name is None and "name" in cls._fields:
            cls._rec_name = "name"


def _links(cls: type[BaseModel], models: Mapping[str, type[BaseModel]]) -> dict[str, str]:
    """Parent model -> link field, from ``_inherits`` (merged along the class chain) and
    ``delegate=True`` many2one fields; the link is checked, or made when missing."""
    links: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        links.update(klass.__dict__.get("_inherits") or {})
    for name, field in cls._fields.items():
        if isinstance(field, F.Many2one) and field.delegate:
            links[field.comodel_name] = name
    for parent, link in links.items():
        if parent not in models or parent == cls._name:
            raise UserError(f"Model {cls._name} delegates to unknown model {parent!r} (_inherits)")
        link_field = cls._fields.get(link)
        if link_field is None:
            # Odoo's default: a required link whose parent goes with the record.
            link_field = F.Many2one(parent, f"Parent {parent}", required=True, ondelete="cascade").new_for(
                cls._name, link
            )
            cls._fields[link] = link_field
            setattr(cls, link, link_field)
        if (
            not isinstance(link_field, F.Many2one)
            or link_field.comodel_name != parent
            or link_field.company_dependent
        ):
            raise UserError(f"{cls._name}.{link} must be a many2one to {parent} (_inherits)")
        if not link_field.required or link_field.ondelete not in _ONDELETE:
            raise UserError(
                f"{cls._name}.{link}, the _inherits link to {parent}, must be required "
                f"with ondelete 'cascade' or 'restrict'"
            )
        link_field.delegate = True
    return links


def _parents_first(links: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Models ordered so that each comes after the models it delegates to."""
    done: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise UserError(f"Models delegate to each other in a cycle: {' -> '.join((*path, name))}")
        state[name] = 1
        for parent in links.get(name, {}):
            visit(parent, (*path, name))
        state[name] = 2
        done.append(name)

    for name in links:
        visit(name, ())
    return done


def _defined_otherwise(cls: type[BaseModel], name: str) -> bool:
    """Whether the class chain defines ``name`` as something else than a field (a method)."""
    return any(name in klass.__dict__ for klass in cls.__mro__ if klass is not cls)


def _inherited_field(parent_field: F.Field, model: str, name: str, link: str) -> F.Field:
    """The child's copy of ``parent_field``: related through ``link``, not stored.

    It keeps the parent field's set-up description (type, label, help, selection,
    comodel, relation table, groups) and, as Odoo does, its ``readonly`` and ``copy``.
    Read as the current user (``compute_sudo`` off), so the parent's access rules apply.
    """
    field = copy.copy(parent_field)
    field.model_name = model
    field.name = name
    field.related = f"{link}.{name}"
    field.inherited = True
    field.inherited_field = parent_field
    field.compute = field.inverse = field.search = None
    field.store = False
    field.required = False
    field.index = False
    field.default = F._UNSET  # the parent's default_get provides it
    field.depends = (field.related,)
    field.compute_sudo = False
    if isinstance(field, F.Many2one):
        field.delegate = False
    field._args = {
        **parent_field._args,
        "related": field.related,
        "inherited": True,
        "store": False,
        "compute_sudo": False,
        "copy": parent_field.copy,
        "readonly": parent_field.readonly,
    }
    for key in ("compute", "inverse", "default", "required", "index", "search", "depends", "delegate"):
        field._args.pop(key, None)
    return field


def _check_declared(cls: type[BaseModel], field: F.Field, models: Mapping[str, type[BaseModel]]) -> None:
    """A field declared ``inherited=True`` is related to the same field of a parent."""
    link, _, rest = str(field.related or "").partition(".")
    parent = next((model for model, name in cls._inherits.items() if name == link), None)
    if parent is None or rest != field.name:
        raise UserError(
            f"Field {cls._name}.{field.name} is inherited=True: it must be related to "
            f"'<_inherits link>.{field.name}'"
        )
    if getattr(field, "inherited_field", None) is None:
        field.inherited_field = models[parent]._fields[field.name]


def inherited_field(field: F.Field) -> F.Field:
    """The parent's field an inherited field stands for, down a chain of delegations."""
    while field.inherited:
        parent = getattr(field, "inherited_field", None)
        if parent is None:
            break
        field = parent
    return field


# -- values on the way in -----------------------------------------------------------------


def split_inherited(
    model: Recordset, vals: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``vals`` -> (the model's own values, {link: the values of the fields inherited through it})."""
    own: dict[str, Any] = {}
    parents: dict[str, dict[str, Any]] = {}
    fields = model._fields
    for name, value in vals.items():
        field = fields.get(name)
        link = field.inherited_link if field is not None else None
        if link is None:
            own[name] = value
        else:
            parents.setdefault(link, {})[name] = value
    return own, parents


def skipped_defaults(model: Recordset, vals: Mapping[str, Any]) -> set[str]:
    """The inherited fields that get no default: those of a parent that ``vals`` names
    (its values are the parent's, not overwritten by defaults; Odoo's rule)."""
    given = {link for link in model._inherits.values() if link in vals}
    if not given:
        return set()
    return {name for name, field in model._fields.items() if field.inherited_link in given}


def inherited_defaults(model: Recordset, names: Sequence[str]) -> dict[str, Any]:
    """Default values of inherited fields: the parent model's defaults for them."""
    by_parent: dict[str, list[str]] = {}
    links = {link: parent for parent, link in model._inherits.items()}
    for name in names:
        link = model._fields[name].inherited_link
        if link is not None:
            by_parent.setdefault(links[link], []).append(name)
    result: dict[str, Any] = {}
    for parent, parent_names in by_parent.items():
        result.update(model.env[parent].default_get(parent_names))
    return result


def create_parents(model: Recordset, vals_list: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``vals_list`` with the parent records in place: made from the inherited values
    (one ``create`` per parent model) where the link is not given, else written with
    them. As the current user: the parent's access rights apply. Inherited values are
    removed from the returned dicts."""
    result: list[dict[str, Any]] = []
    inherited: list[dict[str, dict[str, Any]]] = []
    for vals in vals_list:
        own, parents = split_inherited(model, vals)
        result.append(own)
        inherited.append(parents)
    for parent_name, link in model._inherits.items():
        parent_model = model.env[parent_name]
        link_field = model._fields[link]
        to_create: list[int] = []
        for index, own in enumerate(result):
            values = inherited[index].get(link, {})
            parent_id = link_field.to_column(own.get(link), model)
            if not parent_id:
                to_create.append(index)
            elif values:
                parent_model.browse(parent_id).write(values)
        if to_create:
            created = parent_model.create([inherited[i].get(link, {}) for i in to_create])
            for index, parent_id in zip(to_create, created.ids, strict=True):
                result[index][link] = parent_id
    return result


def write_parents(records: Recordset, parents: Mapping[str, Mapping[str, Any]]) -> None:
    """Write inherited values on the parents of ``records`` (after the records' own
    write, so a new link in the same write is followed), as the current user."""
    for link, values in parents.items():
        if not values:
            continue
        ids = list(dict.fromkeys(id_ for record in records for id_ in getattr(record, link)._ids))
        records.env[records._fields[link].comodel_name].browse(ids).write(dict(values))


# -- values on the way out ----------------------------------------------------------------


def read_inherited(records: Recordset, names: Sequence[str], load: str) -> dict[str, list[Any]]:
    """``read`` values of inherited fields, aligned with ``records`` (already in the cache).

    One ``read`` of the parents per link: as the current user, or in superuser mode for
    the fields declared with ``compute_sudo`` (res.users ``name`` and ``email``: as Odoo,
    whoever may read a user reads these even when the user's partner is out of reach).
    """
    from tenantry.orm.read import _empty_value, _to_read

    by_link: dict[str, list[str]] = {}
    for name in names:
        link = records._fields[name].inherited_link
        assert link is not None
        by_link.setdefault(link, []).append(name)
    cache = records._cache_rows()
    result: dict[str, list[Any]] = {}
    for link, link_names in by_link.items():
        link_field = records._fields[link]
        column = link_field.sql_column
        parent_ids = [cache[id_][column] for id_ in records._ids]
        wanted = [p for p in dict.fromkeys(parent_ids) if p]
        parents = records.env[link_field.comodel_name].browse(wanted)
        values: dict[int, dict[str, Any]] = {p: {} for p in wanted}
        sudo_names = [n for n in link_names if records._fields[n].compute_sudo]
        user_names = [n for n in link_names if not records._fields[n].compute_sudo]
        for group, target in ((sudo_names, parents.sudo()), (user_names, parents)):
            if group and wanted:
                for row in target.read(group, load):
                    values[row["id"]].update(row)
        for name in link_names:
            empty = _to_read(records._fields[name], _empty_value(records, records._fields[name]), load)
            result[name] = [values.get(p, {}).get(name, empty) if p else empty for p in parent_ids]
    return result


class ParentJoins:
    """A model's table, LEFT JOINed to the parent tables its inherited fields live in:
    for SQL that reads columns directly (``read_group``). One join per link followed.

    A field read as the user (not ``compute_sudo``) is joined through the parent's read
    rules: where the user may not read the parent, its values are NULL, never shown.
    """

    def __init__(self, model: Recordset) -> None:
        self._model = type(model)
        self._env = model.env
        self.table: sa.Table = self._model._table_obj
        self.source: sa.FromClause = self.table
        self._aliases: dict[tuple[Any, ...], sa.FromClause] = {}

    def column(self, name: str) -> Any:
        """The SQL column of the stored field ``name``, on the model or a parent."""
        cls: Any = self._model
        key: tuple[Any, ...] = ()
        table: sa.FromClause = self.table
        field = cls._fields[name]
        as_user = not field.compute_sudo and not self._env.su
        while field.inherited_link is not None:
            link = cls._fields[field.inherited_link]
            key = (*key, link.name, as_user)
            parent = self._env.registry[link.comodel_name]
            alias = self._aliases.get(key)
            if alias is None:
                alias = parent._table_obj.alias()
                on = [alias.c.id == table.c[link.sql_column]]
                if as_user:
                    on.extend(self._rules(parent._name, alias))
                self.source = self.source.outerjoin(alias, sa.and_(*on))
                self._aliases[key] = alias
            cls, table, field = parent, alias, parent._fields[name]
        if field.column is None:
            raise ValidationError(f"Field {self._model._name}.{name} is not stored")
        return table.c[field.column]

    def _rules(self, model: str, alias: sa.FromClause) -> list[Any]:
        """The read rules of ``model`` for the user, on ``alias`` (none: an empty list)."""
        from tenantry.domain import compile_domain
        from tenantry.orm.access import Operation

        env = self._env
        env.cr.policy.check_model(env, model, Operation.READ)
        rules = env.cr.policy.rule_domain(env, model, Operation.READ)
        if rules is None:
            return []
        records = env[model]
        ctx = records._compile_context(check_fields=False)
        return [compile_domain(rules, records._schema, env.registry.schema, ctx, table=alias)]


def stored_somewhere(model: Recordset, name: str) -> bool:
    """Whether ``name`` has a column on the model, or on the parent it is inherited from."""
    return bool(inherited_field(model._fields[name]).column)
