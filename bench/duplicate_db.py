"""Duplicating a database: ``Instance.duplicate_database(src, dst)``.

The source holds ``base``, 50 salespeople and 10k partners (loaded with
SQLAlchemy Core; ``VACUUM ANALYZE`` on PostgreSQL). The copies are timed the way a
provisioning server makes them: back to back, after a few untimed warm-up copies and
a ``CHECKPOINT`` (so the bulk load still being flushed by a just-started cluster does
not charge the first copies), and dropped only at the end.

A second figure, for information, drops each copy right after it: ``DROP DATABASE``
makes PostgreSQL wait for a checkpoint, and the next ``CREATE DATABASE`` pays for
the files just deleted; on these machines that figure varied between run-to-run
noise and several times the back-to-back one. The figure
includes everything ``duplicate_database`` does: the copy itself
(``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, SQLite's backup API on SQLite)
and the new ``database.uuid`` written through the ORM in the copy. The copy
alone (``Storage.duplicate``) is measured too, alternating with the full
duplicate so that both see the same noise: a diagnostic.

Goals: under 0.3 s on PostgreSQL, under 0.1 s on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import tenantry
from bench._common import (
    BenchContext,
    Result,
    Stats,
    analyze,
    create_salespeople,
    fmt_seconds,
    load_partners,
    print_profile,
    profile_calls,
    repeat,
)

NAME = "duplicate_db"
PARTNERS = 10_000
ITERATIONS, QUICK_ITERATIONS = 15, 5
WARMUP = 5
GOALS = {"postgresql": 0.3, "sqlite": 0.1}
SOURCE = "bench_dup_src"


def run(ctx: BenchContext) -> list[Result]:
    return [_run_backend(ctx, backend) for backend in ctx.backends]


def _run_backend(ctx: BenchContext, backend: str) -> Result:
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    goal = GOALS[backend]
    with ctx.instance(backend) as inst:
        ctx.log(f"duplicate_db/{backend}: source with base and {PARTNERS} partners")
        inst.create_database(SOURCE)
        load_partners(inst, SOURCE, PARTNERS, create_salespeople(inst, SOURCE))
        analyze(inst, SOURCE)
        source_bytes = inst.database_size(SOURCE)
        names = _names("bench_dup_")
        made: list[str] = []

        def copy_with(duplicate: Callable[[str, str], None]) -> Callable[[], None]:
            def copy() -> None:
                made.append(next(names))
                duplicate(SOURCE, made[-1])

            return copy

        def drop() -> None:
            inst.drop_database(made.pop())

        full = copy_with(inst.duplicate_database)
        copy_only = copy_with(inst.storage.duplicate)
        ctx.log(f"duplicate_db/{backend}: warm-up, then {iterations} timed copies of each kind")
        for _ in range(WARMUP):
            full()
        while made:
            drop()
        _checkpoint(inst, SOURCE)
        samples, storage_only = _alternate(full, copy_only, iterations)
        while made:
            drop()
        ctx.log(f"duplicate_db/{backend}: {iterations // 3} copies each followed by a drop (info)")
        interleaved = Stats.of(repeat(full, max(3, iterations // 3), between=drop))
        stats, copy_stats = Stats.of(samples), Stats.of(storage_only)
        profile = None
        if ctx.profile and stats.median >= goal:
            profile = profile_calls(full, 5, f"duplicate_db-{backend}", between=drop)
            print_profile(f"duplicate_db {backend}", profile)
    details = {
        "partners": PARTNERS,
        "source_bytes": source_bytes,
        "seconds": stats.scaled(1, 4),
        "samples": [round(s, 4) for s in samples],
        "storage_duplicate_only_seconds": copy_stats.scaled(1, 4),
        "dropped_between_copies_seconds": interleaved.scaled(1, 4),
    }
    if profile is not None:
        details["profile"] = profile
    return Result(
        benchmark=f"duplicate_db base + {PARTNERS // 1000}k partners",
        backend=backend,
        figure=(
            f"{fmt_seconds(stats.median)} (p90 {fmt_seconds(stats.p90)}, min {fmt_seconds(stats.min)};"
            f" copy alone {fmt_seconds(copy_stats.median)}; with a drop between copies"
            f" {fmt_seconds(interleaved.median)})"
        ),
        goal=f"< {goal} s",
        passed=stats.median < goal,
        value=round(stats.median, 4),
        unit="s",
        details=details,
    )


def _alternate(
    first: Callable[[], None], second: Callable[[], None], iterations: int
) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` alternately (which goes first alternates too),
    so that both see the same machine noise."""
    a: list[float] = []
    b: list[float] = []
    for i in range(iterations):
        steps = [(first, a), (second, b)]
        for fn, samples in steps if i % 2 == 0 else reversed(steps):
            samples.extend(repeat(fn, 1))
    return a, b


def _checkpoint(inst: tenantry.Instance, db: str) -> None:
    """PostgreSQL: write out what the data load left dirty (nothing to do on SQLite)."""
    engine = inst.storage.engine(db)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("CHECKPOINT")


def _names(prefix: str) -> Iterator[str]:
    k = 0
    while True:
        yield f"{prefix}{k}"
        k += 1
