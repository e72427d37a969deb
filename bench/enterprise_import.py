"""Benchmark: importing 10^6 enterprises from CSV on PostgreSQL, beside a plain `COPY`.

    .venv/bin/python bench/enterprise_import.py                 # 1,000,000 rows
    .venv/bin/python bench/enterprise_import.py --rows 100000   # a quicker run
    .venv/bin/python bench/enterprise_import.py --with-update   # also re-import (all updates)

It runs against the PostgreSQL server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432)
but in a database of its own, `zhaoshang_bench_import`, created and migrated on first use: the
user's data is never touched. Its files (the generated CSV, the import's before-images) live in
`var/bench/import/`.

Measured, on the same CSV file (generated once by `demo.enterprises.write_csv`, seed 2024):

* reference — a plain `COPY … FROM STDIN (FORMAT csv, HEADER)` of the file, streamed from the
  client like the importer's input, into a fresh table shaped like the library: the enterprise
  table's columns, types, defaults and indexes (`LIKE … INCLUDING ALL`), each file column into
  the column its header names. That is what loading this file costs with nothing validated,
  converted or merged, and it is the goal's reference;
* floor — the same COPY into a scratch table of text columns without indexes: what getting the
  bytes into PostgreSQL costs. Printed beside it because the library's eight indexes alone
  cost several times this (the import's `build_indexes` phase), whatever the importer does;
* the importer — `enterprises.importing.service.import_job_run` on an ImportJob of that file
  with `dry_run=False`, into an empty enterprise table: every cell parsed and validated
  (统一社会信用代码 check digit, division code, dates, amounts, duplicates inside the file …),
  then one transaction that upserts by 统一社会信用代码 with the import's audit entry.

Goals (issue #3, §5): ≥ 20,000 rows/s with validation, and within 3× of the `COPY`.

For `bench/run.py`: `main(argv) -> int` prints the table; `figures(argv) -> list[dict]` returns
the rows (figure, value, reference, ratio, goal, status). Both run the measurement in a child
process, so the caller's Django settings (if any) are not disturbed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from report import render  # bench/ is on sys.path: these files run as scripts

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "zhaoshang_bench_import"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL_ROWS_PER_S = 20_000
GOAL_RATIO = 3.0
MARK = "@@ENTERPRISE_IMPORT@@"
SEED = 2024


# --- parent: the database, the child process, the table ----------------------------------------


def _pg_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _base_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    return base if base.startswith(("postgres://", "postgresql://")) else DEFAULT_PG


def _ensure_database(base: str) -> str:
    import psycopg

    admin = _pg_url(base, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return _pg_url(base, BENCH_DB)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the CSV file")
    parser.add_argument(
        "--with-update", action="store_true", help="also time a re-import of the same file"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the child process and return its raw measurements."""
    args = _parser().parse_args(argv)
    try:
        url = _ensure_database(_base_url())
    except Exception as exc:  # psycopg.OperationalError and friends
        where = urlsplit(_base_url()).netloc
        raise SystemExit(f"PostgreSQL is not reachable at {where}: {exc}") from exc
    var = ROOT / "var" / "bench" / "import"
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        ZHAOSHANG_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
        DEBUG="0",
        HUEY_IMMEDIATE="1",
        DJANGO_SETTINGS_MODULE="zhaoshang.settings",
        PYTHONPATH=str(ROOT),
    )
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--rows", str(args.rows)]
    if args.with_update:
        cmd.append("--with-update")
    # The child's progress lines go straight to our stderr; its stdout carries the figures.
    result = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0 or MARK not in result.stdout:
        sys.stdout.write(result.stdout)
        raise SystemExit(f"benchmark worker failed (exit {result.returncode})")
    before, _, payload = result.stdout.partition(MARK)
    sys.stdout.write(before)
    return json.loads(payload)


