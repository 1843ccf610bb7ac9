from . import audit, client, database, plan, server  # noqa: F401
