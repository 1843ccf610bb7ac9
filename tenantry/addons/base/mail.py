"""Email addresses in free text: what ``res.partner.name_create`` makes of ``"Name <email>"``.

Pure functions, Odoo's semantics (``odoo.tools.mail``)::

    >>> parse_contact('"Raoul Grosbedon" <Raoul@Grosbedon.fr>')
    ('Raoul Grosbedon', 'raoul@grosbedon.fr')
    >>> parse_contact("Raoul raoul@grosbedon.fr")       # no brackets: the address is found anyway
    ('Raoul', 'raoul@grosbedon.fr')
    >>> parse_contact("Raoul grosbedon.fr")             # no address: the text is the name
    ('Raoul grosbedon.fr', '')

Text comes from the wire, so it is bounded before the standard library's RFC 2822 parser
sees it: that parser recurses once per nested comment (``((((...``) and a text of a few
thousand such characters raises ``RecursionError``. Longer or deeper texts are no address:
they are taken whole as the name.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

MAX_PARSED_LENGTH = 1000
"""Texts longer than this are names, never parsed for an address."""
MAX_PARENTHESES = 64
"""Nor are texts with more opening parentheses (RFC 2822 comments nest)."""

_ADDRESS = re.compile(r"[^\s@<>(),;:\"\[\]]+@[^\s@<>(),;:\"\[\]]+\.[A-Za-z]{2,63}")


def parse_contact(text: str) -> tuple[str, str]:
    """``(name, normalized email)`` from ``text``; ``(text, "")`` when it holds no address."""
    if not text.strip():
        return "", ""
    pairs = split_addresses(text)
    if not pairs:
        return text, ""
    name, address = pairs[0]
    return name, normalize_email(address)


def split_addresses(text: str) -> list[tuple[str, str]]:
    """The ``(name, address)`` pairs in ``text``, in order; only addresses with an ``@``."""
    if len(text) > MAX_PARSED_LENGTH or text.count("(") > MAX_PARENTHESES:
        return []
    pairs = [(name, address) for name, address in getaddresses([text]) if "@" in address]
    if any(address.startswith("@") for _name, address in pairs):
        # The parser cut "x <@a.b> c@d.ef"-like text badly: keep the plain addresses.
        found = [address for address in _ADDRESS.findall(text) if not address.startswith("@")]
        if found:
            pairs = [("", address) for address in found]
    return [_name_before_address(name, address) for name, address in pairs]


def normalize_email(address: str) -> str:
    """Lowercase the domain, and the local part when it is ASCII (a UTF-8 local part may be
    case-sensitive); the address of ``"Name <address>"`` when a name comes with it."""
    found = split_addresses(address)
    if found:
        address = found[0][1]
    local, at, domain = address.rpartition("@")
    if local.isascii():
        local = local.lower()
    return local + at + domain.lower()


def _name_before_address(name: str, address: str) -> tuple[str, str]:
    """``"Raoul raoul@x.fr"`` parses as one address with a space: split it into the words
    that are no address (the name) and the last one that is."""
    if name or " " not in address:
        return name, address
    words = [word for _name, word in getaddresses([address.replace(" ", ",")]) if word]
    emails = [word for word in words if "@" in word]
    if not emails:
        return name, address
    return " ".join(word for word in words if "@" not in word), emails[-1]


__all__ = ["MAX_PARENTHESES", "MAX_PARSED_LENGTH", "normalize_email", "parse_contact", "split_addresses"]
