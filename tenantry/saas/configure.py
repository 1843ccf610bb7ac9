"""Remote configuration requests (``saas.config.do_upgrade_database``), checked strictly.

The wire shape is the seed's::

    {"update_addons": [], "install_addons": ["sale"], "uninstall_addons": [],
     "params": [{"key": "saas_client.max_users", "value": 10, "hidden": True}]}

Every member is optional; anything else (unknown members, wrong types, malformed addon
names or keys, oversized lists) is a ``ValidationError`` before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tenantry.exceptions import ValidationError

__all__ = ["Param", "UpgradeRequest", "parse_upgrade_data"]

_ADDON = re.compile(r"[a-z0-9_]{1,64}")
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_LISTS = ("update_addons", "install_addons", "uninstall_addons")
_MAX_ITEMS = 200
_MAX_VALUE = 4096


@dataclass(frozen=True, slots=True)
class Param:
    """An ``ir.config_parameter`` to set on the client (a false value removes it)."""

    key: str
    value: str | bool
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class UpgradeRequest:
    update_addons: tuple[str, ...] = ()
    install_addons: tuple[str, ...] = ()
    uninstall_addons: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "update_addons": list(self.update_addons),
            "install_addons": list(self.install_addons),
            "uninstall_addons": list(self.uninstall_addons),
            "params": [{"key": p.key, "value": p.value, "hidden": p.hidden} for p in self.params],
        }


def parse_upgrade_data(data: object) -> UpgradeRequest:
    """The request ``data`` describes, or ``ValidationError`` naming what is wrong."""
    if not isinstance(data, Mapping):
        raise ValidationError("The configuration data must be a dictionary.")
    unknown = sorted(str(k)[:64] for k in data if k not in (*_LISTS, "params"))
    if unknown:
        raise ValidationError(f"Unknown configuration members: {', '.join(unknown)}.")
    lists = {name: _addons(name, data.get(name) or []) for name in _LISTS}
    both = set(lists["install_addons"]) & set(lists["uninstall_addons"])
    if both:
        raise ValidationError(f"Addons both installed and uninstalled: {', '.join(sorted(both))}.")
    return UpgradeRequest(params=_params(data.get("params") or []), **lists)


def _addons(member: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or len(value) > _MAX_ITEMS:
        raise ValidationError(f"{member} must be a list of at most {_MAX_ITEMS} addon names.")
    for name in value:
        if not isinstance(name, str) or _ADDON.fullmatch(name) is None:
            raise ValidationError(f"{member}: {str(name)[:64]!r} is not an addon name.")
    return tuple(dict.fromkeys(value))


def _params(value: object) -> tuple[Param, ...]:
    if not isinstance(value, list | tuple) or len(value) > _MAX_ITEMS:
        raise ValidationError(f"params must be a list of at most {_MAX_ITEMS} {{key, value, hidden}} items.")
    params: dict[str, Param] = {}
    for item in value:
        if not isinstance(item, Mapping) or set(item) - {"key", "value", "hidden"}:
            raise ValidationError("Each parameter must be a dictionary with key, value and hidden.")
        key, raw, hidden = item.get("key"), item.get("value", False), item.get("hidden", False)
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            raise ValidationError(f"Invalid parameter key {str(key)[:64]!r}.")
        if raw is False or raw is None:
            text: str | bool = False
        elif isinstance(raw, str | int | float) and not isinstance(raw, bool):
            text = str(raw)
        else:
            raise ValidationError(f"The value of {key} must be a string or a number.")
        if isinstance(text, str) and len(text) > _MAX_VALUE:
            raise ValidationError(f"The value of {key} is too long.")
        if not isinstance(hidden, bool):
            raise ValidationError(f"hidden of {key} must be true or false.")
        params[key] = Param(key, text, hidden)
    return tuple(params.values())
