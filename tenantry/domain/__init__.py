"""The domain language: Odoo's search domains, as a small compiler.

::

    node = parse([("partner_id.name", "ilike", "agro")], model, schema)   # validate once
    node = normalize(node, model, schema)                                  # rewrite rules
    where = compile_domain(node, model, schema, ctx)                       # SQLAlchemy Core
    ids = evaluate(node, model, schema, ids, reader, ctx)                  # the same, in Python

``safe_eval`` reads domain text from data files and record rules. This package
does no database I/O and imports nothing from the ORM, RPC, web or addon layers.
"""

from __future__ import annotations

from tenantry.domain.ast import AND, FALSE, OR, TRUE, And, Constant, Domain, Leaf, Not, Or
from tenantry.domain.compile import compile_domain
from tenantry.domain.evaluate import evaluate
from tenantry.domain.normalize import normalize
from tenantry.domain.operators import Operator
from tenantry.domain.parse import parse
from tenantry.domain.safe_eval import default_eval_names, safe_eval, safe_function
from tenantry.domain.schema import (
    CompileContext,
    FieldSchema,
    FieldType,
    ModelSchema,
    Reader,
    Schema,
)

__all__ = [
    "AND",
    "FALSE",
    "OR",
    "TRUE",
    "And",
    "CompileContext",
    "Constant",
    "Domain",
    "FieldSchema",
    "FieldType",
    "Leaf",
    "ModelSchema",
    "Not",
    "Operator",
    "Or",
    "Reader",
    "Schema",
    "compile_domain",
    "default_eval_names",
    "evaluate",
    "normalize",
    "parse",
    "safe_eval",
    "safe_function",
]
