"""Client database names: subdomains, reserved names and ``dbname_template`` numbering.

A client database is named after its host: ``acme.example.com`` is the subdomain
``acme`` under the portal's base domain ``example.com``. The subdomain is what a
customer types, so it is checked strictly::

    >>> validate_subdomain("acme-2")
    'acme-2'
    >>> client_dbname("acme", "example.com")
    'acme.example.com'
    >>> numbered("crm-%i.example.com", 12)
    'crm-12.example.com'

The whole name must also be a valid database name (:mod:`tenantry.db.names`),
which caps it at 63 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tenantry.db.names import validate_name
from tenantry.exceptions import ValidationError

__all__ = [
    "RESERVED_SUBDOMAINS",
    "client_dbname",
    "numbered",
    "subdomain_of",
    "validate_client_dbname",
    "validate_dbname_template",
    "validate_subdomain",
]

_SUBDOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")

RESERVED_SUBDOMAINS: frozenset[str] = frozenset(
    {"www", "portal", "admin", "api", "mail", "smtp", "imap", "ftp", "localhost", "static", "web"}
)
"""Subdomains no customer may take, whatever the servers and templates are called."""

NUMBER = "%i"
"""The placeholder of ``dbname_template`` replaced by a unique number."""


def validate_subdomain(subdomain: object) -> str:
    """``subdomain`` if it is a well-formed, unreserved subdomain, else ``ValidationError``."""
    if not isinstance(subdomain, str):
        raise ValidationError(f"A subdomain must be a string, not {type(subdomain).__name__}")
    if _SUBDOMAIN.fullmatch(subdomain) is None:
        shown = subdomain if len(subdomain) <= 80 else subdomain[:80] + "..."
        raise ValidationError(
            f"Invalid subdomain {shown!r}: use 1 to 63 characters among lower-case letters, "
            "digits and '-', starting with a letter or a digit"
        )
    if subdomain in RESERVED_SUBDOMAINS:
        raise ValidationError(f"The subdomain {subdomain!r} is reserved.")
    return subdomain


def subdomain_of(dbname: str) -> str:
    """The first label of a host name (``acme`` for ``acme.example.com``)."""
    return dbname.split(".", 1)[0]


def client_dbname(subdomain: str, base_domain: str | None) -> str:
    """The database name of ``subdomain`` under ``base_domain`` (validated as a whole)."""
    validate_subdomain(subdomain)
    name = f"{subdomain}.{base_domain}" if base_domain else subdomain
    return validate_name(name)


def validate_client_dbname(dbname: object, reserved: Iterable[str] = ()) -> str:
    """``dbname`` if it may name a new client: a valid database name whose subdomain is
    valid and unreserved, equal neither to a ``reserved`` name (the portal, servers and
    templates) nor to the first label of one."""
    if not isinstance(dbname, str):
        raise ValidationError(f"A database name must be a string, not {type(dbname).__name__}")
    validate_subdomain(subdomain_of(dbname))
    validate_name(dbname)
    sub = subdomain_of(dbname)
    for name in reserved:
        if name and (dbname == name or sub == subdomain_of(name)):
            raise ValidationError(f"The name {dbname!r} is reserved (used by {name}).")
    return dbname


def validate_dbname_template(template: object) -> str:
    """A plan's ``dbname_template``: one ``%i`` and, with a number put in, a valid client name."""
    if not isinstance(template, str) or template.count(NUMBER) != 1:
        raise ValidationError("A database name template must hold '%i' once (e.g. demo-%i.example.com).")
    validate_client_dbname(numbered(template, 1))
    return template


def numbered(template: str, number: int) -> str:
    """``template`` with its ``%i`` replaced by ``number``."""
    return template.replace(NUMBER, str(number), 1)
