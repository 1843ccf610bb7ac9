from . import extension  # noqa: F401
