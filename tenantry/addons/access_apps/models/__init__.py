from . import ir_module  # noqa: F401
