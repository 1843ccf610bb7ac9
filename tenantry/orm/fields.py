"""Field declarations: what a model stores and how values convert on the way in and out.

A field object declared on an addon class is a *declaration*; the registry makes a
fresh, set-up copy for every model class it builds (``Field.new_for``), so a field
never leaks between registries. Fields are descriptors: ``rec.name`` reads,
``rec.name = 'x'`` writes.

Values have three forms:
- column: what goes into SQL (``None`` for empty);
- record: what Python code sees on ``rec.field`` (``False`` for empty, a recordset
  for relational fields);
- read: what ``read()`` returns (``False`` for empty, ``(id, name)`` for many2one,
  id lists for x2many).
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import reprlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from tenantry.domain.schema import FieldType
from tenantry.exceptions import ValidationError
from tenantry.orm.image import fit_image, human_size

if TYPE_CHECKING:
    from tenantry.orm.recordset import Recordset as BaseModel

__all__ = [
    "Binary",
    "Boolean",
    "Char",
    "Date",
    "Datetime",
    "Field",
    "Float",
    "Image",
    "Integer",
    "Json",
    "Many2many",
    "Many2one",
    "One2many",
    "Reference",
    "Selection",
    "Text",
]

_UNSET: Any = object()

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Field:
    """Base of every field type; subclasses set ``type`` and the conversions."""

    type: ClassVar[FieldType]
    sql_type: ClassVar[builtins.type[sa.types.TypeEngine[Any]] | None] = None
    relational: ClassVar[bool] = False

    # Set from the declaration by _apply_args (see _slots); subclasses add their own.
    string: str | None
    help: str | None
    required: bool
    readonly: bool
    default: Any
    index: bool
    groups: str | None
    company_dependent: bool
    check_company: bool
    compute: Any
    inverse: Any
    store: Any
    depends: tuple[str, ...]
    related: Any
    copy: Any
    compute_sudo: Any
    write_only: bool
    inherited: bool
    search: Any
    comodel_name: Any
    inverse_name: Any
    selection: Any
    ondelete: Any
    size: Any
    relation: Any
    column1: Any
    column2: Any
    domain: Any
    context: Any
    digits: Any
    translate: Any
    auto_join: Any

    inherited_field: Any = None
    """For an inherited field, the parent model's field (a :class:`Field`) it stands for;
    set by the registry. Typed ``Any``: a ``Field``-typed class attribute is a descriptor."""

    _slots: ClassVar[dict[str, Any]] = {
        "string": None,
        "help": None,
        "required": False,
        "readonly": False,
        "default": _UNSET,
        "index": False,
        "groups": None,
        "company_dependent": False,
        "check_company": False,
        "compute": None,
        "inverse": None,
        "store": _UNSET,
        "depends": (),
        "related": None,
        "copy": _UNSET,
        "compute_sudo": _UNSET,
        "write_only": False,
        # A field of a parent model read and written through the ``_inherits`` link
        # (a related field, see tenantry.orm.delegation); set by the registry.
        "inherited": False,
        # How a non-stored field is searched: a pure function (operator, value) -> domain,
        # or the name of a static method of the model giving one.
        "search": None,
    }

    def __init__(self, string: str | None = None, **kwargs: Any) -> None:
        if string is not None:
            kwargs["string"] = string
        unknown = set(kwargs) - set(self._all_slots())
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown field attribute(s) {sorted(unknown)}")
        self._args: dict[str, Any] = kwargs
        self.name: str = ""
        self.model_name: str = ""
        self._apply_args()

    @classmethod
    def _all_slots(cls) -> dict[str, Any]:
        slots: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            slots.update(klass.__dict__.get("_slots", {}))
        return slots

    def _apply_args(self) -> None:
        for key, default in self._all_slots().items():
            setattr(self, key, self._args.get(key, default))
        self.depends = tuple(self.depends or ())
        computed = bool(self.compute or self.related)
        if self.store is _UNSET:
            self.store = not computed
        if self.copy is _UNSET:
            self.copy = not computed and self.type is not FieldType.ONE2MANY
        if self.compute_sudo is _UNSET:
            self.compute_sudo = bool(self.store or self.related)
        if self.related and not self.depends:
            self.depends = (self.related,)

    # -- set-up by the registry ------------------------------------------------

    def new_for(self, model_name: str, name: str) -> Field:
        """A fresh copy of this declaration bound to ``model_name.name``."""
        clone = type(self).__new__(type(self))
        clone._args = dict(self._args)
        clone.name = name
        clone.model_name = model_name
        clone._apply_args()
        if not clone.string:
            clone.string = _default_label(name)
        return clone

    def merged_with(self, other: Field) -> Field:
        """The declaration that results from ``other`` overriding ``self`` (``_inherit``)."""
        if type(other) is not type(self):
            return other
        merged = type(self).__new__(type(self))
        merged._args = {**self._args, **other._args}
        merged.name, merged.model_name = "", ""
        merged._apply_args()
        return merged

    @property
    def column(self) -> str | None:
        """The column holding this field, or None when it has none."""
        return self.name if self.store and self.type not in _NO_COLUMN else None

    @property
    def sql_column(self) -> str:
        """The column name of a field that has one (a ``TypeError`` otherwise)."""
        if self.column is None:
            raise TypeError(f"{self!r} has no column")
        return self.column

    @property
    def computed(self) -> bool:
        return bool(self.compute or self.related)

    @property
    def inherited_link(self) -> str | None:
        """The ``_inherits`` many2one an inherited field goes through (None for other fields)."""
        return str(self.related).split(".", 1)[0] if self.inherited and self.related else None

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        if self.company_dependent:
            # One JSON column {"<company id>": value} rather than a side table (Odoo's
            # old ir.property): reading a record reads its row, with no join per field,
            # and the value of the current company is a JSON path that SQL can filter,
            # order and index on both backends. The cost is that a many2one stored
            # there has no foreign key, so the database does not enforce it.
            return sa.JSON()
        if self.sql_type is None:
            raise TypeError(f"{self!r} has no column")
        return self.sql_type()

    # -- conversions -----------------------------------------------------------

    def to_column(self, value: Any, record: BaseModel) -> Any:
        """Python/RPC value -> SQL value (``None`` for empty)."""
        if value is False or value is None:
            return None
        return self._coerce(value)

    def _coerce(self, value: Any) -> Any:
        return value

    def to_record(self, value: Any, record: BaseModel) -> Any:
        """SQL value -> what ``rec.field`` returns."""
        return False if value is None else value

    def to_read(self, value: Any, record: BaseModel, load: str) -> Any:
        """SQL value -> what ``read()`` returns."""
        return False if value is None else value

    def _error(self, value: Any, expected: str) -> ValidationError:
        return ValidationError(
            f"Wrong value for {self.model_name}.{self.name}: {value!r} ({expected} expected)."
        )

    # -- descriptor protocol ---------------------------------------------------

    def __set_name__(self, owner: object, name: str) -> None:
        if not self.name:
            self.name = name

    def __get__(self, record: BaseModel | None, owner: object = None) -> Any:
        if record is None:
            return self
        return record._get_value(self)

    def __set__(self, record: BaseModel, value: Any) -> None:
        record._set_value(self, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_name}.{self.name})"


_NO_COLUMN = (FieldType.ONE2MANY, FieldType.MANY2MANY)


class Char(Field):
    """A short string; ``''`` and empty are the same in domains."""

    type = FieldType.CHAR
    _slots: ClassVar[dict[str, Any]] = {"size": None, "translate": False}

    sql_type = sa.String

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise self._error(value, "a string")
        return value[: self.size] if self.size else value


class Text(Char):
    type = FieldType.TEXT

    sql_type = sa.Text


class Integer(Field):
    type = FieldType.INTEGER
    sql_type = sa.Integer

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None if not self.required else 0
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self._error(value, "an integer")
        try:
            return int(value)
        except ValueError:
            raise self._error(value, "an integer") from None

    def to_record(self, value: Any, record: BaseModel) -> Any:
        return 0 if value is None else value

    def to_read(self, value: Any, record: BaseModel, load: str) -> Any:
        return 0 if value is None else value


class Float(Field):
    type = FieldType.FLOAT
    sql_type = sa.Float
    _slots: ClassVar[dict[str, Any]] = {"digits": None}

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self._error(value, "a number")
        try:
            return float(value)
        except ValueError:
            raise self._error(value, "a number") from None

    def to_record(self, value: Any, record: BaseModel) -> Any:
        return 0.0 if value is None else value

    def to_read(self, value: Any, record: BaseModel, load: str) -> Any:
        return 0.0 if value is None else value


class Boolean(Field):
    type = FieldType.BOOLEAN
    sql_type = sa.Boolean

    def to_column(self, value: Any, record: BaseModel) -> Any:
        return bool(value)

    def to_record(self, value: Any, record: BaseModel) -> Any:
        return bool(value)

    def to_read(self, value: Any, record: BaseModel, load: str) -> Any:
        return bool(value)


class Date(Field):
    """A calendar date; accepts ``date`` objects and ``YYYY-MM-DD`` strings."""

    type = FieldType.DATE
    sql_type = sa.Date

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.datetime.strptime(value[:10], DATE_FORMAT).date()
            except ValueError:
                raise self._error(value, "a date 'YYYY-MM-DD'") from None
        raise self._error(value, "a date")

    @staticmethod
    def to_string(value: dt.date) -> str:
        return value.strftime(DATE_FORMAT)


class Datetime(Field):
    """A naive UTC timestamp; accepts ``datetime`` and ``YYYY-MM-DD HH:MM:SS``."""

    type = FieldType.DATETIME
    sql_type = sa.DateTime

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.replace(microsecond=0)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        if isinstance(value, str):
            text = value.strip()
            for fmt in (DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", DATE_FORMAT):
                try:
                    return dt.datetime.strptime(text[:19], fmt)
                except ValueError:
                    continue
            raise self._error(value, "a datetime 'YYYY-MM-DD HH:MM:SS'")
        raise self._error(value, "a datetime")

    @staticmethod
    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

    @staticmethod
    def to_string(value: dt.datetime) -> str:
        return value.strftime(DATETIME_FORMAT)


class Selection(Field):
    """One value out of a fixed list of ``(value, label)`` pairs."""

    type = FieldType.SELECTION
    _slots: ClassVar[dict[str, Any]] = {"selection": ()}

    sql_type = sa.String

    def __init__(
        self, selection: Sequence[tuple[str, str]] | str = (), string: str | None = None, **kw: Any
    ) -> None:
        super().__init__(string, selection=selection, **kw)

    def options(self, record: BaseModel) -> list[tuple[str, str]]:
        """The ``(value, label)`` pairs; a string names a model method returning them."""
        if isinstance(self.selection, str):
            return list(getattr(record, self.selection)())
        return list(self.selection)

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        allowed = [key for key, _label in self.options(record)]
        if value not in allowed:
            raise ValidationError(
                f"Wrong value for {self.model_name}.{self.name}: {value!r} "
                f"(allowed: {', '.join(map(repr, allowed))})."
            )
        return value


class Reference(Selection):
    """A link to one record of any of several models, stored as ``"model,id"`` text.

    ``selection`` lists the ``(model, label)`` pairs allowed (or names a method giving
    them; empty: any model). ``rec.field`` is the record (``False`` when empty), ``read``
    gives the ``"model,id"`` text, as in Odoo.
    """

    type = FieldType.REFERENCE

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, str):
            model, _, raw_id = value.partition(",")
            try:
                res_id = int(raw_id.strip())
            except ValueError:
                raise self._error(value, "'model,id'") from None
        elif getattr(value, "_name", None) and hasattr(value, "ids"):
            if len(value.ids) != 1:
                raise self._error(value, "a single record")
            model, res_id = value._name, value.ids[0]
        else:
            raise self._error(value, "'model,id' or a record")
        model = model.strip()
        allowed = [key for key, _label in self.options(record)]
        if (allowed and model not in allowed) or model not in record.env.registry.models:
            raise ValidationError(
                f"Wrong value for {self.model_name}.{self.name}: {value!r} (model {model!r} is not "
                f"one of {', '.join(map(repr, allowed)) or 'the models'})."
            )
        if res_id <= 0:
            raise self._error(value, "a record id")
        return f"{model},{res_id}"

    def to_record(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return False
        model, _, res_id = str(value).partition(",")
        if model not in record.env.registry.models or not res_id.isdigit():
            return False
        return record.env[model].browse(int(res_id))


class Json(Field):
    type = FieldType.JSON
    sql_type = sa.JSON

    def to_column(self, value: Any, record: BaseModel) -> Any:
        return None if value is None or value is False else value


class Binary(Field):
    """Bytes: ``rec.field`` gives the raw content; ``read`` gives base64 text (a size such as
    ``"2.00 Kb"`` with the ``bin_size`` context, as Odoo); writes take raw bytes, or a
    string which is base64 (decoded as leniently as Odoo does); ``False`` clears.

    ``attachment=True`` (the default, as in Odoo 17): a stored value lives in an
    ``ir.attachment`` (``res_model, res_field, res_id``), its content in the filestore,
    and the table has no column for it; ``attachment=False``: a column.
    """

    type = FieldType.BINARY
    sql_type = sa.LargeBinary
    _slots: ClassVar[dict[str, Any]] = {"attachment": True}
    attachment: bool

    @property
    def in_attachment(self) -> bool:
        """Whether the stored value lives in an ``ir.attachment`` rather than a column."""
        return bool(self.attachment and self.store and not self.company_dependent)

    @property
    def column(self) -> str | None:
        return None if self.in_attachment else super().column

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        if isinstance(value, str):
            try:
                return base64.b64decode(value)
            except ValueError:
                raise self._error(reprlib.repr(value), "base64 data") from None
        raise self._error(reprlib.repr(value), "bytes")

    def to_read(self, value: Any, record: BaseModel | None, load: str) -> Any:
        if value is None or value is False:
            return False
        if isinstance(value, str):  # already in read form (a size, from a compute method)
            return value
        if record is not None and bin_size(record.env.context, self.name):
            return human_size(len(value))
        return base64.b64encode(bytes(value)).decode("ascii")


class Image(Binary):
    """An image, resized on write to fit ``max_width`` x ``max_height`` (0: no limit) in its
    own format, as Odoo's ``fields.Image``; refused when it is not an image."""

    _slots: ClassVar[dict[str, Any]] = {"max_width": 0, "max_height": 0, "verify_resolution": True}
    max_width: int
    max_height: int
    verify_resolution: bool

    def _coerce(self, value: Any) -> Any:
        data = super()._coerce(value)
        return fit_image(data, self.max_width, self.max_height, self.verify_resolution) if data else data


