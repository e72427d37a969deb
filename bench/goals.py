"""Benchmark: the city cockpit's data and one quarter's ranking (issue #4, §5).

    .venv/bin/python bench/goals.py                   # SQLite bench database (var/bench/)
    .venv/bin/python bench/goals.py --db postgres     # database zhaoshang_bench of DATABASE_URL
    .venv/bin/python bench/goals.py --runs 9 --json

On the benchmark database of `bench/run.py` (100,000 projects, 1,000,000 funds records, built
by `load_demo --projects …` and reused; `--rebuild` regenerates it), each figure is computed as
the pages compute it and as hand-written SQL returning the same values, checked equal first,
then timed alternately (median of `--runs`):

* 驾驶舱数据 — ``goals.selectors.cockpit_data(user, year)`` (goal gauges with every unit's goal
  row, verified funds by month and unit for two years, pipeline by stage, projects by
  industry and by unit, key projects behind schedule, the latest published ranking) against
  the same aggregates in SQL over the records. Goal ≤ 50 ms uncached (from the monthly funds
  totals and the project totals the services keep) and ≤ 2× the SQL. For the city and 临清.
* 驾驶舱页面 — ``goals.dashboards.cockpit`` (the above plus the map, tables and chart inputs
  the page renders), against the same SQL.
* 竞赛榜计算 — ``goals.ranking.compute_quarter(2024年百分制, 2024Q1, drilldown=False)`` (a draft:
  every column's figure per unit, the bonuses' and deduction's projects, goals, previous
  quarter, scores and ranks) against SQL for every figure of the scheme fed to the same pure
  ``score_inputs``: the two results must be identical. Goal ≤ 1 s and ≤ 2×. Publishing's
  computation (with the record ids behind every number) is reported beside, without goal.

Setup on the benchmark database, idempotent: the demo's 2024 goals and ranking schemes
(``ranking_demo_setup``, through the services) when missing, and three milestones for each
key project when there are none (the bulk generator writes none). The published ranking the
cockpit shows (2024Q1) is published inside a transaction that is rolled back at the end, so
no immutable snapshot is left in the shared database.

`main(argv) -> int` prints the table (exit 1 if a goal is missed); `figures(argv) -> list[dict]`
returns the rows (figure, ms, reference_ms, ratio, goal, status).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ranking_sql import ranking_raw
from report import render  # bench/ is on sys.path: these files run as scripts
from sqlkit import CENT, _agg, _cents, _fetch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARK = "@@GOALS@@"
GOAL_COCKPIT_MS = 200.0
GOAL_COCKPIT_DATA_MS = 50.0  # the figures alone, uncached (issue #8)
GOAL_RANKING_MS = 1000.0
GOAL_RATIO = 2.0
YEAR = 2024
QUARTER = "2024Q1"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--runs", type=int, default=15, help="timed runs per side (median)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--funds-per-project", type=int, default=10)
    p.add_argument("--enterprises", type=int, default=20_000)
    p.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    p.add_argument("--json", action="store_true", help="also print the raw measurements")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return p


# --- timing ---------------------------------------------------------------------------------------


def _paired(orm: Any, raw: Any, runs: int, warmup: int) -> tuple[float, float]:
    """Median ms of each side, run alternately so that load on the machine hits both alike."""
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


def _single(action: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# --- the cockpit in SQL -------------------------------------------------------------------------


def _scope(user: Any, alias: str = "p") -> tuple[str, list[Any]]:
    """`Project.objects.restrict(user, "view")` in SQL for the benchmark's users."""
    if user.scope == "all":
        return "", []
    return (
        f" AND ({alias}.unit_id = %s OR {alias}.commissioner_id = %s OR {alias}.lead_leader_id = %s)",
        [user.unit_id, user.pk, user.pk],
    )


