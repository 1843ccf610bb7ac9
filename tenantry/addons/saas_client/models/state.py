"""The limits of each client database, cached per process.

Every check (login, RPC call, page) needs them, so they are read once per database and
*security version*: writing a ``saas_client.*`` parameter replaces that version (see
``ir_config_parameter``), which every transaction of every worker reads anyway. The key
holds the database name, so one database's limits are never served for another. The
storage used is measured at most every ``STORAGE_TTL`` seconds per database.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa

from tenantry.security.data import transaction_version

from .limits import PREFIX, ClientLimits

STORAGE_TTL = 60.0
DIRTY = "saas_client.params_changed"
"""``cr.data`` key: this transaction changed the parameters (its version is bumped once
only, so its later changes would not show in the cache: it reads them afresh)."""
_MAX_ENTRIES = 1024
_lock = threading.Lock()
_limits: OrderedDict[tuple[str, str], ClientLimits] = OrderedDict()
_storage: dict[str, tuple[float, int]] = {}


def limits(env: Any) -> ClientLimits:
    """The limits of ``env``'s database, as its transaction sees them."""
    cr = env.cr
    version = None if cr.data.get(DIRTY) else transaction_version(cr)
    key = (cr.dbname, version or "")
    if version is not None:
        with _lock:
            cached = _limits.get(key)
            if cached is not None:
                _limits.move_to_end(key)
                return cached
    table = cr.registry["ir.config_parameter"]._table_obj
    rows = cr.conn.execute(
        sa.select(table.c.key, table.c.value).where(table.c.key.startswith(PREFIX, autoescape=True))
    )
    found = ClientLimits.from_params({str(k): str(v) for k, v in rows})
    if version is not None:
        with _lock:
            _limits[key] = found
            while len(_limits) > _MAX_ENTRIES:
                _limits.popitem(last=False)
    return found


def storage_used(env: Any) -> int:
    """Bytes used by ``env``'s database and its filestore (measured now and then)."""
    cr = env.cr
    now = time.monotonic()
    with _lock:
        cached = _storage.get(cr.dbname)
    if cached is not None and cached[0] > now:
        return cached[1]
    if cr.dialect == "postgresql":
        size_of = sa.select(sa.func.pg_database_size(sa.func.current_database()))
        used = int(cr.conn.execute(size_of).scalar() or 0)
    else:
        pages = cr.conn.exec_driver_sql("PRAGMA page_count").scalar() or 0
        size = cr.conn.exec_driver_sql("PRAGMA page_size").scalar() or 0
        used = int(pages) * int(size)
    if cr.filestore is not None:
        used += int(cr.filestore.size())
    with _lock:
        if len(_storage) > _MAX_ENTRIES:
            _storage.clear()
        _storage[cr.dbname] = (now + STORAGE_TTL, used)
    return used
