"""What domains select, on a known data set: SQL (both backends) and Python agree with the spec.

The data (see ``_models.sample_data``)::

    id  name                score  is_company  kind  parent  country  lines                 tags
    1   'Agrolait'          5      True        'a'   -       BE       apple(3), pear(0)     red, blue
    2   'Agrolait Contact'  0      False       ''    1       BE       apple(1)              red
    3   NULL                NULL   NULL        NULL  -       -        -                     -
    4   'Bob%_'             3      NULL        'b'   2       FR       -                     gone (archived)
    5   ''                  -1     False       'c'   -       -        old(9, archived)      -
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.domain import CompileContext, parse

from ._models import PARTNER, SCHEMA, python_ids, sample_data, sql_ids

CASES: list[tuple[str, list[Any], set[int]]] = [
    # equality and NULL
    ("not_equal_includes_null_rows", [("name", "!=", "Agrolait")], {2, 3, 4, 5}),
    ("equal_false_is_null_and_empty_string_for_char", [("name", "=", False)], {3, 5}),
    ("equal_empty_string_is_the_same_as_false", [("name", "=", "")], {3, 5}),
    ("not_equal_false_excludes_null_and_empty_string", [("name", "!=", False)], {1, 2, 4}),
    ("not_in_includes_null_rows", [("score", "not in", [5, 0])], {3, 4, 5}),
    ("not_in_with_false_excludes_null_rows", [("score", "not in", [5, False])], {2, 4, 5}),
    ("in_with_false_adds_null_rows", [("score", "in", [5, False])], {1, 3}),
    ("in_empty_list_matches_nothing", [("score", "in", [])], set()),
    ("not_in_empty_list_matches_everything", [("score", "not in", [])], {1, 2, 3, 4, 5}),
    ("zero_is_a_value_not_null", [("score", "=", 0)], {2}),
    ("selection_in_with_empty_string_matches_null", [("kind", "in", ["", "a"])], {1, 2, 3}),
    ("selection_not_in_false_excludes_empty", [("kind", "not in", [False])], {1, 4, 5}),
    # comparisons
    ("less_than_never_matches_null", [("score", "<", 1)], {2, 5}),
    ("negated_less_than_is_greater_or_equal_and_still_skips_null", ["!", ("score", "<", 1)], {1, 4}),
    ("selection_orders_empty_string_first", [("kind", "<", "b")], {1, 2}),
    # booleans
    ("boolean_equal_false_includes_null", [("is_company", "=", False)], {2, 3, 4, 5}),
    ("boolean_not_equal_false_is_true_only", [("is_company", "!=", False)], {1}),
    ("boolean_not_equal_true_includes_null", [("is_company", "!=", True)], {2, 3, 4, 5}),
    # optional equality
    ("optional_equal_false_matches_everything", [("score", "=?", False)], {1, 2, 3, 4, 5}),
    ("optional_equal_value_is_equality", [("score", "=?", 5)], {1}),
    # like
    ("like_empty_matches_every_row_including_null", [("name", "like", "")], {1, 2, 3, 4, 5}),
    ("like_is_case_sensitive", [("name", "like", "agro")], set()),
    ("ilike_is_case_insensitive", [("name", "ilike", "agro")], {1, 2}),
    ("not_ilike_includes_null_rows", [("name", "not ilike", "agro")], {3, 4, 5}),
    ("like_percent_in_value_stays_a_wildcard", [("name", "like", "%")], {1, 2, 4, 5}),
    ("like_underscore_matches_one_character", [("name", "like", "_")], {1, 2, 4}),
    ("like_backslash_escapes_wildcards", [("name", "like", "\\%\\_")], {4}),
    ("equal_like_uses_the_value_as_pattern", [("name", "=like", "Agro%")], {1, 2}),
    ("negated_equal_like_is_a_true_complement", ["!", ("name", "=like", "Agro%")], {3, 4, 5}),
    ("equal_ilike_anchors_the_pattern", [("name", "=ilike", "agrolait")], {1}),
    ("integer_like_matches_the_digits", [("score", "like", "-")], {5}),
    ("not_like_empty_keeps_the_rows_without_a_value", [("name", "not ilike", "")], {3, 5}),
    ("integer_not_like_empty_is_null", [("score", "not like", "")], {3}),
    ("negated_like_empty_is_not_like_empty", ["!", ("ref", "like", False)], {2, 3, 4, 5}),
    # one field, many terms
    ("or_of_equalities_on_one_field", ["|", "|", ("score", "=", 5), ("score", "=", 0), ("score", "=", False)],
     {1, 2, 3}),
    ("and_of_inequalities_on_one_field", [("score", "!=", 5), ("score", "!=", False)], {2, 4, 5}),
    ("or_of_paths_through_one_relation", ["|", ("line_ids.name", "=", "pear"), ("line_ids.qty", "=", 1)],
     {1, 2}),
    # dates
    ("date_string_equality", [("birthday", "=", "2020-01-31")], {1}),
    ("datetime_at_most_a_date_includes_the_whole_day", [("created_at", "<=", "2024-01-31")], {1, 2}),
    ("datetime_after_a_date_skips_the_whole_day", [("created_at", ">", "2024-01-31")], {4}),
    ("datetime_from_a_date_starts_at_midnight", [("created_at", ">=", "2024-01-31")], {1, 2, 4}),
    ("datetime_before_a_date_ends_before_midnight", [("created_at", "<", "2024-01-31")], set()),
    # many2one
    ("many2one_equal_false_is_null", [("parent_id", "=", False)], {1, 3, 5}),
    ("self_referencing_path_is_not_correlated", [("parent_id.name", "=", "Agrolait")], {2}),
    ("negative_path_requires_the_related_record", [("parent_id.name", "!=", "X")], {2, 4}),
    ("negated_path_includes_rows_without_related_record",
     ["!", ("parent_id.name", "=", "X")], {1, 2, 3, 4, 5}),
    ("many2one_name_search", [("parent_id", "=", "Agrolait")], {2}),
    ("many2one_negative_name_search_includes_null", [("parent_id", "!=", "Agrolait")], {1, 3, 4, 5}),
    ("many2one_ilike_searches_names", [("country_id", "ilike", "bel")], {1, 2}),
    ("many2one_not_any_includes_null", [("parent_id", "not any", [("name", "=", "Agrolait")])], {1, 3, 4, 5}),
    ("two_level_path", [("parent_id.country_id.code", "=", "BE")], {2, 4}),
    ("many2one_ilike_empty_is_having_one", [("parent_id", "ilike", "")], {2, 4}),
    ("many2one_not_ilike_empty_is_having_none", [("parent_id", "not ilike", "")], {1, 3, 5}),
    ("many2one_like_false_is_having_one", [("country_id", "like", False)], {1, 2, 4}),
    ("many2one_in_one_name_is_equal", [("parent_id", "in", "Agrolait")], {2}),
    ("many2one_not_in_one_name_is_not_equal", [("parent_id", "not in", "Agrolait")], {1, 3, 4, 5}),
    # hierarchies
    ("child_of_includes_the_record_and_descendants", [("id", "child_of", 1)], {1, 2, 4}),
    ("parent_of_includes_the_record_and_ancestors", [("id", "parent_of", 4)], {1, 2, 4}),
    ("child_of_on_the_parent_field_follows_the_hierarchy", [("parent_id", "child_of", 2)], {2, 4}),
    ("child_of_a_name", [("id", "child_of", "Agrolait Contact")], {2, 4}),
    ("parent_of_a_name", [("id", "parent_of", "bob")], {1, 2, 4}),
    ("child_of_on_a_many2one_walks_the_comodel_tree", [("country_id", "child_of", "Europe")], {1, 2, 4}),
    ("child_of_nothing_is_false", [("id", "child_of", [])], set()),
    ("negated_child_of_includes_null_many2one", ["!", ("country_id", "child_of", 2)], {3, 4, 5}),
    # one2many
    ("one2many_equal_false_means_no_line_at_all", [("line_ids", "=", False)], {3, 4}),
    ("one2many_not_equal_false_means_some_line", [("line_ids", "!=", False)], {1, 2, 5}),
    ("one2many_in_ids_ignores_archiving", [("line_ids", "in", [4])], {5}),
    ("one2many_not_in_includes_records_without_lines", [("line_ids", "not in", [1])], {2, 3, 4, 5}),
    ("one2many_any_hides_archived_lines", [("line_ids.name", "=", "old")], set()),
    ("one2many_not_any_includes_records_without_lines",
     [("line_ids", "not any", [("qty", ">", 2)])], {2, 3, 4, 5}),
    ("x2many_any_conditions_may_hold_on_different_lines",
     [("line_ids.name", "=", "apple"), ("line_ids.qty", "=", 0)], {1}),
    ("x2many_single_any_needs_one_line_for_all",
     [("line_ids", "any", [("name", "=", "apple"), ("qty", "=", 0)])], set()),
    ("one2many_on_the_same_model", [("child_ids.name", "=like", "Bob%")], {2}),
    ("one2many_ilike_empty_is_having_an_active_line", [("line_ids", "ilike", "")], {1, 2}),
    ("one2many_not_ilike_empty_is_having_no_active_line", [("line_ids", "not ilike", "")], {3, 4, 5}),
    ("one2many_in_one_id_is_equal", [("line_ids", "in", 4)], {5}),
    ("one2many_not_in_one_id_is_not_equal", [("line_ids", "not in", 1)], {2, 3, 4, 5}),
    # many2many
    ("many2many_not_in_includes_records_without_relations", [("tag_ids", "not in", [1])], {3, 4, 5}),
    ("many2many_equal_false_means_no_relation", [("tag_ids", "=", False)], {3, 5}),
    ("many2many_in_ids_ignores_archiving", [("tag_ids", "in", [3])], {4}),
    ("many2many_any_hides_archived_targets", [("tag_ids.name", "=", "gone")], set()),
    ("many2many_name_search", [("tag_ids", "=", "blue")], {1}),
    ("many2many_negative_name_search", [("tag_ids", "!=", "red")], {3, 4, 5}),
    ("many2many_ilike_empty_is_having_an_active_target", [("tag_ids", "ilike", "")], {1, 2}),
    ("many2many_in_one_name_is_equal", [("tag_ids", "in", "blue")], {1}),
    ("many2many_in_one_id_is_equal", [("tag_ids", "in", 3)], {4}),
    # company dependent
    ("company_dependent_reads_the_current_company_value", [("credit", ">", 6)], {1}),
    ("company_dependent_missing_entry_is_null", [("credit", "=", False)], {3, 4, 5}),
]  # fmt: skip


@pytest.mark.parametrize(("domain", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_domain_selects(sample_conn: sa.Connection, domain: list[Any], expected: set[int]) -> None:
    _assert_selects(sample_conn, domain, expected, CompileContext(company_id=1))


@pytest.mark.parametrize(
    ("domain", "ctx", "expected"),
    [
        ([("credit", ">", 6)], CompileContext(company_id=2), {1}),
        ([("credit", "=", False)], CompileContext(company_id=2), {2, 3, 4, 5}),
        ([("credit", "=", False)], CompileContext(company_id=None), {1, 2, 3, 4, 5}),
        ([("line_ids.name", "=", "old")], CompileContext(active_test=False), {5}),
        ([("tag_ids.name", "=", "gone")], CompileContext(active_test=False), {4}),
    ],
    ids=[
        "company_dependent_follows_the_company",
        "company_dependent_other_company_missing_entries",
        "company_dependent_without_company_is_null",
        "one2many_any_sees_archived_lines_without_active_test",
        "many2many_any_sees_archived_targets_without_active_test",
    ],
)
def test_domain_selects_in_context(
    sample_conn: sa.Connection, domain: list[Any], ctx: CompileContext, expected: set[int]
) -> None:
    _assert_selects(sample_conn, domain, expected, ctx)


def test_extra_domain_restricts_every_sub_search_on_the_comodel(sample_conn: sa.Connection) -> None:
    def rules(model: Any) -> Any:
        return [("qty", ">", 0)] if model.name == "test.line" else None

    ctx = CompileContext(extra_domain=rules)
    _assert_selects(sample_conn, [("line_ids.name", "=", "pear")], set(), ctx)
    _assert_selects(sample_conn, [("line_ids.name", "=", "apple")], {1, 2}, ctx)
    # Explicit ids test the stored relation only, as in Odoo.
    _assert_selects(sample_conn, [("line_ids", "in", [2])], {1}, ctx)


def _assert_selects(conn: sa.Connection, domain: list[Any], expected: set[int], ctx: CompileContext) -> None:
    node = parse(domain, PARTNER, SCHEMA)
    assert sql_ids(conn, node, PARTNER, ctx) == expected, "SQL"
    assert python_ids(sample_data(), node, PARTNER, ctx) == expected, "Python"
