"""The Python evaluator on its own: id sets, readers, hierarchies, contexts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from tenantry.domain import CompileContext, FieldSchema, ModelSchema, evaluate, parse
from tenantry.exceptions import ValidationError

from ._models import PARTNER, SCHEMA, MemoryReader, sample_data

CTX = CompileContext(company_id=1)


def ev(
    domain: Any, ids: Sequence[int] = (1, 2, 3, 4, 5), reader: Any = None, ctx: CompileContext = CTX
) -> set[int]:
    reader = reader or MemoryReader(sample_data(), ctx.company_id)
    return evaluate(parse(domain, PARTNER, SCHEMA), PARTNER, SCHEMA, ids, reader, ctx)


def test_only_the_given_ids_are_considered() -> None:
    assert ev([("name", "!=", "Agrolait")], ids=[1, 2, 3]) == {2, 3}


def test_not_is_the_complement_within_the_given_ids() -> None:
    assert ev(["!", ("name", "=like", "Agro%")], ids=[1, 3]) == {3}


def test_any_reads_only_the_related_records() -> None:
    class CountingReader(MemoryReader):
        calls: list[tuple[str, tuple[int, ...], str]] = []

        def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
            self.calls.append((model, tuple(ids), field_name))
            return super().values(model, ids, field_name)

    reader = CountingReader(sample_data(), 1)
    assert ev([("country_id.code", "=", "FR")], ids=[3, 4], reader=reader) == {4}
    assert reader.calls == [("test.partner", (3, 4), "country_id"), ("test.country", (3,), "code")]


def test_parent_of_a_name_needs_a_reader_that_lists_records() -> None:
    class PlainReader:
        def __init__(self) -> None:
            self._inner = MemoryReader(sample_data(), 1)

        def values(self, model: str, ids: Sequence[int], field_name: str) -> Mapping[int, Any]:
            return self._inner.values(model, ids, field_name)

    assert ev([("id", "child_of", "Agrolait Contact")], reader=PlainReader()) == {2, 4}
    with pytest.raises(ValidationError, match="parent_of with a name"):
        ev([("id", "parent_of", "Bob")], reader=PlainReader())


def test_hierarchy_walks_survive_cycles() -> None:
    data = sample_data()
    data.partners[0]["parent_id"] = 4  # 1 -> 4 -> 2 -> 1
    reader = MemoryReader(data, 1)
    assert ev([("id", "child_of", 2)], reader=reader) == {1, 2, 4}
    assert ev([("id", "parent_of", 2)], reader=reader) == {1, 2, 4}


def test_every_field_is_checked_and_rules_are_not() -> None:
    seen: list[str] = []

    def check(model: ModelSchema, field: FieldSchema) -> None:
        seen.append(f"{model.name}.{field.name}")

    def rules(model: ModelSchema) -> Any:
        return [("qty", ">", 0)] if model.name == "test.line" else None

    ctx = CompileContext(company_id=1, check_field=check, extra_domain=rules)
    assert ev([("line_ids.name", "in", ["apple", "pear"])], ctx=ctx) == {1, 2}
    assert seen == ["test.partner.line_ids", "test.line.name"]


def test_a_refused_field_stops_the_evaluation() -> None:
    def check(model: ModelSchema, field: FieldSchema) -> None:
        if field.name == "score":
            raise PermissionError(field.name)

    with pytest.raises(PermissionError):
        ev([("name", "=", "x"), ("parent_id.score", "=", 1)], ctx=CompileContext(check_field=check))
