"""The backup and restore drill, timed: `manage.py backup`, then `manage.py restore` into an empty
database and MEDIA_ROOT with every check (tables, files, audit chain, published rankings).

    .venv/bin/python bench/backup_drill.py                          # 10^5 projects, SQLite
    .venv/bin/python bench/backup_drill.py --db postgresql          # … on PostgreSQL
    .venv/bin/python bench/backup_drill.py --data demo --db both    # the demo city

Data: ``scale`` is the benchmark database of `bench/run.py` (100,000 projects, 1,000,000 funds
records; built there when missing, which takes a while); ``demo`` is the demo city of
`bench/throughput.py` (SQLite) or of `bench/load.py` (PostgreSQL). The restore goes to a
throwaway database (`zhaoshang_bench_restore`, or a file in a temporary directory) that is
removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import render  # bench/ is on sys.path: these files run as scripts

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESTORE_DB = "zhaoshang_bench_restore"
DEV_CHAIN_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", choices=["demo", "scale"], default="scale")
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--funds-per-project", type=int, default=10)
    p.add_argument("--enterprises", type=int, default=20_000)
    p.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    return p


def source_env(data: str, db: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment of the database to back up (built by the other benchmarks)."""
    from bench import run as bench_run

    if data == "scale":
        env = bench_run.prepare(db, args)
        env.pop("SECRET_KEY", None)
        key = os.environ.get("AUDIT_CHAIN_KEY", DEV_CHAIN_KEY)  # built with DEBUG=1
    elif db == "sqlite":
        from bench import throughput

        env = throughput.demo_env()
        key = os.environ.get("AUDIT_CHAIN_KEY", DEV_CHAIN_KEY)
    else:
        from bench import load

        env = load.environment(argparse.Namespace(redis_db=7, rebuild=False))
        key = env["AUDIT_CHAIN_KEY"]
    return {**env, "DEBUG": "1", "AUDIT_CHAIN_KEY": key}


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def _psql(base: str, sql: str) -> None:
    import psycopg

    from bench.run import pg_url

    with psycopg.connect(
        pg_url(base, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as c:
        c.execute(sql)


def drill(data: str, db: str, args: argparse.Namespace) -> dict:
    from bench.run import pg_url

    env = source_env(data, db, args)
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "bench") as tmp:
        backup_s, _ = manage(env, "backup", str(Path(tmp) / "backups"))
        (backup_dir,) = (Path(tmp) / "backups").iterdir()
        manifest = json.loads((backup_dir / "manifest.json").read_text())
        size = sum(f.stat().st_size for f in backup_dir.rglob("*") if f.is_file())
        target = {**env, "MEDIA_ROOT": str(Path(tmp) / "restored-media")}
        if db == "postgresql":
            _psql(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{RESTORE_DB}"')
            _psql(env["DATABASE_URL"], f'CREATE DATABASE "{RESTORE_DB}"')
            target["DATABASE_URL"] = pg_url(env["DATABASE_URL"], RESTORE_DB)
        else:
            target["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'restored.sqlite3'}"
            target["ZHAOSHANG_VAR_DIR"] = str(Path(tmp) / "var")
            (Path(tmp) / "var").mkdir()
        try:
            restore_s, out = manage(target, "restore", str(backup_dir))
        finally:
            if db == "postgresql":
                _psql(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{RESTORE_DB}"')
    return {
        "data": data,
        "db": db,
        "rows": sum(manifest["tables"].values()),
        "projects": manifest["tables"].get("projects_project", 0),
        "funds": manifest["tables"].get("projects_fundsrecord", 0),
        "audit": manifest["tables"].get("core_auditentry", 0),
        "files": len(manifest["files"]),
        "size_mb": size / 2**20,
        "backup_s": backup_s,
        "restore_s": restore_s,
        "verdict": out.strip().splitlines()[-1],
    }


def main() -> int:
    args = _parser().parse_args()
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    if "postgresql" in dbs and shutil.which("pg_dump") is None:
        sys.exit("pg_dump/pg_restore are needed (Debian package postgresql-client)")
    cells = [("data", "rows (projects / funds / audit)", "files", "backup size",
              "backup", "restore + checks")]  # fmt: skip
    results = []
    for db in dbs:
        r = drill(args.data, db, args)
        results.append(r)
        cells.append(
            (
                f"{r['data']}, {r['db']}",
                f"{r['rows']:,} ({r['projects']:,} / {r['funds']:,} / {r['audit']:,})",
                str(r["files"]),
                f"{r['size_mb']:,.0f} MB",
                f"{r['backup_s']:.1f} s",
                f"{r['restore_s']:.1f} s",
            )
        )
    print(render("backup and restore drill (manage.py backup / restore)", cells))
    for r in results:
        print(f"{r['data']}, {r['db']}: {r['verdict']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
