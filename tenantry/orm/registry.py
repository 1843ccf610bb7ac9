"""The registry: every model class of one set of installed addons, built once, then frozen.

Addons declare model classes; a model may be extended by later addons
(``_inherit``). The registry composes, for each model name, one class whose
bases are the declaring classes, latest first, so ``super()`` chains through the
extensions exactly as Odoo's do. Fields are merged in the same order: a later
declaration of a field overrides the attributes it names.

A registry depends only on the addons and their versions, never on a database,
so databases with the same addons share one (see :meth:`Registry.key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from tenantry.domain.schema import ModelSchema, Schema
from tenantry.exceptions import UserError
from tenantry.orm import fields as F
from tenantry.orm.delegation import setup_inherits
from tenantry.orm.models import BaseModel, Model
from tenantry.orm.schema import build_tables, field_schema

RegistryKey = tuple[tuple[str, str], ...]
"""The installed addons and their versions, sorted: databases with equal keys share a registry."""


@dataclass(frozen=True, slots=True)
class AddonClasses:
    """The model classes one addon declares, in declaration order."""

    name: str
    version: str
    classes: tuple[type[BaseModel], ...]


@dataclass(frozen=True, slots=True)
class Trigger:
    """When ``model.field`` changes, recompute ``target_model.target_field``.

    The records to recompute are ``target_model.search([(path, 'in', ids)])``
    where ``ids`` are the changed records; an empty path means the same records.
    """

    target_model: str
    target_field: str
    path: str


class Registry:
    """Model classes, tables and schema for one set of addons. Immutable once built."""

    def __init__(self, addons: Sequence[AddonClasses]) -> None:
        self.key: RegistryKey = tuple(sorted((a.name, a.version) for a in addons))
        self.addons: tuple[str, ...] = tuple(a.name for a in addons)
        models, origins = _compose(addons)
        self.models: Mapping[str, type[BaseModel]] = MappingProxyType(models)
        self.model_origin: Mapping[str, str] = MappingProxyType(origins["models"])
        _setup_fields(self.models)
        # Delegation (_inherits) adds the parents' fields, once every model is complete.
        setup_inherits(self.models, origins["fields"], origins["models"], self.addons)
        # (model, field) -> the addon that first declared it; model -> declaring addon.
        self.field_origin: Mapping[tuple[str, str], str] = MappingProxyType(origins["fields"])
        self.metadata: sa.MetaData = build_tables(self.models)
        schema: dict[str, ModelSchema] = {}
        for name, cls in self.models.items():
            if cls._abstract:
                continue
            schema[name] = ModelSchema(
                name=name,
                table=cls._table_obj,
                fields=MappingProxyType({f.name: field_schema(f, self.models) for f in cls._fields.values()}),
                rec_name=cls._rec_name or "id",
                parent_name=cls._parent_name if _stored(cls, cls._parent_name) else None,
                active_name="active" if "active" in cls._fields else None,
                order=cls._order,
            )
            cls._schema = schema[name]
        self.schema: Schema = MappingProxyType(schema)
        self.triggers: Mapping[tuple[str, str], tuple[Trigger, ...]] = MappingProxyType(
            _triggers(self.models)
        )
        self.memo: dict[Any, Any] = {}
        """Derived values that depend only on this registry (parsed domains, ORDER BY clauses)."""
        self.has_company_dependent: bool = any(
            f.company_dependent for cls in self.models.values() for f in cls._fields.values()
        )
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError("a registry is frozen once built")
        super().__setattr__(name, value)

    def __getitem__(self, model: str) -> type[BaseModel]:
        try:
            return self.models[model]
        except KeyError:
            raise UserError(f"Object {model} doesn't exist") from None

    def __contains__(self, model: object) -> bool:
        return model in self.models

    def __iter__(self) -> Iterator[str]:
        return iter(self.models)


def _compose(
    addons: Sequence[AddonClasses],
) -> tuple[dict[str, type[BaseModel]], dict[str, dict[Any, str]]]:
    parts: dict[str, list[type[BaseModel]]] = {}
    owners: dict[type[BaseModel], str] = {}
    model_origin: dict[str, str] = {}
    for addon in addons:
        for cls in addon.classes:
            owners[cls] = addon.name
            inherit = cls.__dict__.get("_inherit")
            parents = [inherit] if isinstance(inherit, str) else list(inherit or [])
            name = cls.__dict__.get("_name") or (parents[0] if len(parents) == 1 else None)
            if not name:
                raise UserError(f"Model class {cls.__qualname__} of addon {addon.name} has no _name")
            if name in parts and name not in parents and "_name" in cls.__dict__ and not parents:
                raise UserError(f"Model {name} is declared twice (addon {addon.name})")
            if name not in parts:
                if name in parents:
                    raise UserError(f"Addon {addon.name} extends unknown model {name}")
                # A new model, possibly built from others (prototype inheritance).
                parts[name] = [p for parent in parents for p in _parts_of(parts, parent, addon.name)]
                model_origin[name] = addon.name
            else:
                for parent in parents:
                    if parent != name:
                        parts[name].extend(_parts_of(parts, parent, addon.name))
            parts[name].append(cls)

    models: dict[str, type[BaseModel]] = {}
    field_origin: dict[tuple[str, str], str] = {}
    for name, classes in parts.items():
        declared: dict[str, F.Field] = {}
        for cls in classes:
            for attr, value in cls.__dict__.items():
                if isinstance(value, F.Field):
                    declared[attr] = declared[attr].merged_with(value) if attr in declared else value
                    field_origin.setdefault((name, attr), owners.get(cls, model_origin[name]))
        bases = tuple(dict.fromkeys(reversed(classes)))
        attrs: dict[str, Any] = {"_name": name, "__module__": bases[0].__module__}
        model_cls: type[BaseModel] = type(name.replace(".", "_"), bases, attrs)
        description = _first_attr(classes, "_description") or name
        model_cls._description = description
        model_cls._table = _first_attr(classes, "_table") or name.replace(".", "_")
        # Abstract or transient as declared, whatever mixins it inherits (a model inheriting
        # the abstract mail.thread still has a table).
        declaring = next((c for c in classes if c.__dict__.get("_name") == name), classes[-1])
        model_cls._abstract = declaring._abstract
        model_cls._transient = declaring._transient
        _add_magic_fields(model_cls, declared)
        for attr in list(declared):
            field_origin.setdefault((name, attr), model_origin[name])
        bound = {attr: field.new_for(name, attr) for attr, field in declared.items()}
        for attr, field in bound.items():
            if attr != "id":  # ``record.id`` stays the recordset property
                setattr(model_cls, attr, field)
        model_cls._fields = bound
        model_cls._constraint_methods = tuple(
            (attr, tuple(getattr(getattr(model_cls, attr), "_constrains", ())))
            for attr in dir(model_cls)
            if not attr.startswith("__") and getattr(getattr(model_cls, attr, None), "_constrains", None)
        )
        if model_cls._rec_name is None or model_cls._rec_name not in bound:
            model_cls._rec_name = "name" if "name" in bound else None
        models[name] = model_cls
    return models, {"fields": field_origin, "models": model_origin}


def _stored(cls: type[BaseModel], name: str) -> bool:
    field = cls._fields.get(name)
    return field is not None and field.column is not None


def _parts_of(parts: Mapping[str, list[type[BaseModel]]], name: str, addon: str) -> list[type[BaseModel]]:
    if name not in parts:
        raise UserError(f"Addon {addon} inherits from unknown model {name}")
    return list(parts[name])


def _first_attr(classes: Iterable[type], attr: str) -> Any:
    for cls in reversed(list(classes)):
        if cls.__dict__.get(attr):
            return cls.__dict__[attr]
    return None


def _add_magic_fields(model_cls: type[BaseModel], declared: dict[str, F.Field]) -> None:
    """``id``, the log-access fields and ``display_name``, first in field order."""
    magic: dict[str, F.Field] = {"id": F.Integer("ID", readonly=True)}
    if model_cls._log_access:
        magic.update(
            create_uid=F.Many2one("res.users", "Created by", readonly=True, index=False),
            create_date=F.Datetime("Created on", readonly=True),
            write_uid=F.Many2one("res.users", "Last Updated by", readonly=True, index=False),
            write_date=F.Datetime("Last Updated on", readonly=True),
        )
    magic["display_name"] = F.Char("Display Name", compute="_compute_display_name")
    for name in list(magic):
        if name in declared:
            magic.pop(name)
    rest = dict(declared)
    declared.clear()
    declared.update(magic)
    declared.update(rest)


def _setup_fields(models: Mapping[str, type[BaseModel]]) -> None:
    for name, cls in models.items():
        for field in cls._fields.values():
            if field.relational and field.comodel_name is None and not field.related:
                raise UserError(f"Field {name}.{field.name} has no comodel")
            if field.relational and field.comodel_name and field.comodel_name not in models:
                raise UserError(f"Field {name}.{field.name} refers to unknown model {field.comodel_name}")
            if field.related:
                _setup_related(models, cls, field)
            if isinstance(field, F.One2many):
                comodel = models[field.comodel_name]
                if field.inverse_name not in comodel._fields:
                    raise UserError(
                        f"Field {name}.{field.name}: inverse field "
                        f"{field.comodel_name}.{field.inverse_name} is missing"
                    )
            if isinstance(field, F.Many2many):
                own, other = cls._table, models[field.comodel_name]._table
                if not field.relation:
                    first, second = sorted([own, other])
                    field.relation = f"{first}_{second}_rel"
                if not field.column1:
                    field.column1 = f"{own}_id" if own != other else f"{own}_id1"
                if not field.column2:
                    field.column2 = f"{other}_id" if own != other else f"{other}_id2"


def _setup_related(models: Mapping[str, type[BaseModel]], cls: type[BaseModel], field: F.Field) -> None:
    target_model: type[BaseModel] = cls
    target: F.Field | None = None
    for step in field.related.split("."):
        target = target_model._fields.get(step)
        if target is None:
            raise UserError(f"Related field {cls._name}.{field.name}: unknown {step!r}")
        if target.relational and target.comodel_name:
            target_model = models[target.comodel_name]
    assert target is not None
    if type(target) is not type(field):
        raise UserError(
            f"Related field {cls._name}.{field.name} is {field.type} but {field.related} is {target.type}"
        )
    # ``groups`` too, as Odoo: a related field is computed as the superuser, so without its
    # target's groups it would show everyone what the target field shows only to some.
    for attr in ("comodel_name", "selection", "string", "company_dependent", "groups"):
        if hasattr(target, attr) and not field._args.get(attr):
            setattr(field, attr, getattr(target, attr))
    if not field._args.get("string"):
        field.string = target.string


def _triggers(models: Mapping[str, type[BaseModel]]) -> dict[tuple[str, str], tuple[Trigger, ...]]:
    """Invert every stored computed field's dependencies into change triggers."""
    found: dict[tuple[str, str], list[Trigger]] = {}
    for name, cls in models.items():
        for field in cls._fields.values():
            if not (field.computed and field.store):
                continue
            paths = field.depends or _method_depends(cls, field)
            for path in _through_related(models, cls, paths):
                model = cls
                steps = path.split(".")
                for index, step in enumerate(steps):
                    dep = model._fields.get(step)
                    if dep is None:
                        raise UserError(f"{name}.{field.name} depends on unknown field {path!r}")
                    trigger = Trigger(name, field.name, ".".join(steps[:index]))
                    found.setdefault((model._name, step), []).append(trigger)
                    if isinstance(dep, F.One2many):
                        # Lines moving between parents change the parent's one2many.
                        found.setdefault((dep.comodel_name, dep.inverse_name), []).append(
                            Trigger(name, field.name, ".".join(steps[: index + 1]))
                        )
                    if dep.relational and index + 1 < len(steps):
                        model = models[dep.comodel_name]
    return {key: tuple(dict.fromkeys(value)) for key, value in found.items()}


