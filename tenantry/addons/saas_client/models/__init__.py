from . import ir_config_parameter, res_users  # noqa: F401
