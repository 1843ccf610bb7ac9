"""Client names: subdomains, reserved names, dbname templates."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.saas import names


@pytest.mark.parametrize("good", ["a", "acme", "acme-2", "0day", "a" * 63])
def test_well_formed_subdomains_are_accepted(good: str) -> None:
    assert names.validate_subdomain(good) == good


@pytest.mark.parametrize(
    "bad", ["", "-acme", "Acme", "ac_me", "ac.me", "a" * 64, "acme\n", "é", " acme", 12, None, ["acme"]]
)
def test_malformed_subdomains_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        names.validate_subdomain(bad)


@pytest.mark.parametrize("reserved", ["www", "portal"])
def test_reserved_subdomains_are_refused(reserved: str) -> None:
    with pytest.raises(ValidationError, match="reserved"):
        names.validate_subdomain(reserved)


def test_client_names_under_the_base_domain_fit_a_database_name() -> None:
    assert names.client_dbname("acme", "example.com") == "acme.example.com"
    assert names.client_dbname("acme", None) == "acme"
    with pytest.raises(ValidationError, match="database name"):
        names.client_dbname("a" * 60, "example.com")  # 72 characters in all


def test_server_and_template_names_and_their_subdomains_are_reserved() -> None:
    reserved = ["portal.example.com", "s1.example.com", "t1.example.com"]
    assert names.validate_client_dbname("acme.example.com", reserved) == "acme.example.com"
    for taken in ("s1.example.com", "t1.example.com", "s1.other.org", "t1"):
        with pytest.raises(ValidationError, match="reserved"):
            names.validate_client_dbname(taken, reserved)
    with pytest.raises(ValidationError, match="subdomain"):
        names.validate_client_dbname("under_score.example.com", reserved)


def test_dbname_templates_hold_one_number() -> None:
    assert names.validate_dbname_template("crm-%i.example.com") == "crm-%i.example.com"
    assert names.numbered("crm-%i.example.com", 12) == "crm-12.example.com"
    for bad in ("crm.example.com", "crm-%i-%i.example.com", "-%i", "CRM-%i", 5):
        with pytest.raises(ValidationError):
            names.validate_dbname_template(bad)
    with pytest.raises(ValidationError, match="reserved"):
        names.validate_dbname_template("www.%i.example.com")  # "www" is a subdomain here
