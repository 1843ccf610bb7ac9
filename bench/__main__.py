"""``python -m bench [--backend sqlite|postgresql|both] [--quick] [--only NAME] ...``

Runs the benchmarks, prints one table and writes ``bench/results/latest.json``.
The exit status is 0 even when a goal is missed (benchmarks are not tests); it
is 1 when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import (
    create_db,
    duplicate_db,
    provision,
    rpc,
    search_read,
    security_read,
    web_browser,
    web_form,
    web_list,
)
from bench._common import (
    BACKENDS,
    PG_PROFILES,
    BenchContext,
    Result,
    caveats,
    loadavg,
    machine_info,
    print_table,
    write_json,
)

BENCHMARKS: dict[str, Callable[[BenchContext], list[Result]]] = {
    create_db.NAME: create_db.run,
    duplicate_db.NAME: duplicate_db.run,
    provision.NAME: provision.run,
    search_read.NAME: search_read.run,
    security_read.NAME: security_read.run,
    rpc.NAME: rpc.run,
    web_list.NAME: web_list.run,
    web_form.NAME: web_form.run,
    web_browser.NAME: web_browser.run,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer iterations")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(BENCHMARKS),
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--pg-settings",
        choices=list(PG_PROFILES),
        default="production",
        help="durability of the throwaway PostgreSQL cluster (default: production = fsync, "
        "synchronous_commit and full_page_writes on; test = the test cluster's speed settings)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the ORM side of every figure that misses its goal (prints the hot spots; "
        ".prof files in bench/results/)",
    )
    parser.add_argument("--json", type=Path, default=None, help="where to write the results as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    names = args.only or list(BENCHMARKS)
    ctx = BenchContext(
        backends, quick=args.quick, pg_profile=args.pg_settings, profile=args.profile, verbose=not args.quiet
    )
    ctx.meta.update(
        machine=machine_info(),
        argv=sys.argv[1:] if argv is None else list(argv),
        quick=args.quick,
        pg_profile=args.pg_settings,
        started=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    results: list[Result] = []
    failed = False
    started = time.perf_counter()
    try:
        for name in names:
            for backend in backends:
                ctx.backends = (backend,)
                try:
                    results.extend(BENCHMARKS[name](ctx))
                except Exception as exc:
                    failed = True
                    traceback.print_exc()
                    results.append(
                        Result(name, backend, f"ERROR: {type(exc).__name__}: {exc}"[:200], "-", False)
                    )
    finally:
        ctx.backends = backends
        ctx.close()
    ctx.meta["duration_s"] = round(time.perf_counter() - started, 1)
    ctx.meta["loadavg_at_end"] = loadavg()
    notes = caveats(ctx.meta)
    print()
    print_table(results, notes)
    path = write_json(results, ctx.meta, args.json)
    print(f"\nResults: {path} (total {ctx.meta['duration_s']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
