from . import product, sale_order  # noqa: F401
