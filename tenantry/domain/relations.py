"""How fields link models: comodels, and which hierarchy ``child_of``/``parent_of`` follow."""

from __future__ import annotations

from dataclasses import dataclass

from tenantry.domain.schema import FieldSchema, FieldType, ModelSchema, Schema


class RelationProblem(LookupError):
    """A field cannot be used the way a leaf uses it; the parser adds the term to the message."""


def comodel_of(field: FieldSchema, schema: Schema) -> ModelSchema:
    """The model a relational field points to."""
    if field.relation is None or field.relation not in schema:
        raise RelationProblem(f"field {field.name!r} points to unknown model {field.relation!r}")
    return schema[field.relation]


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """What ``(field, 'child_of', x)`` walks.

    ``model`` holds the tree and ``parent`` is its parent field. When
    ``on_record`` is true the leaf tests the record itself (``('id', 'child_of',
    x)``, or a many2one to the same model, whose tree it defines); otherwise it
    tests the field's values (``('country_id', 'child_of', x)`` walks the
    countries' own tree).
    """

    model: ModelSchema
    parent: FieldSchema
    on_record: bool


def hierarchy_of(model: ModelSchema, field: FieldSchema, schema: Schema) -> Hierarchy:
    """The hierarchy a ``child_of``/``parent_of`` leaf on ``field`` of ``model`` follows."""
    if field.name == "id":
        return Hierarchy(model, _parent_field(model), on_record=True)
    if field.type is FieldType.MANY2ONE and field.relation == model.name:
        return Hierarchy(model, field, on_record=True)
    if field.type.is_relational:
        comodel = comodel_of(field, schema)
        return Hierarchy(comodel, _parent_field(comodel), on_record=False)
    raise RelationProblem("child_of and parent_of need 'id' or a relational field")


def _parent_field(model: ModelSchema) -> FieldSchema:
    parent = model.field(model.parent_name) if model.parent_name else None
    if parent is None or parent.type is not FieldType.MANY2ONE or parent.column is None:
        raise RelationProblem(f"model {model.name!r} has no parent field to follow")
    return parent


def active_field(model: ModelSchema) -> FieldSchema | None:
    """The stored boolean field hiding archived records of ``model``, if it has one."""
    if model.active_name is None:
        return None
    field = model.field(model.active_name)
    return field if field is not None and field.column is not None else None
