"""Layering: the domain package stands alone, and its public surface is pinned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tenantry.domain

FORBIDDEN = ("tenantry.orm", "tenantry.db", "tenantry.addons", "tenantry.rpc", "tenantry.web")


def _modules_loaded_by(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(result.stdout.splitlines()[-1]))


# The package ``tenantry`` itself, not yet imported: an empty stand-in lets the
# test see what the domain modules import, whatever tenantry/__init__.py does.
_STUB_ROOT = f"""
import json, sys, types
root = types.ModuleType("tenantry")
root.__path__ = [{str(Path(tenantry.domain.__file__).parent.parent)!r}]
sys.modules["tenantry"] = root
import tenantry.domain
print(json.dumps(sorted(sys.modules)))
"""


def test_domain_modules_import_no_other_layer() -> None:
    loaded = _modules_loaded_by(_STUB_ROOT)
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []
    assert "tenantry.domain.compile" in loaded and "sqlalchemy" in loaded


def test_import_tenantry_domain_pulls_in_no_other_layer() -> None:
    loaded = _modules_loaded_by("import json, sys, tenantry.domain; print(json.dumps(sorted(sys.modules)))")
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []


def test_public_names() -> None:
    assert sorted(tenantry.domain.__all__) == [
        "AND", "And", "CompileContext", "Constant", "Domain", "FALSE", "FieldSchema", "FieldType",
        "Leaf", "ModelSchema", "Not", "OR", "Operator", "Or", "Reader", "Schema", "TRUE",
        "compile_domain", "default_eval_names", "evaluate", "normalize", "parse", "safe_eval",
        "safe_function",
    ]  # fmt: skip
    for name in tenantry.domain.__all__:
        assert hasattr(tenantry.domain, name)
