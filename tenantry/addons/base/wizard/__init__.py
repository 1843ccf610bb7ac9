from . import base_language_install  # noqa: F401
