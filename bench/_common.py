"""Shared helpers of the benchmarks: timing, statistics, throwaway instances, data, output."""

from __future__ import annotations

import contextlib
import cProfile
import datetime as dt
import gc
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import tenantry
from tenantry.testing import PostgresCluster

BACKENDS: tuple[str, ...] = ("sqlite", "postgresql")
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# PostgresCluster's defaults are test settings (fsync, synchronous_commit and
# full_page_writes off). "production" turns durability back on through the
# cluster's ``settings`` override; everything else stays as the cluster sets it
# (notably shared_buffers = 64MB).
PG_PROFILES: Mapping[str, Mapping[str, str]] = {
    "production": {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"},
    "test": {},
}
_PG_SHOWN = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers")


# -- statistics and timing ---------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Summary of timing samples, in seconds."""

    n: int
    median: float
    p90: float
    min: float
    max: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        ordered = sorted(samples)
        p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1] if len(ordered) > 1 else ordered[0]
        return cls(len(ordered), statistics.median(ordered), p90, ordered[0], ordered[-1])

    def scaled(self, factor: float, digits: int = 1) -> dict[str, float]:
        """The figures multiplied by ``factor`` (e.g. 1e6 for microseconds), rounded."""
        return {
            "n": self.n,
            "median": round(self.median * factor, digits),
            "p90": round(self.p90 * factor, digits),
            "min": round(self.min * factor, digits),
            "max": round(self.max * factor, digits),
        }


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(
    variants: Mapping[str, Callable[[], object]],
    iterations: int,
    warmup: int,
    *,
    budget_s: float | None = None,
    min_iterations: int = 20,
) -> dict[str, list[float]]:
    """Time each variant ``iterations`` times, round-robin, so that they share the noise.

    The order within a round rotates, so no variant always runs first (or right
    after a given other one). Warm-up rounds are not recorded. With ``budget_s``,
    slow variants get fewer rounds (at least ``min_iterations``) so that the
    timed rounds take about that long; the first warm-up round is the estimate.
    """
    names = list(variants)
    per_round = timed(lambda: [variants[name]() for name in names])
    if budget_s is not None:
        warmup = min(warmup, max(2, int(0.1 * budget_s / per_round)))
        iterations = max(min_iterations, min(iterations, int(budget_s / per_round)))
    for _ in range(warmup - 1):
        for name in names:
            variants[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    for i in range(iterations):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timed(variants[name]))
    return samples


def repeat(
    fn: Callable[[], object], iterations: int, *, between: Callable[[], object] | None = None
) -> list[float]:
    """Time ``fn`` ``iterations`` times; ``between`` runs untimed after each call."""
    samples: list[float] = []
    for _ in range(iterations):
        gc.collect()
        samples.append(timed(fn))
        if between is not None:
            between()
    return samples


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_rows(count: int) -> str:
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1000 and count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


# -- results -----------------------------------------------------------------------------


