"""``python -m tenantry``: the ``tenantry`` command, e.g. ``python -X importtime -m tenantry serve``."""

from tenantry.cli import main

main()
