from . import ir_rule  # noqa: F401