def _rows(raw: dict[str, Any]) -> list[dict[str, Any]]:
    rows = raw["rows"]
    copy_s, import_s = raw["copy_seconds"], raw["import_seconds"]
    library_s = raw["library_copy_seconds"]
    rate = rows / import_s
    out = [
        {
            "figure": f"import {rows:,} CSV rows with validation (rows/s)",
            "value": round(rate),
            "reference": GOAL_ROWS_PER_S,
            "ratio": round(rate / GOAL_ROWS_PER_S, 2),
            "goal": f"≥ {GOAL_ROWS_PER_S:,} rows/s",
            "status": "PASS" if rate >= GOAL_ROWS_PER_S else "MISS",
        },
        {
            "figure": "import time vs plain COPY of the file into a library-shaped table (s)",
            "value": round(import_s, 2),
            "reference": round(library_s, 2),
            "ratio": round(import_s / library_s, 2),
            "goal": f"≤ {GOAL_RATIO:g}× COPY",
            "status": "PASS" if import_s <= GOAL_RATIO * library_s else "MISS",
        },
        {
            "figure": "  floor: COPY of the file into a bare text table (s)",
            "value": round(import_s, 2),
            "reference": round(copy_s, 2),
            "ratio": round(import_s / copy_s, 2),
            "goal": "—",
            "status": "INFO",
        },
        {
            "figure": "  of which: read + validate + stage (s)",
            "value": raw["phases"].get("validate"),
            "reference": round(copy_s, 2),
            "ratio": round(raw["phases"].get("validate", 0) / copy_s, 2),
            "goal": "—",
            "status": "INFO",
        },
        {
            "figure": "  of which: one-transaction upsert + audit (s)",
            "value": raw["phases"].get("write"),
            "reference": round(copy_s, 2),
            "ratio": round(raw["phases"].get("write", 0) / copy_s, 2),
            "goal": "—",
            "status": "INFO",
        },
        {
            "figure": "    of which: building the library's indexes after the load (s)",
            "value": raw["phases"].get("build_indexes", 0),
            "reference": round(copy_s, 2),
            "ratio": round(raw["phases"].get("build_indexes", 0) / copy_s, 2),
            "goal": "—",
            "status": "INFO",
        },
        {
            "figure": "validation only (dry run, rows/s)",
            "value": round(rows / raw["dry_run_seconds"]),
            "reference": round(rows / copy_s),
            "ratio": round(raw["dry_run_seconds"] / copy_s, 2),
            "goal": "—",
            "status": "INFO",
        },
    ]
    if raw.get("update_seconds"):
        out.append(
            {
                "figure": "re-import of the same file: all updates (rows/s)",
                "value": round(rows / raw["update_seconds"]),
                "reference": GOAL_ROWS_PER_S,
                "ratio": round(rows / raw["update_seconds"] / GOAL_ROWS_PER_S, 2),
                "goal": "—",
                "status": "INFO",
            }
        )
    return out


