"""``read_group``: aggregates per group, with Odoo's result shape.

Each group is a dict holding the grouped values (a many2one as ``(id, name)``,
a date bucket as its label such as ``"January 2024"``), the aggregates, the
count (``<field>_count`` when ``lazy``, ``__count`` otherwise) and ``__domain``,
the domain that selects the group's records. Record rules filter the rows in
SQL like any search.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tenantry.domain.schema import FieldType
from tenantry.exceptions import ValidationError
from tenantry.orm import api
from tenantry.orm.access import Operation
from tenantry.orm.delegation import ParentJoins, stored_somewhere
from tenantry.orm.write import WriteMixin

_AGGREGATES: dict[str, Callable[..., Any]] = {
    "sum": sa.func.sum,
    "avg": sa.func.avg,
    "min": sa.func.min,
    "max": sa.func.max,
    "count": sa.func.count,
}
_GRANULARITIES = ("day", "week", "month", "quarter", "year")
_ALIASED = re.compile(r"(\w+):(\w+)\((\w+)\)")
_WITH_FUNC = re.compile(r"(\w+):(\w+)")
_PLAIN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _GroupBy:
    spec: str
    field: str
    granularity: str | None


class ReadGroupMixin(WriteMixin):
    __slots__ = ()

    @api.model
    def read_group(
        self,
        domain: Any,
        fields: Sequence[str],
        groupby: str | Sequence[str],
        offset: int = 0,
        limit: int | None = None,
        orderby: str | bool = False,
        lazy: bool = True,
    ) -> list[dict[str, Any]]:
        """Group the records matching ``domain`` by ``groupby`` and aggregate ``fields``."""
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        specs = [self._parse_groupby(g) for g in groupbys]
        if lazy and specs:
            specs = specs[:1]
        self._check_read_access()
        touched = [s.field for s in specs]
        table = self._table_obj
        joins = ParentJoins(self)  # inherited fields (_inherits) are read from the parent's table
        dialect = self.env.cr.dialect
        group_cols = [_bucket(joins.column(s.field), s.granularity, dialect) for s in specs]
        aggregates = self._aggregates(fields, {s.field for s in specs})
        touched += [a[1] for a in aggregates]
        if not self.env.su:
            restricted = [n for n in touched if self._fields[n].groups]
            if restricted:
                self.env.cr.policy.check_fields(self.env, self._name, restricted, Operation.READ)
        selected = [c.label(f"g{i}") for i, c in enumerate(group_cols)]
        for alias, name, func in aggregates:
            selected.append(_AGGREGATES[func](joins.column(name)).label(alias))
        selected.append(sa.func.count(table.c.id).label("__count"))
        stmt = sa.select(*selected).select_from(joins.source)
        where = self._where(domain)
        if where is not None:
            stmt = stmt.where(where)
        if group_cols:
            stmt = stmt.group_by(*group_cols)
            stmt = stmt.order_by(*self._group_order(orderby, specs, group_cols, aggregates))
        if offset:
            stmt = stmt.offset(offset)
        if limit:
            stmt = stmt.limit(limit)
        rows = self.env.cr.conn.execute(stmt).mappings().all()
        base_domain = list(domain or [])
        result = []
        m2o_names = self._group_names(specs, rows)
        for row in rows:
            group: dict[str, Any] = {}
            group_domain: list[Any] = []
            for i, spec in enumerate(specs):
                value = row[f"g{i}"]
                group[spec.spec], terms = self._group_value(spec, value, m2o_names)
                group_domain += terms
            for alias, _name, _func in aggregates:
                group[alias] = row[alias] if row[alias] is not None else False
            count_key = f"{specs[0].field}_count" if lazy and specs else "__count"
            group[count_key] = row["__count"]
            group["__domain"] = group_domain + base_domain
            if lazy and len(groupbys) > 1:
                group["__context"] = {"group_by": groupbys[1:]}
            result.append(group)
        return result

    def _parse_groupby(self, spec: Any) -> _GroupBy:
        if not isinstance(spec, str):
            raise ValidationError(f"Invalid groupby {spec!r}")
        name, _, granularity = spec.partition(":")
        field = self._fields.get(name)
        if field is None:
            raise ValidationError(f"Invalid groupby {spec!r}: unknown field on model {self._name!r}")
        if not stored_somewhere(self, name) or field.type.is_x2many:
            raise ValidationError(f"Invalid groupby {spec!r}: field {self._name}.{name} is not stored")
        if field.type in (FieldType.DATE, FieldType.DATETIME):
            granularity = granularity or "month"
            if granularity not in _GRANULARITIES:
                raise ValidationError(f"Invalid groupby {spec!r}: unknown granularity {granularity!r}")
            return _GroupBy(spec, name, granularity)
        if granularity:
            raise ValidationError(f"Invalid groupby {spec!r}: granularity needs a date field")
        return _GroupBy(spec, name, None)

    def _aggregates(self, fields: Sequence[str], grouped: set[str]) -> list[tuple[str, str, str]]:
        """``(alias, field, function)`` for each aggregated field spec."""
        result = []
        for spec in fields or []:
            if spec in ("__count", "id"):
                continue
            alias, name, func = _parse_aggregate(spec)
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(f"Invalid field {name!r} on model {self._name!r}")
            if name in grouped:
                continue
            if func is None:
                if field.type not in (FieldType.INTEGER, FieldType.FLOAT) or not stored_somewhere(self, name):
                    continue
                func = "sum"
            if func not in _AGGREGATES:
                raise ValidationError(f"Invalid aggregation function {func!r}")
            if not stored_somewhere(self, name):
                raise ValidationError(f"Cannot aggregate non-stored field {self._name}.{name}")
            result.append((alias, name, func))
        return result

    def _group_order(
        self,
        orderby: str | bool,
        specs: list[_GroupBy],
        cols: list[Any],
        aggs: list[tuple[str, str, str]],
    ) -> list[Any]:
        if not orderby:
            return [c.asc().nulls_last() for c in cols]
        clauses = []
        positions = {s.spec: c for s, c in zip(specs, cols, strict=True)}
        positions.update({s.field: c for s, c in zip(specs, cols, strict=True)})
        for part in str(orderby).split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise ValidationError(f"Invalid read_group order {orderby!r}")
            key, desc = words[0], len(words) == 2 and words[1].lower() == "desc"
            if key in positions:
                column: Any = positions[key]
            elif key == "__count":
                column = sa.literal_column("__count")
            elif any(a[0] == key for a in aggs):
                column = sa.literal_column(next(a[0] for a in aggs if a[0] == key))
            else:
                raise ValidationError(
                    f"Invalid read_group order {orderby!r}: {key!r} is not grouped or aggregated"
                )
            clauses.append(column.desc() if desc else column.asc())
        return clauses

    def _group_names(self, specs: list[_GroupBy], rows: Sequence[Any]) -> dict[str, dict[int, str]]:
        names: dict[str, dict[int, str]] = {}
        for i, spec in enumerate(specs):
            field = self._fields[spec.field]
            if field.type is FieldType.MANY2ONE:
                names[spec.field] = self._display_names(field.comodel_name, [r[f"g{i}"] for r in rows])
        return names

    def _group_value(
        self, spec: _GroupBy, value: Any, m2o_names: dict[str, dict[int, str]]
    ) -> tuple[Any, list[Any]]:
        field = self._fields[spec.field]
        if value is None:
            return False, [(spec.field, "=", False)]
        if field.type is FieldType.MANY2ONE:
            return (value, m2o_names[spec.field].get(value, "")), [(spec.field, "=", value)]
        if spec.granularity:
            start = _as_date(value)
            end = _bucket_end(start, spec.granularity)
            fmt = (
                (lambda d: d.isoformat())
                if field.type is FieldType.DATE
                else (lambda d: f"{d.isoformat()} 00:00:00")
            )
            terms = ["&", (spec.field, ">=", fmt(start)), (spec.field, "<", fmt(end))]
            return _label(start, spec.granularity), terms
        return value, [(spec.field, "=", value)]


def _parse_aggregate(spec: Any) -> tuple[str, str, str | None]:
    """``"alias:func(field)"``, ``"field:func"`` or ``"field"`` -> (alias, field, func)."""
    text = spec if isinstance(spec, str) else ""
    if match := _ALIASED.fullmatch(text):
        return match[1], match[3], match[2]
    if match := _WITH_FUNC.fullmatch(text):
        return match[1], match[1], match[2]
    if _PLAIN.fullmatch(text):
        return text, text, None
    raise ValidationError(f"Invalid aggregate {spec!r}")


def _bucket(column: Any, granularity: str | None, dialect: str) -> Any:
    if granularity is None:
        return column
    if dialect == "postgresql":
        return sa.func.date_trunc(granularity, column)
    if granularity == "day":
        return sa.func.date(column)
    if granularity == "week":
        return sa.func.date(column, "weekday 0", "-6 days")
    if granularity == "month":
        return sa.func.strftime("%Y-%m-01", column)
    if granularity == "year":
        return sa.func.strftime("%Y-01-01", column)
    month = sa.cast(sa.func.strftime("%m", column), sa.Integer)
    return sa.func.printf("%s-%02d-01", sa.func.strftime("%Y", column), ((month - 1) / 3) * 3 + 1)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _bucket_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return start + dt.timedelta(days=1)
    if granularity == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def _label(start: dt.date, granularity: str) -> str:
    if granularity == "day":
        return start.strftime("%d %b %Y")
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"W{week} {year}"
    if granularity == "month":
        return start.strftime("%B %Y")
    if granularity == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)