def cockpit_raw(user: Any, year: int, on: dt.date) -> dict[str, Any]:
    """The figures of ``cockpit_data`` by hand-written SQL (city or unit scope)."""
    scope, sp = _scope(user)
    start, end, last = dt.date(year, 1, 1), dt.date(year + 1, 1, 1), dt.date(year - 1, 1, 1)
    ytd_end = min(on, end - dt.timedelta(days=1))
    funds = _fetch(
        "SELECT f.period, p.unit_id, SUM(f.amount_wan) FROM projects_fundsrecord f"
        " JOIN projects_project p ON p.id = f.project_id"
        f" WHERE f.status = 'verified' AND f.period >= %s AND f.period < %s{scope}"
        " GROUP BY f.period, p.unit_id",
        [last, end, *sp],
    )
    months = {year - 1: defaultdict(Decimal), year: defaultdict(Decimal)}
    funds_by_unit: dict[int, Decimal] = defaultdict(Decimal)
    for period, unit_id, total in funds:
        period = period if isinstance(period, dt.date) else dt.date.fromisoformat(period)
        months[period.year][period.month] += _agg(total)
        if period.year == year and period <= ytd_end:
            funds_by_unit[unit_id] += _agg(total)
    pipeline = {
        stage: (n, _agg(inv))
        for stage, n, inv in _fetch(
            "SELECT p.stage, COUNT(*), SUM(p.total_investment_wan) FROM projects_project p"
            f" WHERE 1 = 1{scope} GROUP BY p.stage",
            sp,
        )
    }
    industries = _fetch(
        "SELECT p.industry_id, i.name, COUNT(*), SUM(p.total_investment_wan)"
        " FROM projects_project p LEFT JOIN industries_industry i ON i.id = p.industry_id"
        f" WHERE p.stage <> 'dropped'{scope} GROUP BY p.industry_id, i.name"
        " ORDER BY COUNT(*) DESC, i.name",
        sp,
    )
    units = {
        unit_id: (n, _agg(inv), started)
        for unit_id, n, inv, started in _fetch(
            "SELECT p.unit_id, COUNT(*), SUM(p.total_investment_wan),"
            " COUNT(CASE WHEN p.started_on >= %s AND p.started_on <= %s AND p.is_over_100m"
            " THEN 1 END)"
            f" FROM projects_project p WHERE p.stage <> 'dropped'{scope} GROUP BY p.unit_id",
            [start, ytd_end, *sp],
        )
    }
    behind_sql = (
        " FROM projects_project p JOIN projects_milestone m ON m.project_id = p.id"
        " WHERE p.is_key AND p.stage <> 'dropped' AND m.done_on IS NULL AND m.due_on < %s"
        f"{scope}"
    )
    behind = _fetch(
        "SELECT p.id, p.name, u.name, COUNT(m.id), MIN(m.due_on)"
        + behind_sql.replace(" WHERE", " JOIN accounts_unit u ON u.id = p.unit_id WHERE", 1)
        + " GROUP BY p.id, p.name, u.name ORDER BY MIN(m.due_on), p.id LIMIT 20",
        [on, *sp],
    )
    behind_count = (
        _fetch("SELECT COUNT(DISTINCT p.id)" + behind_sql, [on, *sp])[0][0]
        if len(behind) == 20
        else len(behind)
    )
    # goal gauges: the goals, and the three goal indicators by unit for the year to `on`
    gauges = _gauges_raw(user, year, on)
    latest = _fetch(
        "SELECT s.quarter, s.sha256, s.results, sc.code, sc.name, v.number, s.published_at,"
        " s.published_by_name FROM goals_rankingsnapshot s"
        " JOIN goals_rankingscheme sc ON sc.id = s.scheme_id"
        " JOIN goals_schemeversion v ON v.id = s.scheme_version_id"
        " ORDER BY s.period_start DESC, sc.is_default DESC, s.published_at DESC LIMIT 1"
    )
    ranking = None
    if latest:
        results = latest[0][2]
        ranking = json.loads(results) if isinstance(results, str) else results
    return {
        "this_year": [months[year][m].quantize(CENT) for m in range(1, 13)],
        "last_year": [months[year - 1][m].quantize(CENT) for m in range(1, 13)],
        "pipeline": pipeline,
        "industries": [(r[0], r[2], _agg(r[3])) for r in industries],
        "units": units,
        "funds_by_unit": {u: v.quantize(CENT) for u, v in funds_by_unit.items()},
        "behind": [r[0] for r in behind],
        "behind_count": behind_count,
        "gauges": gauges,
        "ranking": ranking["tracks"] if ranking else None,
    }


