"""Method decorators: how a method is called over RPC and when it runs.

- ``model``: the method works on the model, not on records: RPC passes no ids.
- ``model_create_multi``: like ``model``, and takes a dict or a list of dicts.
- ``depends(*paths)``: the stored compute method's inputs (dotted paths allowed).
- ``constrains(*fields)``: a check run after create/write touching those fields;
  it raises ``ValidationError`` to refuse the change.
- ``autovacuum``: a private method that ``ir.autovacuum`` runs daily to clean up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

MODEL = "model"
MODEL_CREATE = "model_create"


def model(method: F) -> F:
    """Mark a method as a model method (no record ids over RPC)."""
    method._api = MODEL  # type: ignore[attr-defined]
    return method


def model_create_multi(method: F) -> F:
    """Mark ``create``-like methods: a dict gives one id, a list gives a list of ids."""
    method._api = MODEL_CREATE  # type: ignore[attr-defined]
    return method


def depends(*paths: str) -> Callable[[F], F]:
    """Declare the fields a compute method reads, so stored values are recomputed."""

    def decorate(method: F) -> F:
        method._depends = paths  # type: ignore[attr-defined]
        return method

    return decorate


def constrains(*field_names: str) -> Callable[[F], F]:
    """Declare a Python constraint checked after writes to ``field_names``."""

    def decorate(method: F) -> F:
        method._constrains = field_names  # type: ignore[attr-defined]
        return method

    return decorate


def autovacuum(method: F) -> F:
    """Mark a private method (``_gc_...``) for the daily clean-up of ``ir.autovacuum``."""
    if not method.__name__.startswith("_"):
        raise TypeError(f"{method.__name__}: an autovacuum method must be private (start with '_')")
    method._autovacuum = True  # type: ignore[attr-defined]
    return method


def api_kind(method: Any) -> str | None:
    """``'model'``, ``'model_create'`` or None (a record method) for an RPC-callable."""
    return getattr(method, "_api", None)
