from . import res_groups, res_users  # noqa: F401