def _gauges_raw(user: Any, year: int, on: dt.date) -> dict[str, tuple[Decimal, Decimal]]:
    """(target, actual) of each goal indicator: the city's, or the user's unit's."""
    start = dt.date(year, 1, 1)
    last = min(max(on, start), dt.date(year, 12, 31))
    end = last + dt.timedelta(days=1)
    city = user.scope == "all"
    goals = _fetch(
        "SELECT g.indicator, g.unit_id, g.target FROM goals_goal g WHERE g.year = %s",
        [year],
    )
    unit_filter, up = ("", []) if city else (" AND p.unit_id = %s", [user.unit_id])
    actual = {
        "funds_verified": _fetch(
            "SELECT p.unit_id, SUM(f.amount_wan) FROM projects_fundsrecord f"
            " JOIN projects_project p ON p.id = f.project_id WHERE f.status = 'verified'"
            f" AND f.period >= %s AND f.period < %s{unit_filter} GROUP BY p.unit_id",
            [start, end, *up],
        ),
        "new_started_over_100m": _fetch(
            "SELECT p.unit_id, COUNT(*) FROM projects_project p WHERE p.started_on IS NOT NULL"
            " AND p.started_on >= %s AND p.started_on < %s AND p.is_over_100m"
            f"{unit_filter} GROUP BY p.unit_id",
            [start, end, *up],
        ),
        "key_started": _fetch(
            "SELECT p.unit_id, COUNT(*) FROM projects_project p WHERE p.started_on IS NOT NULL"
            " AND p.started_on >= %s AND p.started_on < %s AND p.is_key"
            f"{unit_filter} GROUP BY p.unit_id",
            [start, end, *up],
        ),
    }
    out = {}
    for indicator, unit_id, target in goals:
        if (unit_id is None) != city or (not city and unit_id != user.unit_id):
            continue
        if indicator not in actual:
            continue
        places = CENT if indicator == "funds_verified" else Decimal(1)
        # each unit's figure rounded, then added up (as `Figure.value(None)` does)
        total = sum(
            (_agg(v).quantize(places, ROUND_HALF_UP) for _, v in actual[indicator]), Decimal(0)
        )
        out[indicator] = (_cents(target), total.quantize(places, ROUND_HALF_UP))
    return out


def cockpit_same(orm: dict[str, Any], raw: dict[str, Any]) -> list[str]:
    """Differences between the selector's cockpit and the SQL one (empty when equal)."""
    problems = []
    funds = orm["funds_by_month"]
    if funds["this_year"] != raw["this_year"] or funds["last_year"] != raw["last_year"]:
        problems.append("funds by month")
    pipeline = {
        p["stage"]: (p["count"], p["investment_wan"]) for p in orm["pipeline"] if p["count"]
    }
    if pipeline != raw["pipeline"]:
        problems.append("pipeline")
    industries = [(r["industry"], r["count"], r["investment_wan"]) for r in orm["by_industry"]]
    if sorted(industries, key=str) != sorted(raw["industries"], key=str):
        problems.append("by industry")
    from zhaoshang.accounts.models import Unit

    ids = dict(Unit.objects.values_list("code", "pk"))
    for row in orm["by_unit"]:
        uid = ids[row["unit"]]
        n, inv, started = raw["units"].get(uid, (0, Decimal("0.00"), 0))
        if (row["count"], row["investment_wan"], row["started_over_100m"]) != (n, inv, started):
            problems.append(f"unit {row['unit']}")
        if row["funds_verified_wan"] != raw["funds_by_unit"].get(uid, Decimal("0.00")):
            problems.append(f"unit funds {row['unit']}")
    if [r["id"] for r in orm["key_behind_schedule"]] != raw["behind"]:
        problems.append("behind schedule")
    if orm["key_behind_schedule_count"] != raw["behind_count"]:
        problems.append("behind schedule count")
    gauges = {g["indicator"]: (g["target"], g["actual"]) for g in orm["gauges"]}
    if gauges != raw["gauges"]:
        problems.append(f"gauges {gauges} != {raw['gauges']}")
    latest = orm["latest_ranking"]
    if (latest["tracks"] if latest else None) != raw["ranking"]:
        problems.append("latest ranking")
    return problems