def bin_size(context: Mapping[str, Any], name: str) -> bool:
    """Whether binary reads of field ``name`` give sizes (``bin_size`` / ``bin_size_<name>``)."""
    return bool(context.get("bin_size") or context.get(f"bin_size_{name}"))


class _Relational(Field):
    relational = True
    _slots: ClassVar[dict[str, Any]] = {"comodel_name": None, "domain": (), "context": None}

    def __init__(self, comodel_name: str | None = None, string: str | None = None, **kw: Any):
        if comodel_name is not None:
            kw["comodel_name"] = comodel_name
        super().__init__(string, **kw)

    @staticmethod
    def ids_of(value: Any) -> list[int]:
        """Ids from an id, a list of ids or a recordset."""
        if value is None or value is False:
            return []
        if isinstance(value, int) and not isinstance(value, bool):
            return [value]
        ids = getattr(value, "ids", None)
        if ids is not None:
            return list(ids)
        if isinstance(value, list | tuple) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            return list(value)
        raise ValidationError(f"Wrong value for {value!r}: record ids expected.")


class Many2one(_Relational):
    """A link to one record of ``comodel_name``; ``ondelete`` is enforced by the database."""

    type = FieldType.MANY2ONE
    sql_type = sa.Integer
    _slots: ClassVar[dict[str, Any]] = {"ondelete": "set null", "auto_join": False, "delegate": False}
    delegate: bool
    """``delegate=True``: the model inherits the comodel's fields through this link (``_inherits``)."""

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, list | tuple) and value and isinstance(value[0], int):
            return value[0]  # an (id, name) pair as read() returns it
        ids = getattr(value, "ids", None)
        if ids is not None:
            if len(ids) > 1:
                raise self._error(value, "a single record")
            return ids[0] if ids else None
        raise self._error(value, "a record id")

    def to_record(self, value: Any, record: BaseModel) -> Any:
        assert self.comodel_name is not None
        comodel = record.env[self.comodel_name]
        return comodel.browse(value) if value else comodel.browse()

    def to_read(self, value: Any, record: BaseModel, load: str) -> Any:
        # Resolved in bulk by the read machinery; this is the single-value fallback.
        if value is None:
            return False
        if load != "_classic_read":
            return value
        assert self.comodel_name is not None
        target = record.env[self.comodel_name].sudo().browse(value)
        return (value, target.display_name)


