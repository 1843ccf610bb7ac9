from . import res_groups, res_partner, res_users  # noqa: F401
