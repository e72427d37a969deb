"""Benchmark: keyword search on projects and enterprises through the keyword index (issue #8, §4).

    .venv/bin/python bench/search.py                  # SQLite (PostgreSQL when DATABASE_URL is set)
    .venv/bin/python bench/search.py --db both        # both; PostgreSQL defaults to 127.0.0.1:5432
    .venv/bin/python bench/search.py --runs 9 --json

On a database of its own — 100,000 projects and 1,000,000 enterprises (the scale of the other
benchmarks: `bench/run.py`'s projects, the enterprise import's library), built once by
`load_demo --projects 100000 --funds-per-project 1 --enterprises 1000000` and reused while its
counts are right (`--rebuild` regenerates it): `var/bench/search/` for SQLite, the database
`zhaoshang_bench_search` on the PostgreSQL server of DATABASE_URL.

Each figure is what a list page computes for a two-character keyword, as the page computes it
(the selectors, through `.restrict()`, the keyword index): the project list's figures row
(count, total investment, count of 过亿) and its first 50 rows; the enterprise list's count and
its first page by name. The reference is the same page computed by today's scan (`LIKE
'%…%'` on every row: the filter as it was before the index); both must give the same rows,
checked before timing. Then the median of N runs, the two sides alternating. Goal: ≤ 30 ms.
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

from report import render  # bench/ is on sys.path: these files run as scripts

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARK = "@@SEARCH@@"
BENCH_DB = "zhaoshang_bench_search"
GOAL_MS = 30.0
WORDS = ("轴承", "光伏")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_db = (
        "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default=default_db)
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--enterprises", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=15, help="timed runs per side (median)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    p.add_argument("--json", action="store_true", help="also print the raw measurements")
    p.add_argument("--worker", choices=["counts", "measure"], help=argparse.SUPPRESS)
    return p


# --- worker: inside Django, on one database -----------------------------------------------------


def _scan_projects(queryset: Any, q: str) -> Any:
    """The project keyword filter before the index: a LIKE over every project and investor."""
    from django.db.models import Q

    from zhaoshang.projects.models import Project

    match = Q(name__icontains=q) | Q(description__icontains=q)
    investor_ids = Project.investors.through.objects.filter(
        Q(enterprise__name__icontains=q) | Q(enterprise__uscc=q.upper())
    ).values("project_id")
    return queryset.filter(match | Q(pk__in=investor_ids))


def _scan_enterprises(queryset: Any, q: str) -> Any:
    from django.db.models import Q

    return queryset.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))


def _project_page(qs: Any) -> tuple[dict[str, Any], list[int]]:
    """The scan's side of `projects.views.project_list`: the figures row, then page 1."""
    from zhaoshang.projects.figures import list_figures
    from zhaoshang.projects.views.projects import PAGE_SIZE

    return list_figures(qs), [p.pk for p in qs[:PAGE_SIZE]]


def _project_list(user: Any, q: str) -> tuple[dict[str, Any], list[int]]:
    """What `projects.views.project_list` reads for `?q=…`: the figures row, then page 1."""
    from django.http import QueryDict

    from zhaoshang.projects.selectors import project_list
    from zhaoshang.projects.views.projects import PAGE_SIZE

    qs, figures = project_list(user=user, filters=QueryDict(f"q={q}"), page_size=PAGE_SIZE)
    return figures, [p.pk for p in qs[:PAGE_SIZE]]


def _enterprise_page(qs: Any) -> tuple[int, list[int]]:
    """The scan's side of `enterprises.views.enterprise_list`: the count, then page 1."""
    from zhaoshang.enterprises.views import PAGE_SIZE

    return qs.count(), [e.pk for e in qs[:PAGE_SIZE]]


def _enterprise_list(user: Any, q: str) -> tuple[int, list[int]]:
    """What `enterprises.views.enterprise_list` reads for `?q=…`: the count, then page 1."""
    from zhaoshang.enterprises.filters import enterprise_page
    from zhaoshang.enterprises.views import PAGE_SIZE

    qs, count = enterprise_page({"q": q}, user=user, page_size=PAGE_SIZE)
    return count, [e.pk for e in qs[:PAGE_SIZE]]


def _figures(city: Any, county: Any) -> list[tuple[str, Any, Any]]:
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.projects.models import Project

    def projects_scan(user: Any, q: str) -> Any:
        base = Project.objects.restrict(user, "view").select_related(
            "unit", "industry", "direction", "campaign"
        )
        return _scan_projects(base, q).order_by("-created_at", "-id")

    def enterprises_scan(user: Any, q: str) -> Any:
        base = Enterprise.objects.restrict(user, "view").prefetch_related("tags")
        return _scan_enterprises(base, q).order_by("name", "pk")

    out = []
    for word in WORDS:
        for user, who in ((city, "市级"), (county, "临清")):
            out.append(
                (
                    f"项目列表首页·{who}·关键词“{word}”",
                    lambda u=user, w=word: _project_list(u, w),
                    lambda u=user, w=word: _project_page(projects_scan(u, w)),
                )
            )
        out.append(
            (
                f"企业列表首页·关键词“{word}”",
                lambda w=word: _enterprise_list(city, w),
                lambda w=word: _enterprise_page(enterprises_scan(city, w)),
            )
        )
    return out


