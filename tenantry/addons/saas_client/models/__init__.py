from . import ir_config_parameter, res_groups, res_users  # noqa: F401
