"""Compilation: the exact SQL of the shapes that matter, on both dialects.

Odoo's NULL semantics live in these shapes (``OR x IS NULL`` after negative
operators, ``NOT EXISTS`` for x2many negations...), so they are pinned as text.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from tenantry.domain import CompileContext, FieldSchema, ModelSchema, compile_domain, parse
from tenantry.exceptions import ValidationError

from ._models import PARTNER, SCHEMA

PG = postgresql.dialect(paramstyle="named")  # named: no '%%' doubling in the text
LITE = sqlite.dialect()


def where(domain: Any, dialect: Dialect, ctx: CompileContext | None = None) -> str:
    """The WHERE clause of ``SELECT id FROM test_partner WHERE <domain>``, on one line."""
    condition = compile_domain(
        parse(domain, PARTNER, SCHEMA), PARTNER, SCHEMA, ctx or CompileContext(company_id=1)
    )
    query = sa.select(PARTNER.table.c.id).where(condition)
    text = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return " ".join(text.split()).split(" WHERE ", 1)[1]


BOTH: list[tuple[str, Any, str]] = [
    ("not_equal_adds_or_is_null", [("name", "!=", "Bob")],
     "test_partner.name != 'Bob' OR test_partner.name IS NULL"),
    ("not_in_adds_or_is_null", [("score", "not in", [1, 2])],
     "(test_partner.score NOT IN (1, 2)) OR test_partner.score IS NULL"),
    ("not_in_with_false_excludes_null", [("score", "not in", [1, 2, False])],
     "(test_partner.score NOT IN (1, 2)) AND test_partner.score IS NOT NULL"),
    ("in_with_false_adds_or_is_null", [("score", "in", [1, False])],
     "test_partner.score = 1 OR test_partner.score IS NULL"),
    ("equal_false_is_is_null", [("score", "=", False)], "test_partner.score IS NULL"),
    ("char_equal_empty_string_is_empty_or_null", [("name", "=", "")],
     "test_partner.name = '' OR test_partner.name IS NULL"),
    ("char_not_equal_false_is_neither_empty_nor_null", [("name", "!=", False)],
     "test_partner.name != '' AND test_partner.name IS NOT NULL"),
    ("not_like_adds_or_is_null_and_escape", [("name", "not like", "a_")],
     "test_partner.name NOT LIKE '%a_%' ESCAPE '\\' OR test_partner.name IS NULL"),
    ("equal_like_uses_the_pattern_as_is", [("name", "=like", "a%")],
     "test_partner.name LIKE 'a%' ESCAPE '\\'"),
    ("many2one_not_any_is_not_in_or_null", [("parent_id", "not any", [("name", "=", "a")])],
     "(test_partner.parent_id NOT IN (SELECT test_partner_1.id FROM test_partner AS test_partner_1 "
     "WHERE test_partner_1.name = 'a')) OR test_partner.parent_id IS NULL"),
    ("self_referencing_path_reads_an_alias", [("parent_id.name", "=", "x")],
     "test_partner.parent_id IN (SELECT test_partner_1.id FROM test_partner AS test_partner_1 "
     "WHERE test_partner_1.name = 'x')"),
    ("one2many_equal_false_is_not_in_lines", [("line_ids", "=", False)],
     "(test_partner.id NOT IN (SELECT test_line_1.partner_id FROM test_line AS test_line_1 "
     "WHERE test_line_1.partner_id IS NOT NULL))"),
    ("many2many_not_in_is_not_exists", [("tag_ids", "not in", [1, 2])],
     "NOT (EXISTS (SELECT 1 FROM test_partner_tag_rel AS test_partner_tag_rel_1 "
     "WHERE test_partner_tag_rel_1.partner_id = test_partner.id "
     "AND test_partner_tag_rel_1.tag_id IN (1, 2)))"),
    ("many2many_equal_false_is_not_exists", [("tag_ids", "=", False)],
     "NOT (EXISTS (SELECT 1 FROM test_partner_tag_rel AS test_partner_tag_rel_1 "
     "WHERE test_partner_tag_rel_1.partner_id = test_partner.id))"),
]  # fmt: skip


@pytest.mark.parametrize(("domain", "sql"), [c[1:] for c in BOTH], ids=[c[0] for c in BOTH])
@pytest.mark.parametrize("dialect", [PG, LITE], ids=["postgresql", "sqlite"])
def test_exact_sql(dialect: Dialect, domain: Any, sql: str) -> None:
    assert where(domain, dialect) == sql


@pytest.mark.parametrize(
    ("domain", "pg", "lite"),
    [
        ([("name", "like", "")], "true", "1 = 1"),
        ([("score", "=?", False)], "true", "1 = 1"),
        ([("score", "in", [])], "false", "0 = 1"),
        (
            [("is_company", "=", False)],
            "test_partner.is_company = false OR test_partner.is_company IS NULL",
            "test_partner.is_company = 0 OR test_partner.is_company IS NULL",
        ),
        ([("is_company", "!=", False)], "test_partner.is_company = true", "test_partner.is_company = 1"),
        (
            [("name", "ilike", "Ab")],
            "test_partner.name ILIKE '%Ab%' ESCAPE '\\'",
            "lower(test_partner.name) LIKE lower('%Ab%') ESCAPE '\\'",
        ),
        (
            ["!", ("name", "=like", "a%")],
            "NOT coalesce(test_partner.name LIKE 'a%' ESCAPE '\\', false)",
            "coalesce(test_partner.name LIKE 'a%' ESCAPE '\\', 0) = 0",
        ),
        (
            [("credit", "=", 3)],
            "CAST((test_partner.credit ->> '1') AS INTEGER) = 3",
            "CAST(JSON_EXTRACT(test_partner.credit, '$.\"1\"') AS INTEGER) = 3",
        ),
        (
            [("line_ids.name", "=", "x")],
            "test_partner.id IN (SELECT test_line_1.partner_id FROM test_line AS test_line_1 "
            "WHERE test_line_1.partner_id IS NOT NULL AND test_line_1.name = 'x' "
            "AND test_line_1.active = true)",
            "test_partner.id IN (SELECT test_line_1.partner_id FROM test_line AS test_line_1 "
            "WHERE test_line_1.partner_id IS NOT NULL AND test_line_1.name = 'x' "
            "AND test_line_1.active = 1)",
        ),
    ],
    ids=[
        "like_empty_is_true",
        "optional_equal_false_is_true",
        "in_empty_is_false",
        "boolean_equal_false_includes_null",
        "boolean_not_equal_false_is_true",
        "ilike",
        "not_over_a_non_negatable_operator_is_null_safe",
        "company_dependent_reads_the_json_entry",
        "one2many_any_inlines_the_sub_domain_and_active_filter",
    ],
)
def test_exact_sql_per_dialect(domain: Any, pg: str, lite: str) -> None:
    assert where(domain, PG) == pg
    assert where(domain, LITE) == lite


def test_company_dependent_without_company_is_null() -> None:
    assert where([("credit", "=", 3)], PG, CompileContext()) == "CAST(NULL AS INTEGER) = 3"


def test_child_of_is_a_recursive_cte() -> None:
    condition = compile_domain(
        parse([("id", "child_of", 1)], PARTNER, SCHEMA), PARTNER, SCHEMA, CompileContext()
    )
    query = sa.select(PARTNER.table.c.id).where(condition)
    sql = " ".join(str(query.compile(dialect=PG, compile_kwargs={"literal_binds": True})).split())
    assert sql == (
        "WITH RECURSIVE anon_1(id) AS (SELECT test_partner_1.id AS id "
        "FROM test_partner AS test_partner_1 WHERE test_partner_1.id IN (1) "
        "UNION SELECT test_partner_2.id AS id FROM test_partner AS test_partner_2, anon_1 "
        "WHERE test_partner_2.parent_id = anon_1.id) "
        "SELECT test_partner.id FROM test_partner "
        "WHERE test_partner.id IN (SELECT anon_1.id FROM anon_1)"
    )


def test_many2many_inside_a_sub_select_correlates_with_the_alias() -> None:
    sql = where([("parent_id", "any", [("tag_ids", "in", [1])])], PG)
    assert "test_partner_tag_rel_1.partner_id = test_partner_1.id" in sql


def test_user_values_are_bind_parameters() -> None:
    evil = "x'); DROP TABLE test_partner; --"
    condition = compile_domain(
        parse([("name", "=", evil), ("country_id.name", "ilike", evil)], PARTNER, SCHEMA),
        PARTNER,
        SCHEMA,
        CompileContext(),
    )
    compiled = sa.select(PARTNER.table.c.id).where(condition).compile(dialect=PG)
    assert "DROP" not in str(compiled)
    assert evil in compiled.params.values()
    assert f"%{evil}%" in compiled.params.values()


def test_every_field_a_domain_touches_is_checked() -> None:
    seen: list[tuple[str, str]] = []

    def check_field(model: ModelSchema, field: FieldSchema) -> None:
        seen.append((model.name, field.name))

    domain = [("parent_id.country_id.code", "=", "BE"), ("line_ids", "any", [("qty", ">", 1)])]
    compile_domain(parse(domain, PARTNER, SCHEMA), PARTNER, SCHEMA, CompileContext(check_field=check_field))
    assert seen == [
        ("test.partner", "parent_id"),
        ("test.partner", "country_id"),
        ("test.country", "code"),
        ("test.partner", "line_ids"),
        ("test.line", "qty"),
    ]


def test_extra_domain_is_added_to_sub_selects_without_field_checks() -> None:
    checked: list[str] = []

    def extra(model: ModelSchema) -> Any:
        return [("parent_id", "=", False)] if model.name == "test.country" else None

    ctx = CompileContext(extra_domain=extra, check_field=lambda m, f: checked.append(f.name))
    sql = where([("country_id.code", "=", "BE"), ("name", "=", "x")], PG, ctx)
    assert sql == (
        "test_partner.country_id IN (SELECT test_country_1.id FROM test_country AS test_country_1 "
        "WHERE test_country_1.code = 'BE' AND test_country_1.parent_id IS NULL) "
        "AND test_partner.name = 'x'"
    )
    assert checked == ["country_id", "code", "name"]


def test_extra_domain_is_validated_against_the_comodel() -> None:
    ctx = CompileContext(extra_domain=lambda model: [("nope", "=", 1)])
    with pytest.raises(ValidationError, match=r"on model 'test\.country': unknown field 'nope'"):
        where([("country_id.code", "=", "BE")], PG, ctx)


def test_top_level_domain_gets_no_extra_domain() -> None:
    ctx = CompileContext(extra_domain=lambda model: [(0, "=", 1)])
    assert where([("name", "=", "x")], PG, ctx) == "test_partner.name = 'x'"
    assert where([("country_id.code", "=", "x")], PG, ctx) == (
        "test_partner.country_id IN (SELECT test_country_1.id "
        "FROM test_country AS test_country_1 WHERE false)"
    )


def test_an_alias_can_be_the_target_table() -> None:
    alias = PARTNER.table.alias("p")
    condition = compile_domain(
        parse([("name", "=", "x")], PARTNER, SCHEMA), PARTNER, SCHEMA, CompileContext(), alias
    )
    assert str(condition.compile(dialect=PG, compile_kwargs={"literal_binds": True})) == "p.name = 'x'"