@dataclass
class Result:
    """One line of the final table (and one entry of the JSON file)."""

    benchmark: str
    backend: str
    figure: str
    goal: str
    passed: bool | None
    value: float | None = None
    unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def marker(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-"}[self.passed]


# -- profiling -----------------------------------------------------------------------------


def profile_calls(
    fn: Callable[[], object],
    calls: int,
    label: str,
    *,
    between: Callable[[], object] | None = None,
    top: int = 25,
) -> dict[str, Any]:
    """cProfile ``calls`` calls of ``fn``; the .prof file goes to bench/results/.

    ``between`` runs after each call, outside the profile. Returns the top
    functions by own time and by cumulative time, per call.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    for _ in range(calls):
        profiler.enable()
        fn()
        profiler.disable()
        if between is not None:
            between()
    path = RESULTS_DIR / f"profile-{label}.prof"
    profiler.dump_stats(path)
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    entries = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        entries.append(
            {
                "function": f"{_short_path(filename)}:{line}({name})",
                "calls_per_call": round(ncalls / calls, 1),
                "own_us_per_call": round(tottime / calls * 1e6, 1),
                "cum_us_per_call": round(cumtime / calls * 1e6, 1),
            }
        )
    by_own = sorted(entries, key=lambda e: e["own_us_per_call"], reverse=True)[:top]
    by_cum = sorted(entries, key=lambda e: e["cum_us_per_call"], reverse=True)[:top]
    return {"file": str(path), "calls": calls, "by_own_time": by_own, "by_cumulative_time": by_cum}


def _short_path(filename: str) -> str:
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def print_profile(title: str, prof: Mapping[str, Any], lines: int = 15) -> None:
    print(f"\n-- profile: {title} ({prof['calls']} calls, per-call µs; {prof['file']})")
    print(f"{'own µs':>9} {'cum µs':>9} {'calls':>7}  function")
    print("   by own time:")
    for e in prof["by_own_time"][:lines]:
        print(
            f"{e['own_us_per_call']:>9} {e['cum_us_per_call']:>9} {e['calls_per_call']:>7}  {e['function']}"
        )
    print("   by cumulative time:")
    for e in prof["by_cumulative_time"][:lines]:
        print(
            f"{e['own_us_per_call']:>9} {e['cum_us_per_call']:>9} {e['calls_per_call']:>7}  {e['function']}"
        )


# -- throwaway instances ------------------------------------------------------------------


class BenchContext:
    """Options of the run and the throwaway storage every benchmark builds on.

    SQLite instances live in directories under one temporary root; PostgreSQL
    instances share one throwaway cluster, started on first use. ``close()``
    removes all of it.
    """

    def __init__(
        self,
        backends: Sequence[str],
        *,
        quick: bool = False,
        pg_profile: str = "production",
        profile: bool = False,
        verbose: bool = True,
    ) -> None:
        self.backends = tuple(backends)
        self.quick = quick
        self.pg_profile = pg_profile
        self.profile = profile
        self.verbose = verbose
        self.root = Path(tempfile.mkdtemp(prefix="tenantry-bench-"))
        self._cluster: PostgresCluster | None = None
        self._counter = 0
        self.meta: dict[str, Any] = {}

    def log(self, message: str) -> None:
        if self.verbose:
            stamp = time.strftime("%H:%M:%S")
            print(f"[{stamp}] {message}", file=sys.stderr, flush=True)

    @property
    def cluster(self) -> PostgresCluster:
        if self._cluster is None:
            self.log(f"starting a throwaway PostgreSQL cluster ({self.pg_profile} settings)")
            cluster = PostgresCluster(settings=PG_PROFILES[self.pg_profile])
            cluster.start()
            self._cluster = cluster
            self.meta["postgresql"] = _pg_settings(cluster.url)
        return self._cluster

    def new_url(self, backend: str) -> str:
        """A storage URL for a fresh, empty cluster of ``backend`` (a new SQLite directory)."""
        if backend == "sqlite":
            self._counter += 1
            directory = self.root / f"sqlite-{self._counter}"
            directory.mkdir()
            self.meta.setdefault("sqlite", _sqlite_settings(directory))
            return f"sqlite:///{directory}"
        if backend == "postgresql":
            return self.cluster.url
        raise ValueError(f"unknown backend {backend!r}")

    @contextlib.contextmanager
    def instance(self, backend: str) -> Iterator[tenantry.Instance]:
        """A fresh ``Instance``; the databases it created are dropped afterwards."""
        url = self.new_url(backend)
        inst = tenantry.Instance(url)
        before = set(inst.list_databases())
        try:
            yield inst
        finally:
            for name in sorted(set(inst.list_databases()) - before):
                with contextlib.suppress(Exception):
                    inst.drop_database(name)
            inst.close()
            if backend == "sqlite":
                shutil.rmtree(url.removeprefix("sqlite:///"), ignore_errors=True)

    def close(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()
            self._cluster = None
        shutil.rmtree(self.root, ignore_errors=True)


def _pg_settings(url: str) -> dict[str, str]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://") + "postgres")
    try:
        with engine.connect() as conn:
            return {name: str(conn.exec_driver_sql(f"SHOW {name}").scalar()) for name in _PG_SHOWN}
    finally:
        engine.dispose()


def _sqlite_settings(directory: Path) -> dict[str, str]:
    probe = directory / ".probe.sqlite3"
    conn = sqlite3.connect(probe)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
        (level,) = conn.execute("PRAGMA synchronous").fetchone()
        return {
            "version": sqlite3.sqlite_version,
            "synchronous (WAL, tenantry sets none)": synchronous.get(level, str(level)),
            "directory filesystem": _filesystem(directory),
        }
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(probe) + suffix).unlink()


def _filesystem(path: Path) -> str:
    """The filesystem type of ``path`` from /proc/mounts (Linux), else "?"."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "?"
    best, kind = "", "?"
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


# -- data ----------------------------------------------------------------------------------


SALESPEOPLE = 50
"""Partners are spread evenly over this many salespeople: one of them owns 2%."""
_BATCH = 50_000


def create_salespeople(inst: tenantry.Instance, db: str, count: int = SALESPEOPLE) -> list[int]:
    """``count`` users created through the ORM; their ids."""
    with inst.env(db) as env:
        users = env["res.users"].create(
            [{"name": f"Salesperson {k}", "login": f"sales{k}"} for k in range(count)]
        )
        return list(users.ids)


def load_partners(inst: tenantry.Instance, db: str, count: int, user_ids: Sequence[int]) -> None:
    """Add ``count`` partners with SQLAlchemy Core, bypassing the ORM (setup, not measured).

    Row ``i`` (its id) gets: name ``Partner i``, ref ``R<i % 100 as 2 digits><i as 7
    digits>`` (so ``ref =like 'R1%'`` matches 10%), salesperson ``user_ids[i % n]``,
    one company in ten, one archived partner in 23, itself as commercial partner.
    Both backends get identical rows; PostgreSQL generates them server-side.
    """
    engine = inst.storage.engine(db)
    with inst.env(db) as env:
        table = env.registry["res.partner"]._table_obj
        company_id = env.ref("base.main_company").id  # type: ignore[union-attr]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with engine.begin() as conn:
        first = int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
        last = first + count - 1
        if conn.dialect.name == "postgresql":
            _load_partners_pg(conn, first, last, list(user_ids), company_id, now)
        else:
            _load_partners_core(conn, table, first, last, list(user_ids), company_id, now)


def _partner_row(i: int, user_ids: Sequence[int], company_id: int, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": i,
        "name": f"Partner {i}",
        "complete_name": f"Partner {i}",
        "ref": f"R{i % 100:02d}{i:07d}",
        "type": "contact",
        "is_company": i % 10 == 0,
        "user_id": user_ids[i % len(user_ids)],
        "company_id": company_id,
        "commercial_partner_id": i,
        "email": f"partner{i}@example.com",
        "phone": f"+32 2 {i:07d}",
        "street": f"{i % 200} Main Street",
        "city": f"City {i % 500}",
        "zip": f"{1000 + i % 9000}",
        "lang": "en_US",
        "active": i % 23 != 0,
        "create_uid": 1,
        "write_uid": 1,
        "create_date": now,
        "write_date": now,
    }


def _load_partners_core(
    conn: sa.Connection,
    table: sa.Table,
    first: int,
    last: int,
    user_ids: list[int],
    company_id: int,
    now: dt.datetime,
) -> None:
    statement = sa.insert(table)
    for start in range(first, last + 1, _BATCH):
        stop = min(start + _BATCH, last + 1)
        conn.execute(statement, [_partner_row(i, user_ids, company_id, now) for i in range(start, stop)])


_PG_INSERT = """
INSERT INTO res_partner (
    id, name, complete_name, ref, type, is_company, user_id, company_id,
    commercial_partner_id, email, phone, street, city, zip, lang, active,
    create_uid, write_uid, create_date, write_date)
SELECT g, 'Partner ' || g, 'Partner ' || g,
       'R' || lpad((g % 100)::text, 2, '0') || lpad(g::text, 7, '0'),
       'contact', g % 10 = 0, (CAST(:users AS integer[]))[g % :n_users + 1], :company,
       g, 'partner' || g || '@example.com', '+32 2 ' || lpad(g::text, 7, '0'),
       (g % 200) || ' Main Street', 'City ' || (g % 500), (1000 + g % 9000)::text,
       'en_US', g % 23 <> 0, 1, 1, :now, :now
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
"""


def _load_partners_pg(
    conn: sa.Connection, first: int, last: int, user_ids: list[int], company_id: int, now: dt.datetime
) -> None:
    params = {
        "users": user_ids,
        "n_users": len(user_ids),
        "company": company_id,
        "now": now,
        "first": first,
        "last": last,
    }
    conn.execute(sa.text(_PG_INSERT), params)
    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('res_partner', 'id'), :last)"), {"last": last})