# --- worker (inside Django, on the benchmark database) ------------------------------------------


def _setup() -> dict[str, Any]:
    """Goals, schemes and milestones on the benchmark database when they are missing."""
    from django.db import transaction

    from zhaoshang.accounts.models import User
    from zhaoshang.demo.ranking import SCHEME_2024, ranking_demo_setup
    from zhaoshang.goals.models import Goal, RankingScheme
    from zhaoshang.projects.models import Milestone, Project, Stage

    city = User.objects.get(username="city")
    notes = []
    if not Goal.objects.filter(year=YEAR).exists() or not RankingScheme.objects.exists():
        ranking_demo_setup(actor=city)
        notes.append("goals and schemes set up")
    if not Milestone.objects.exists():
        key = list(
            Project.objects.filter(is_key=True)
            .exclude(stage=Stage.DROPPED)
            .values_list("pk", "signed_on", "created_at")
            .order_by("pk")
        )
        rows = []
        for n, (pk, signed, created) in enumerate(key):
            base = signed or created.date()
            for i, title in enumerate(("土地摘牌", "开工建设", "主体封顶")):
                due = base + dt.timedelta(days=90 * (i + 1))
                done = due - dt.timedelta(days=5) if (n + i) % 4 else None
                rows.append(Milestone(project_id=pk, title=title, due_on=due, done_on=done))
        with transaction.atomic():
            Milestone.objects.bulk_create(rows, batch_size=2000)
        notes.append(f"{len(rows):,} milestones for {len(key):,} key projects")
    return {"scheme": RankingScheme.objects.get(code=SCHEME_2024), "city": city, "notes": notes}


