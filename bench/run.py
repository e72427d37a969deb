"""`make bench`: the project list and home totals at 10^5 projects / 10^6 funds records.

    .venv/bin/python bench/run.py                 # SQLite (PostgreSQL when DATABASE_URL is set)
    .venv/bin/python bench/run.py --db both       # both; PostgreSQL defaults to 127.0.0.1:5432
    .venv/bin/python bench/run.py --explain       # also print the query plans of the ORM side

The data lives in a benchmark database of its own, never the user's: `var/bench/` for SQLite
(its own media and job queue too), a database named `zhaoshang_bench` on the PostgreSQL server
of DATABASE_URL. It is built once with `load_demo --projects … --funds-per-project …` and reused
while its counts are right (`--rebuild` forces a fresh one).

Each figure is timed the way the page computes it (selectors + ORM) and as hand-written SQL on
the same connection, after a warm-up, as the median of N runs (the two sides alternating).
Goal: ORM ≤ 2× raw SQL and < 150 ms (home totals: < 50 ms). The parent process prepares each database and runs a
worker per database (Django's settings are fixed per process); the worker measures with DEBUG
off, as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from report import render  # bench/ is on sys.path: these files run as scripts

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "zhaoshang_bench"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL_RATIO = 2.0
GOAL_MS = 150.0
HOME_GOAL_MS = 50.0  # home totals, uncached: from the totals tables the services keep (issue #8)


def goal_ms(key: str) -> float:
    return HOME_GOAL_MS if key.startswith("home_") else GOAL_MS


# --- parent: prepare the databases, run the workers, print the table ---------------------------


def pg_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def ensure_pg_database(base: str, name: str = BENCH_DB) -> str:
    """Create the benchmark database `name` on the server of `base` if it is missing; its URL."""
    import psycopg

    admin = pg_url(base, "postgres")
    try:
        with psycopg.connect(
            admin.replace("postgres://", "postgresql://", 1), autocommit=True
        ) as c:
            exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL is not reachable at {urlsplit(base).netloc}: {exc}")
    return pg_url(base, name)


def environment(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if db == "sqlite":
        var = ROOT / "var" / "bench"
    else:
        base = os.environ.get("DATABASE_URL") or DEFAULT_PG
        if not base.startswith(("postgres://", "postgresql://")):
            base = DEFAULT_PG
        env["DATABASE_URL"] = ensure_pg_database(base)
        var = ROOT / "var" / "bench" / "pg"
    var.mkdir(parents=True, exist_ok=True)
    env.update(
        ZHAOSHANG_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        DJANGO_SETTINGS_MODULE="zhaoshang.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(cmd: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE if capture else None
    )
    if result.returncode:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout or ""


def prepare(db: str, args: argparse.Namespace) -> dict[str, str]:
    env = environment(db)
    build = {**env, "DEBUG": "1"}
    python = sys.executable
    run([python, "manage.py", "migrate", "--noinput", "-v0"], build)
    found = json.loads(run([python, __file__, "--worker", "counts"], build, capture=True))
    wanted = {"projects": args.projects, "funds": args.projects * args.funds_per_project}
    if args.rebuild or found != wanted:
        print(f"[{db}] building benchmark data ({found} → {wanted}) …", flush=True)
        started = time.monotonic()
        run(
            [python, "manage.py", "load_demo", "--reset",
             "--projects", str(args.projects),
             "--funds-per-project", str(args.funds_per_project),
             "--enterprises", str(args.enterprises)],
            build,
        )  # fmt: skip
        print(f"[{db}] built in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"[{db}] reusing benchmark data: {found}", flush=True)
    # Databases built before the monthly funds totals existed: fill the table once.
    note = run([python, __file__, "--worker", "funds_totals"], build, capture=True).strip()
    if note:
        print(f"[{db}] {note}", flush=True)
    # Measure as production runs: DEBUG off (no query log), a throwaway secret key.
    return {**env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40)}


def table(db: str, where: str, results: list[dict[str, Any]]) -> str:
    header = ("figure", "ms", "raw-SQL ms", "ratio", "goal", "result")
    rows = [header]
    for r in results:
        ok = r["ratio"] <= GOAL_RATIO and r["orm_ms"] < goal_ms(r["key"])
        rows.append(
            (
                r["label"],
                f"{r['orm_ms']:.1f}",
                f"{r['raw_ms']:.1f}",
                f"{r['ratio']:.2f}",
                f"≤{GOAL_RATIO:g}× and <{goal_ms(r['key']):g} ms",
                "PASS" if ok else "MISS",
            )
        )

    return render(f"{db}: {where}", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_db = (
        "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default=default_db)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--funds-per-project", type=int, default=10)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per figure (median)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    parser.add_argument("--explain", action="store_true", help="print the ORM queries' plans")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--worker", choices=["counts", "funds_totals", "measure"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    failed = False
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = prepare(db, args)
        cmd = [sys.executable, __file__, "--worker", "measure",
               "--runs", str(args.runs), "--warmup", str(args.warmup)]  # fmt: skip
        if args.explain:
            cmd.append("--explain")
        report = json.loads(run(cmd, env, capture=True).split("\n@@RESULTS@@\n", 1)[1])
        print(report["plans"], end="")
        print(table(db, report["where"], report["results"]))
        print(flush=True)
        if args.json:
            print(json.dumps(report["results"], ensure_ascii=False, indent=1))
        failed |= any(not r["pass"] for r in report["results"])
    if failed:
        print("Some figures miss their goal (see bench/README.md for the analysis).")


# --- worker: inside Django, on one database ----------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench import figures as catalogue

    if args.worker == "counts":
        print(json.dumps(catalogue.counts()))
        return
    if args.worker == "funds_totals":
        from zhaoshang.projects.models import FundsMonthlyTotal, FundsRecord
        from zhaoshang.projects.services.funds_totals import funds_totals_rebuild

        if not FundsMonthlyTotal.objects.exists() and FundsRecord.objects.exists():
            started = time.monotonic()
            rows = funds_totals_rebuild()
            print(
                f"funds monthly totals rebuilt: {rows:,} rows in {time.monotonic() - started:.1f} s"
            )
        return

    from django.db import connection

    from zhaoshang.accounts.models import User

    city = User.objects.get(username="city")
    county = User.objects.select_related("unit").get(username="linqing")
    settings_db = connection.settings_dict
    where = (
        f"SQLite {settings_db['NAME']}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {settings_db['HOST']}:{settings_db['PORT']}/{settings_db['NAME']}"
    )
    counts = catalogue.counts()
    where += f" — {counts['projects']:,} projects, {counts['funds']:,} funds records"
    plans = []
    results = []
    for figure in catalogue.figures(city, county):
        orm_value, raw_value = figure.orm(), figure.raw()
        if not figure.same(orm_value, raw_value):
            sys.exit(f"{figure.key}: ORM and raw SQL disagree:\n{orm_value}\n{raw_value}")
        orm_ms, raw_ms = _paired_medians(figure.orm, figure.raw, args.runs, args.warmup)
        ratio = orm_ms / raw_ms if raw_ms else float("inf")
        results.append(
            {
                "key": figure.key,
                "label": figure.label,
                "orm_ms": orm_ms,
                "raw_ms": raw_ms,
                "ratio": ratio,
                "pass": ratio <= GOAL_RATIO and orm_ms < goal_ms(figure.key),
            }
        )
        if args.explain:
            plans.append(f"-- {figure.label}")
            for sql in catalogue.orm_sql(figure):
                plans.append(sql)
                plans.append(_explain(connection, sql))
    text = "\n".join(plans) + ("\n" if plans else "")
    print("\n@@RESULTS@@\n" + json.dumps({"where": where, "results": results, "plans": text}))


def _paired_medians(orm: Any, raw: Any, runs: int, warmup: int) -> tuple[float, float]:
    """Median ms of each side, the two run alternately so that load on the machine hits both."""
    for _ in range(warmup):
        orm()
        raw()
    samples: dict[Any, list[float]] = {orm: [], raw: []}
    for n in range(runs):
        for action in (orm, raw) if n % 2 == 0 else (raw, orm):
            started = time.perf_counter()
            action()
            samples[action].append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[orm]), statistics.median(samples[raw])


def _explain(connection: Any, sql: str) -> str:
    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"   {r[-1]}" for r in rows)
    return "\n".join(f"   {r[0]}" for r in rows)


if __name__ == "__main__":
    main()
