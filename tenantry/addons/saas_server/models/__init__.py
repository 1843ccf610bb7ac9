from . import client, request  # noqa: F401