def _cpu_clock(connection: Any) -> Any:
    """A clock of the CPU time (ns) this process and, on PostgreSQL, its server process spend:
    what a figure costs whatever else the machine runs (the wall clock also counts the time
    spent waiting for a core). None where /proc/…/schedstat cannot be read."""
    pids = [os.getpid()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    paths = [Path(f"/proc/{pid}/schedstat") for pid in pids]
    try:
        for path in paths:
            path.read_text()
    except OSError:
        return None
    return lambda: sum(int(path.read_text().split()[0]) for path in paths)


def _paired(indexed: Any, scan: Any, runs: int, warmup: int, clock: Any) -> dict[str, float]:
    """Median wall ms and median CPU ms of each side, run alternately so that the machine's
    load hits both alike."""
    for _ in range(warmup):
        indexed()
        scan()
    wall: dict[Any, list[float]] = {indexed: [], scan: []}
    cpu: dict[Any, list[float]] = {indexed: [], scan: []}
    for n in range(runs):
        for action in (indexed, scan) if n % 2 == 0 else (scan, indexed):
            cpu_start = clock() if clock else 0
            started = time.perf_counter()
            action()
            wall[action].append((time.perf_counter() - started) * 1000)
            if clock:
                cpu[action].append((clock() - cpu_start) / 1e6)
    median = statistics.median
    return {
        "ms": median(wall[indexed]),
        "reference_ms": median(wall[scan]),
        "cpu_ms": median(cpu[indexed]) if clock else float("nan"),
        "reference_cpu_ms": median(cpu[scan]) if clock else float("nan"),
    }


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from zhaoshang.accounts.models import User
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.projects.models import Project

    counts = {"projects": Project.objects.count(), "enterprises": Enterprise.objects.count()}
    if args.worker == "counts":
        print(MARK + json.dumps(counts))
        return

    city = User.objects.get(username="city")
    county = User.objects.select_related("unit").get(username="linqing")
    settings_db = connection.settings_dict
    where = (
        f"SQLite {settings_db['NAME']}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {settings_db['HOST']}:{settings_db['PORT']}/{settings_db['NAME']}"
    )
    where += f" — {counts['projects']:,} projects, {counts['enterprises']:,} enterprises"
    where += f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    clock = _cpu_clock(connection)
    rows = []
    for label, indexed, scan in _figures(city, county):
        found, reference = indexed(), scan()
        if found != reference:
            sys.exit(f"{label}: the index and the scan disagree:\n{found}\n{reference}")
        matches = found[0]["projects_total"] if isinstance(found[0], dict) else found[0]
        measured = _paired(indexed, scan, args.runs, args.warmup, clock)
        ms, ref_ms = measured["ms"], measured["reference_ms"]
        rows.append(
            {
                "figure": label,
                "matches": matches,
                **measured,
                "ratio": ms / ref_ms if ref_ms else float("inf"),
                "goal": f"≤{GOAL_MS:g} ms",
                "status": "PASS" if ms <= GOAL_MS else "MISS",
            }
        )
    print(MARK + json.dumps({"where": where, "rows": rows}, ensure_ascii=False))


# --- parent: the database, the child processes, the table ---------------------------------------


def environment(db: str) -> dict[str, str]:
    from run import DEFAULT_PG, ensure_pg_database

    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    var = ROOT / "var" / "bench" / "search"
    if db == "postgres":
        base = os.environ.get("DATABASE_URL") or DEFAULT_PG
        if not base.startswith(("postgres://", "postgresql://")):
            base = DEFAULT_PG
        env["DATABASE_URL"] = ensure_pg_database(base, BENCH_DB)
        var = var / "pg"
    var.mkdir(parents=True, exist_ok=True)
    env.update(
        ZHAOSHANG_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        DJANGO_SETTINGS_MODULE="zhaoshang.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    )
    return env


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE
    )
    if result.returncode or MARK not in result.stdout:
        sys.stdout.write(result.stdout)
        sys.exit(f"search benchmark worker failed ({result.returncode})")
    return json.loads(result.stdout.split(MARK, 1)[1])


def prepare(db: str, args: argparse.Namespace) -> dict[str, str]:
    from run import run

    env = environment(db)
    build = {**env, "DEBUG": "1"}
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], build)
    found = _child(["--worker", "counts"], build)
    wanted = {"projects": args.projects, "enterprises": args.enterprises}
    if args.rebuild or found != wanted:
        print(f"[{db}] building search benchmark data ({found} → {wanted}) …", flush=True)
        started = time.monotonic()
        run(
            [sys.executable, "manage.py", "load_demo", "--reset",
             "--projects", str(args.projects), "--funds-per-project", "1",
             "--enterprises", str(args.enterprises)],
            build,
        )  # fmt: skip
        print(f"[{db}] built in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"[{db}] reusing search benchmark data: {found}", flush=True)
    return {**env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40)}


def measure(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Prepare each database and measure it in a child process; one report per database."""
    args = _parser().parse_args(argv or [])
    reports = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = prepare(db, args)
        cmd = ["--worker", "measure", "--runs", str(args.runs), "--warmup", str(args.warmup)]
        reports.append(_child(cmd, env))
    return reports


def figures(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """The benchmark's rows: figure, matches, ms, reference_ms, ratio, goal, status."""
    return [row for report in measure(argv) for row in report["rows"]]


def table(rows: list[dict[str, Any]], where: str) -> str:
    header = ("figure", "matches", "ms", "LIKE scan ms", "ratio", "CPU ms", "scan CPU ms", "goal", "result")  # fmt: skip
    cells = [header] + [
        (
            r["figure"],
            f"{r['matches']:,}",
            f"{r['ms']:,.1f}",
            f"{r['reference_ms']:,.1f}",
            f"{r['ratio']:.3f}",
            f"{r['cpu_ms']:,.1f}",
            f"{r['reference_cpu_ms']:,.1f}",
            r["goal"],
            r["status"],
        )
        for r in rows
    ]
    return render(f"search: {where}", cells)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    failed = False
    for report in measure(argv):
        print(table(report["rows"], report["where"]))
        print(flush=True)
        if args.json:
            print(json.dumps(report["rows"], ensure_ascii=False, indent=1))
        failed |= any(r["status"] == "MISS" for r in report["rows"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