def analyze(inst: tenantry.Instance, db: str) -> None:
    """``VACUUM ANALYZE`` on PostgreSQL (as autovacuum would eventually); nothing on SQLite.

    tenantry never runs ``ANALYZE`` on SQLite, so the SQLite planner works without
    statistics there, as it does in production.
    """
    engine = inst.storage.engine(db)
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


# -- output --------------------------------------------------------------------------------


def loadavg() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "sqlalchemy": sa.__version__,
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": loadavg(),
    }


def caveats(meta: Mapping[str, Any]) -> list[str]:
    machine = meta.get("machine", {})
    notes = [
        f"Machine: {machine.get('cpus', '?')} CPUs, shared and noisy ({machine.get('platform', '?')}); "
        f"load average {machine.get('loadavg_at_start')} at start, {meta.get('loadavg_at_end')} at end. "
        "Figures are medians of repeated, warmed-up runs (p90/min in the JSON); "
        "compare runs on the same machine only.",
    ]
    pg = meta.get("postgresql")
    if pg:
        notes.append(
            f"PostgreSQL {pg.get('server_version', '?')}: throwaway local cluster, "
            f"'{meta.get('pg_profile')}' settings (fsync={pg.get('fsync')}, "
            f"synchronous_commit={pg.get('synchronous_commit')}, "
            f"full_page_writes={pg.get('full_page_writes')}, shared_buffers={pg.get('shared_buffers')}); "
            "client on the same host over TCP loopback."
        )
    lite = meta.get("sqlite")
    if lite:
        notes.append(
            f"SQLite {lite.get('version')}: WAL, synchronous="
            f"{lite.get('synchronous (WAL, tenantry sets none)')}, files on "
            f"{lite.get('directory filesystem')} in a temporary directory."
        )
    if meta.get("quick"):
        notes.append("--quick: reduced sizes and iteration counts; not comparable with a full run.")
    return notes


