"""``ir.autovacuum``: the daily clean-up that the cron "Base: Auto-vacuum internal data" runs.

It deletes the records of transient models (wizards) last written more than
:data:`TRANSIENT_MAX_HOURS` ago, then runs every model method marked
``@api.autovacuum`` (expired web sessions...). Superuser only: it deletes
whatever it finds, whoever made it.
"""

from __future__ import annotations

import datetime as dt
import logging

from tenantry.exceptions import AccessDenied
from tenantry.orm import fields, models

TRANSIENT_MAX_HOURS = 1.0

_log = logging.getLogger(__name__)


class IrAutovacuum(models.AbstractModel):
    _name = "ir.autovacuum"
    _description = "Automatic Vacuum"

    def _run_vacuum_cleaner(self) -> None:
        """Vacuum the transient models, then run every ``@api.autovacuum`` method."""
        if not self.env.su:
            raise AccessDenied()
        cutoff = fields.Datetime.now() - dt.timedelta(hours=TRANSIENT_MAX_HOURS)
        registry = self.env.registry
        for name in sorted(registry.models):
            cls = registry.models[name]
            if cls._abstract:
                continue
            model = self.env[name].with_context(active_test=False)
            if cls._transient:
                old = model.search([("write_date", "<", cutoff)])
                if old:
                    _log.info("autovacuum: %d old %s records", len(old), name)
                    old.unlink()
            for attr in dir(cls):
                method = getattr(cls, attr, None)
                if attr.startswith("_") and callable(method) and getattr(method, "_autovacuum", False):
                    getattr(model, attr)()
