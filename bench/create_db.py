"""Creating a database with ``base`` installed: ``Instance.create_database(name)``.

* warm: one ``Instance`` creates a first database (building the registry, not
  recorded), then N more, each timed; each is dropped after its timing (not timed).
  This is the provisioning path of a running server. Goal: under 0.8 s.
* cold: a fresh interpreter imports tenantry and creates one database: the
  registry is built from scratch. Reported separately, for information; the
  import time is reported beside it, not included.

The cold child process is ``bench/_cold_create.py`` (it imports nothing of tenantry
before it starts its clock).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench._common import (
    BenchContext,
    Result,
    Stats,
    fmt_seconds,
    print_profile,
    profile_calls,
    repeat,
)

NAME = "create_db"
ITERATIONS, QUICK_ITERATIONS = 10, 4
GOAL_SECONDS = 0.8
_REPO = Path(__file__).resolve().parent.parent


def run(ctx: BenchContext) -> list[Result]:
    results: list[Result] = []
    for backend in ctx.backends:
        results.append(_warm(ctx, backend))
        results.append(_cold(ctx, backend))
    return results


def _warm(ctx: BenchContext, backend: str) -> Result:
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    with ctx.instance(backend) as inst:
        ctx.log(f"create_db/{backend}: first create (registry build), then {iterations} timed")
        start = time.perf_counter()
        inst.create_database("bench_create_first")
        time_first = time.perf_counter() - start
        inst.drop_database("bench_create_first")
        names = iter(f"bench_create_{k}" for k in range(iterations + 3))
        current: list[str] = []

        def create() -> None:
            name = next(names)
            current.append(name)
            inst.create_database(name)

        def drop() -> None:
            inst.drop_database(current.pop())

        samples = repeat(create, iterations, between=drop)
        profile = None
        if ctx.profile and Stats.of(samples).median >= GOAL_SECONDS:
            profile = profile_calls(create, 3, f"create_db-{backend}", between=drop)
            print_profile(f"create_db {backend}", profile)
    stats = Stats.of(samples)
    return Result(
        benchmark="create_db base (warm registry)",
        backend=backend,
        figure=f"{fmt_seconds(stats.median)} (p90 {fmt_seconds(stats.p90)}, min {fmt_seconds(stats.min)})",
        goal=f"< {GOAL_SECONDS} s",
        passed=stats.median < GOAL_SECONDS,
        value=round(stats.median, 4),
        unit="s",
        details={
            "seconds": stats.scaled(1, 4),
            "samples": [round(s, 4) for s in samples],
            "first_create_same_instance_s": round(time_first, 4),
            **({"profile": profile} if profile is not None else {}),
        },
    )


def _cold(ctx: BenchContext, backend: str) -> Result:
    url = ctx.new_url(backend)
    ctx.log(f"create_db/{backend}: cold create in a fresh interpreter")
    done = subprocess.run(
        [sys.executable, "-m", "bench._cold_create", url, "bench_create_cold"],
        cwd=_REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold create failed:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    create_s, import_s = figures["create_s"], figures["import_s"]
    return Result(
        benchmark="create_db base (cold: new process)",
        backend=backend,
        figure=f"{fmt_seconds(create_s)} (+ {fmt_seconds(import_s)} importing tenantry.instance)",
        goal=f"(info) < {GOAL_SECONDS} s",
        passed=None,
        value=round(create_s, 4),
        unit="s",
        details={"single_run": True, **{k: round(v, 4) for k, v in figures.items()}},
    )
