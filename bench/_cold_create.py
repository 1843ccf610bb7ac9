"""Child process of the cold ``create_db`` figure: ``python -m bench._cold_create URL NAME``.

Imports nothing of tenantry before its clock starts; prints one JSON line with
the time to import ``tenantry.instance`` and the time of the first ``create_database`` (the registry is
built from scratch). The database is dropped afterwards.
"""

from __future__ import annotations

import json
import sys
import time


def main(url: str, name: str) -> None:
    start = time.perf_counter()
    # tenantry's top-level names are lazy: import what create_database runs on.
    from tenantry.instance import Instance

    imported = time.perf_counter()
    inst = Instance(url)
    try:
        before = time.perf_counter()
        inst.create_database(name)
        created = time.perf_counter()
        inst.drop_database(name)
    finally:
        inst.close()
    print(json.dumps({"import_s": imported - start, "create_s": created - before}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench._cold_create URL NAME")
    main(sys.argv[1], sys.argv[2])
