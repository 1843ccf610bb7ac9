from . import create_client, saas_config  # noqa: F401