class _Rollback(Exception):
    pass


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from zhaoshang.accounts.models import User
    from zhaoshang.goals import dashboards, selectors
    from zhaoshang.goals.ranking import compute_quarter, scheme_version_of
    from zhaoshang.goals.services import snapshot_publish
    from zhaoshang.projects.models import FundsRecord, Project

    ready = _setup()
    scheme, city = ready["scheme"], ready["city"]
    county = User.objects.select_related("unit").get(username="linqing")
    version = scheme_version_of(scheme)
    on = timezone.localdate()
    out: dict[str, Any] = {"notes": ready["notes"], "rows": []}
    settings = connection.settings_dict
    out["where"] = (
        f"SQLite {settings['NAME']}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    ) + f" — {Project.objects.count():,} projects, {FundsRecord.objects.count():,} funds records"

    def row(figure: str, ms: float, ref: float | None, goal_ms: float | None) -> None:
        ratio = ms / ref if ref else 0.0
        ok = goal_ms is None or (ms <= goal_ms and (ref is None or ratio <= GOAL_RATIO))
        out["rows"].append(
            {
                "figure": figure,
                "ms": round(ms, 1),
                "reference_ms": round(ref, 1) if ref is not None else None,
                "ratio": round(ratio, 3),
                "goal": f"≤{goal_ms:g} ms, ≤{GOAL_RATIO:g}× SQL" if goal_ms else "—",
                "status": ("PASS" if ok else "MISS") if goal_ms else "INFO",
            }
        )

    # The ranking first (nothing published yet for 2024), then the cockpit with 2024Q1
    # published, inside a transaction rolled back at the end.
    orm_rank = compute_quarter(version, QUARTER, drilldown=False).results
    raw_rank = ranking_raw(version, QUARTER)
    if orm_rank != raw_rank:
        sys.exit("ranking: ORM and SQL results differ")
    ms, ref = _paired(
        lambda: compute_quarter(version, QUARTER, drilldown=False),
        lambda: ranking_raw(version, QUARTER),
        args.runs,
        args.warmup,
    )
    row(f"竞赛榜计算·{scheme.name}·{QUARTER}（草稿）", ms, ref, GOAL_RANKING_MS)
    ms = _single(lambda: compute_quarter(version, QUARTER, drilldown=True), max(args.runs // 3, 3))
    row(f"竞赛榜计算·{QUARTER}（发布用，含全部明细记录）", ms, None, None)

    try:
        with transaction.atomic():
            if not scheme.snapshots.filter(quarter=QUARTER).exists():
                started = time.perf_counter()
                snapshot_publish(
                    actor=city, scheme=scheme, quarter=QUARTER, note="基准测试（回滚）"
                )
                out["publish_ms"] = round((time.perf_counter() - started) * 1000, 1)
            for user, label in ((city, "市级"), (county, county.unit.short_name)):
                orm = selectors.cockpit_data(user=user, year=YEAR, on=on)
                problems = cockpit_same(orm, cockpit_raw(user, YEAR, on))
                if problems:
                    sys.exit(f"cockpit ({label}): ORM and SQL differ: {problems}")
                ms, ref = _paired(
                    lambda user=user: selectors.cockpit_data(user=user, year=YEAR, on=on),
                    lambda user=user: cockpit_raw(user, YEAR, on),
                    args.runs,
                    args.warmup,
                )
                row(f"驾驶舱数据·{label}·{YEAR}", ms, ref, GOAL_COCKPIT_DATA_MS)
            ms, ref = _paired(
                lambda: dashboards.cockpit(user=city, year=YEAR, on=on, cached=False),
                lambda: cockpit_raw(city, YEAR, on),
                args.runs,
                args.warmup,
            )
            row(f"驾驶舱页面数据·市级·{YEAR}（含地图、表格）", ms, ref, GOAL_COCKPIT_MS)
            ms, ref = _paired(
                lambda: dashboards.cockpit(user=city, year=YEAR, on=on),
                lambda: cockpit_raw(city, YEAR, on),
                args.runs,
                args.warmup,
            )
            row(f"驾驶舱页面数据·市级·{YEAR}（缓存命中：数据未变）", ms, ref, GOAL_COCKPIT_MS)
            raise _Rollback
    except _Rollback:
        pass
    print(MARK + json.dumps(out, ensure_ascii=False))


# --- parent -------------------------------------------------------------------------------------


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    """Prepare the benchmark database (bench/run.py) and measure in a child process."""
    from bench import run as bench_run

    args = _parser().parse_args(argv or [])
    env = bench_run.prepare(args.db, args)
    result = subprocess.run(
        [sys.executable, __file__, "--worker", *(argv or [])],
        cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"goals benchmark failed ({result.returncode})")
    line = next(x for x in result.stdout.splitlines() if x.startswith(MARK))
    return json.loads(line[len(MARK) :])


def figures(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """The benchmark's rows: figure, ms, reference_ms, ratio, goal, status."""
    return measure(argv)["rows"]


def table(rows: list[dict[str, Any]], where: str) -> str:
    header = ("figure", "ms", "SQL ms", "ratio", "goal", "result")
    cells = [header] + [
        (
            r["figure"],
            f"{r['ms']:,.1f}",
            f"{r['reference_ms']:,.1f}" if r["reference_ms"] is not None else "—",
            f"{r['ratio']:.2f}" if r["reference_ms"] is not None else "—",
            r["goal"],
            r["status"],
        )
        for r in rows
    ]

    return render(f"goals: {where}", cells)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    raw = measure(argv)
    for note in raw["notes"]:
        print(f"setup: {note}")
    print(table(raw["rows"], raw["where"]))
    if "publish_ms" in raw:
        print(f"(publishing {QUARTER} took {raw['publish_ms']:,.0f} ms; rolled back)")
    if args.json:
        print(json.dumps(raw, ensure_ascii=False, indent=1))
    return 0 if all(r["status"] != "MISS" for r in raw["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
