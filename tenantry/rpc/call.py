"""Odoo's calling convention for model methods (``execute_kw``, ``/web/dataset/call_kw``).

::

    call_kw(env, "res.partner", "search", [[("is_company", "=", True)]], {"limit": 5})
    call_kw(env, "res.partner", "write", [[7, 8], {"ref": "X"}], {})      # ids first
    call_kw(env, "res.partner", "create", [{"name": "A"}], {})           # -> 42
    call_kw(env, "res.partner", "create", [[{"name": "A"}]], {})         # -> [42]

Model methods (``@api.model``, ``@api.model_create_multi``) take the arguments as they
come; any other method is a record method whose first argument is the ids. The context
is ``kwargs['context']`` and nothing else. Recordsets come back as id lists (``create``
of one dict and ``copy`` as one id, as in Odoo 17).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import AccessError, UserError
from tenantry.orm.api import MODEL, MODEL_CREATE, api_kind
from tenantry.orm.environment import Environment
from tenantry.orm.recordset import Recordset

__all__ = ["call_kw", "check_method_name", "remote_methods"]

_PRIVATE = re.compile(r"^(_.*|init)$")
# Recordset plumbing: meaningless over the wire (and sudo/with_user must never be reachable).
_PLUMBING = frozenset(name for name in vars(Recordset) if not name.startswith("_")) | {"browse"}


def check_method_name(name: str) -> None:
    """Refuse private names (``_anything`` and ``init``) with Odoo's ``AccessError``."""
    if not isinstance(name, str) or _PRIVATE.match(name):
        raise AccessError(f"Private methods (such as {name}) cannot be called remotely.")


def call_kw(env: Environment, model: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """Call ``model.method`` as an RPC client asks; the result is not yet marshalled."""
    check_method_name(method)
    if not isinstance(model, str) or model not in env:
        raise UserError(f"Object {model} doesn't exist")
    args = list(args or ())
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None)
    if context is not None and not isinstance(context, Mapping):
        raise UserError("The context must be a dictionary.")
    records = env[model].with_context(dict(context or {}))
    func = _public_method(records, model, method)
    kind = api_kind(func)
    if kind in (MODEL, MODEL_CREATE):
        result = getattr(records, method)(*args, **kwargs)
        if kind == MODEL_CREATE and isinstance(result, Recordset) and args and isinstance(args[0], Mapping):
            return result.ids[0] if result.ids else False
    else:
        if not args:
            raise TypeError(f"{model}.{method}() is a record method: its first argument is the ids")
        ids, *rest = args
        result = getattr(records.browse(_ids(ids)), method)(*rest, **kwargs)
        if method == "copy" and isinstance(result, Recordset) and len(result.ids) == 1:
            return result.ids[0]
    if isinstance(result, Recordset):
        return result.ids
    return result


def remote_methods(records: Recordset) -> frozenset[str]:
    """The names of the methods ``call_kw`` accepts on the model of ``records``.

    Every public method of a model class is an entry point that runs as the caller:
    see tests/rpc/test_remote_methods.py, which pins the list for the shipped addons.
    """
    cls = type(records)
    return frozenset(name for name in dir(cls) if _is_remote(cls, name))


def _is_remote(cls: type, name: str) -> bool:
    return not _PRIVATE.match(name) and name not in _PLUMBING and inspect.isfunction(getattr(cls, name, None))


def _public_method(records: Any, model: str, method: str) -> Any:
    if not _is_remote(type(records), method):
        raise AttributeError(f"The method '{model}.{method}' does not exist")
    return getattr(type(records), method)


def _ids(ids: Any) -> list[int]:
    if ids is False or ids is None:
        return []
    if isinstance(ids, bool) or not isinstance(ids, int | list | tuple):
        raise UserError(f"Invalid record ids: {ids!r}")
    values = [ids] if isinstance(ids, int) else list(ids)
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in values):
        raise UserError(f"Invalid record ids: {ids!r}")
    return values
