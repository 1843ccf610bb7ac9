"""db-filter: ``%h`` and ``%d`` from the Host header, escaped, matched at the start."""

from __future__ import annotations

from tenantry.web.tenancy import database_filter, host_name, visible_databases


def test_host_name_drops_the_port_and_a_leading_www() -> None:
    assert host_name("www.Acme.example.com:8069") == "acme.example.com"
    assert host_name("[::1]:8069") == "[::1]"


def test_percent_h_is_the_whole_host_escaped() -> None:
    visible = database_filter(r"^%h$", "acme.example.com")
    assert visible is not None
    assert visible("acme.example.com")
    assert not visible("acmexexample.com")  # the dots are literal
    assert not visible("beta.example.com")


def test_percent_d_is_the_first_label_and_the_match_is_anchored_at_start() -> None:
    visible = database_filter(r"%d", "acme.example.com")
    assert visible is not None
    assert visible("acme_prod") and not visible("old_acme")


def test_no_pattern_shows_everything() -> None:
    assert database_filter(None, "x") is None
    assert visible_databases(["a", "b"], None) == ["a", "b"]
