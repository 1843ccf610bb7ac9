from . import models, wizard  # noqa: F401
