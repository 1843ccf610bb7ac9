from . import base_language_install, res_users_identitycheck  # noqa: F401