def print_table(results: Sequence[Result], notes: Sequence[str]) -> None:
    headers = ("benchmark", "backend", "figure", "goal", "result")
    rows = [(r.benchmark, r.backend, r.figure, r.goal, r.marker) for r in results]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        _print_plain(headers, rows, notes)
        return
    table = Table(title="tenantry benchmarks", show_lines=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    styles = {"PASS": "green", "FAIL": "bold red", "-": "dim"}
    for row in rows:
        table.add_row(*row[:-1], f"[{styles[row[-1]]}]{row[-1]}[/]")
    console = Console(width=max(160, shutil.get_terminal_size().columns))
    console.print(table)
    for note in notes:
        console.print(f"* {note}", highlight=False)


def _print_plain(headers: Sequence[str], rows: Sequence[Sequence[str]], notes: Sequence[str]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    for note in notes:
        print(f"* {note}")


def write_json(results: Sequence[Result], meta: Mapping[str, Any], path: Path | None = None) -> Path:
    path = path or RESULTS_DIR / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": dict(meta), "results": [asdict(r) | {"marker": r.marker} for r in results]}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def web_login(client: Any, db: str, login: str, password: str) -> None:
    """Log ``client`` (a Starlette TestClient) in through the login form, as a browser does."""
    import re

    page = client.get("/web/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/web/login",
        data={"csrf_token": token.group(1), "db": db, "login": login, "password": password},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"login failed: {response.status_code}")