_MAX_RELATED_STEPS = 16


def _through_related(
    models: Mapping[str, type[BaseModel]], cls: type[BaseModel], paths: Iterable[str]
) -> list[str]:
    """``paths`` plus, for each step that is a non-stored related field (an inherited field
    among them), the path through what it is related to: ``name`` on res.users also
    depends on ``partner_id.name``, which is what a change of the partner's name writes."""
    result: list[str] = []
    todo = list(paths)
    while todo:
        path = todo.pop()
        if path in result or path.count(".") > _MAX_RELATED_STEPS:
            continue  # a related field through its own model expands without end
        result.append(path)
        model = cls
        steps = path.split(".")
        for index, step in enumerate(steps):
            field = model._fields.get(step)
            if field is None:
                break  # reported by the caller
            if field.related and not field.store:
                todo.append(".".join([*steps[:index], *str(field.related).split("."), *steps[index + 1 :]]))
            if not (field.relational and field.comodel_name in models):
                break
            model = models[field.comodel_name]
    return result


def _method_depends(cls: type[BaseModel], field: F.Field) -> tuple[str, ...]:
    method = getattr(cls, field.compute, None) if isinstance(field.compute, str) else field.compute
    return tuple(getattr(method, "_depends", ()))


__all__ = ["AddonClasses", "Model", "Registry", "RegistryKey", "Trigger"]