def figures(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """The benchmark's rows, for `bench/run.py`."""
    return _rows(measure(argv))


def table(rows: list[dict[str, Any]], where: str) -> str:
    header = ("figure", "value", "reference", "ratio", "goal", "result")
    cells = [header] + [
        (
            r["figure"],
            f"{r['value']:,}" if isinstance(r["value"], int) else str(r["value"]),
            f"{r['reference']:,}" if isinstance(r["reference"], int) else str(r["reference"]),
            f"{r['ratio']:.2f}",
            r["goal"],
            r["status"],
        )
        for r in rows
    ]

    return render(f"enterprise import: {where}", cells)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    raw = measure(argv)
    rows = _rows(raw)
    print(table(rows, raw["where"]))
    if args.json:
        print(json.dumps({"raw": raw, "figures": rows}, ensure_ascii=False, indent=1))
    return 0 if all(r["status"] != "MISS" for r in rows) else 1


# --- child: Django set up on the benchmark database ----------------------------------------------


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _timed_copy(table: str, columns: str, path: Path) -> tuple[float, int]:
    """Stream the file into `table` with one plain COPY, as the importer's input arrives; the
    seconds it took and the rows it wrote. The table is dropped afterwards."""
    from django.db import connection

    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN (FORMAT csv, HEADER true)") as copy,
        open(path, "rb") as handle,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        copied = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
    return elapsed, copied


def _copy_reference(path: Path, headers: list[str]) -> float:
    """The floor: the file into a scratch table of text columns, without indexes."""
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(headers)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        cursor.execute(f"CREATE TABLE bench_copy_scratch ({columns})")
    elapsed, copied = _timed_copy("bench_copy_scratch", "", path)
    _say(f"[bench] COPY into a bare text table: {copied:,} rows in {elapsed:.2f} s")
    return elapsed


def _copy_into_library_shape(path: Path, headers: list[str]) -> float:
    """COPY the same file, unchecked, into a table shaped like the library: the enterprise
    table's columns, types, defaults and indexes (`LIKE … INCLUDING ALL`), each file column
    into the column its header names (标签 into a text column of its own). What loading the
    file costs when nothing is validated, converted or merged."""
    from django.db import connection

    from zhaoshang.enterprises.importing.columns import match_header
    from zhaoshang.enterprises.models import Enterprise

    library = Enterprise._meta.db_table
    targets = []
    for header in headers:
        found = match_header(header)
        targets.append("tags_text" if found is None or found[0].field == "tags" else found[0].field)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_library")
        cursor.execute(f'CREATE TABLE bench_copy_library (LIKE "{library}" INCLUDING ALL)')
        cursor.execute("ALTER TABLE bench_copy_library ADD COLUMN tags_text text")
        for column, default in (
            ("created_at", "now()"),
            ("updated_at", "now()"),
            ("country", "'CN'"),
            ("is_local", "false"),
            ("province_code", "''"),
            ("is_sample", "false"),
        ):
            cursor.execute(
                f"ALTER TABLE bench_copy_library ALTER COLUMN {column} SET DEFAULT {default}"
            )
    columns = "(" + ", ".join(f'"{c}"' for c in targets) + ")"
    elapsed, copied = _timed_copy("bench_copy_library", columns, path)
    _say(f"[bench] COPY into a library-shaped table: {copied:,} rows in {elapsed:.2f} s")
    return elapsed


def _empty_library() -> None:
    from django.db import connection

    from zhaoshang.enterprises.models import Enterprise

    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{Enterprise._meta.db_table}" RESTART IDENTITY CASCADE')


def _job(user: Any, name: str, *, dry_run: bool) -> Any:
    from zhaoshang.enterprises.models import ImportJob

    job = ImportJob.objects.create(original_name=name, dry_run=dry_run, created_by=user)
    job.file.name = f"imports/bench/{name}"
    job.save(update_fields=["file"])
    return job


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from zhaoshang.accounts.models import User
    from zhaoshang.accounts.roles import Role
    from zhaoshang.demo import enterprises as generation
    from zhaoshang.enterprises.importing.service import import_job_run
    from zhaoshang.enterprises.tags import tags_setup

    assert connection.vendor == "postgresql", "the import benchmark runs on PostgreSQL"
    assert connection.settings_dict["NAME"] == BENCH_DB, connection.settings_dict["NAME"]
    call_command("migrate", verbosity=0)
    tags_setup()
    user, _ = User.objects.get_or_create(
        username="bench_import", defaults={"role": Role.CITY_ADMIN, "display_name": "基准测试"}
    )
    if user.role != Role.CITY_ADMIN:
        user.role = Role.CITY_ADMIN
        user.save()
    user = User.objects.get(pk=user.pk)  # fresh permission cache

    name = f"enterprises_{args.rows}_seed{SEED}.csv"
    folder = Path(settings.MEDIA_ROOT) / "imports" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        _say(f"[bench] generating {args.rows:,} rows → {path} …")
        started = time.perf_counter()
        generation.write_csv(path.with_suffix(".tmp"), args.rows, seed=SEED)
        path.with_suffix(".tmp").rename(path)
        _say(f"[bench] generated in {time.perf_counter() - started:.1f} s")
    size_mb = path.stat().st_size / 1e6
    with open(path, encoding="utf-8") as handle:
        headers = handle.readline().rstrip("\n").split(",")

    copy_s = _copy_reference(path, headers)
    library_copy_s = _copy_into_library_shape(path, headers)

    _say("[bench] validation only (dry run) …")
    _empty_library()
    started = time.perf_counter()
    report = import_job_run(job=_job(user, name, dry_run=True), actor=user)
    dry_s = time.perf_counter() - started
    assert report.ok and report.rows == args.rows, report.as_dict()["errors"][:3]
    _say(f"[bench] dry run: {report.rows:,} rows in {dry_s:.2f} s")

    _say("[bench] import into an empty library …")
    started = time.perf_counter()
    report = import_job_run(job=_job(user, name, dry_run=False), actor=user)
    import_s = time.perf_counter() - started
    assert report.ok and report.created == args.rows, (report.created, report.errors[:3])
    _say(f"[bench] imported {report.created:,} in {import_s:.2f} s {report.seconds}")
    checked_by = report.checked_by
    phases = dict(report.seconds)

    update_s = None
    if args.with_update:
        _say("[bench] re-import (every row an update) …")
        started = time.perf_counter()
        again = import_job_run(job=_job(user, name, dry_run=False), actor=user)
        update_s = time.perf_counter() - started
        assert again.ok and again.updated == args.rows
        _say(f"[bench] re-imported in {update_s:.2f} s {again.seconds}")

    load = os.getloadavg()
    where = (
        f"PostgreSQL {connection.connection.info.server_version // 10000}, "
        f"database {BENCH_DB}, {args.rows:,} rows ({size_mb:.0f} MB CSV), "
        f"{os.cpu_count()} CPUs, load {load[0]:.1f}, rows checked by {checked_by}"
    )
    print(
        MARK
        + json.dumps(
            {
                "rows": args.rows,
                "where": where,
                "copy_seconds": copy_s,
                "library_copy_seconds": library_copy_s,
                "import_seconds": import_s,
                "dry_run_seconds": dry_s,
                "update_seconds": update_s,
                "phases": phases,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