class One2many(_Relational):
    """The records of ``comodel_name`` whose ``inverse_name`` many2one points here."""

    type = FieldType.ONE2MANY
    _slots: ClassVar[dict[str, Any]] = {"inverse_name": None}

    def __init__(
        self,
        comodel_name: str | None = None,
        inverse_name: str | None = None,
        string: str | None = None,
        **kw: Any,
    ) -> None:
        if inverse_name is not None:
            kw["inverse_name"] = inverse_name
        super().__init__(comodel_name, string, **kw)


class Many2many(_Relational):
    """Links through a relation table ``relation(column1 -> this, column2 -> comodel)``."""

    type = FieldType.MANY2MANY
    _slots: ClassVar[dict[str, Any]] = {"relation": None, "column1": None, "column2": None}

    def __init__(
        self,
        comodel_name: str | None = None,
        relation: str | None = None,
        column1: str | None = None,
        column2: str | None = None,
        string: str | None = None,
        **kw: Any,
    ) -> None:
        for key, value in (("relation", relation), ("column1", column1), ("column2", column2)):
            if value is not None:
                kw[key] = value
        super().__init__(comodel_name, string, **kw)


def _default_label(name: str) -> str:
    """Odoo's default label: ``partner_id`` -> "Partner", ``date_order`` -> "Date order"."""
    for suffix in ("_ids", "_id"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ").capitalize()
