"""Load under the deploy configuration: readers on the main pages while two writers submit.

    .venv/bin/python bench/load.py                      # 30 s, 50 connections, PostgreSQL + Redis
    .venv/bin/python bench/load.py --duration 60 --connections 50

Serves the demo city as deployed — gunicorn with `deploy/gunicorn.conf.py`, DEBUG off,
PostgreSQL (a database of its own, `zhaoshang_bench_load`, loaded once with `load_demo` and
reused), the job queue on Redis (its own Redis database, `--redis-db`) with a huey worker —
on a loopback port. Then, at the same time and for `--duration` seconds:

* `wrk` with `--connections` connections, logged in as the city user, cycling through the main
  pages (home, project list, cockpit, enterprise library, ranking, funds verification queue);
* writer 1, the 临清 staff user through the API, submitting one month of funds (with a bank
  receipt) to one project after another;
* writer 2, the same user, moving leads on to 洽谈 through the API, one after another.

Afterwards: every page answered 200 (a count of the others from wrk's Lua hooks), each writer
request answered 201/200, and the database holds exactly as many new funds records and stage
changes as writes were acknowledged — none lost, none twice — and the audit chain verifies.
The figures: pages' requests/s and latency percentiles (p50/p95/p99 from wrk), writers' p95.
Needs `wrk`, PostgreSQL at 127.0.0.1:5432 (or DATABASE_URL's server) and Redis at REDIS_URL
(default redis://127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from report import render  # bench/ is on sys.path: these files run as scripts
from run import DEFAULT_PG, ensure_pg_database
from throughput import HTTPS, Server, _run

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "zhaoshang_bench_load"
WRITER = "linqing"

# Cycles through the pages, counts responses other than 200, prints latency percentiles.
WRK_SCRIPT = """
local threads = {}
local paths = {PATHS}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; i = 0 end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("NON200 %d\\n", total))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("P%d %.1f\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("REQUESTS %d\\n", summary.requests))
  io.write(string.format("ERRORS %d %d %d %d %d\\n", summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""

PDF = b"%PDF-1.4\n% bench evidence\n"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=int, default=30, help="seconds of load")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--redis-db", type=int, default=7, help="Redis database for the job queue")
    p.add_argument("--rebuild", action="store_true", help="reload the demo city")
    p.add_argument("--worker", choices=["plan", "counts"], help=argparse.SUPPRESS)
    return p


# --- inside Django (subprocesses) ---------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.urls import reverse

    from zhaoshang.accounts.models import User
    from zhaoshang.core.auditchain import verify
    from zhaoshang.projects.models import EvidenceKind, FundsRecord, Project, Stage, StageChange

    if args.worker == "counts":
        check = verify()
        print(
            json.dumps(
                {
                    "projects": Project.objects.count(),
                    "funds": FundsRecord.objects.count(),
                    "stage_changes": StageChange.objects.count(),
                    "audit_chain_ok": check.ok,
                    "audit_entries": check.count,
                }
            )
        )
        return
    # The plan: free (project, month) pairs for funds, leads to move on, the pages to read.
    user = User.objects.get(username=WRITER)
    mine = Project.objects.filter(unit=user.unit)
    today = dt.date.today()
    months = [dt.date(y, m, 1) for y in (today.year - 1, today.year) for m in range(1, 13)]
    taken = set(FundsRecord.objects.filter(project__in=mine).values_list("project_id", "period"))
    funds = [
        (p, m.isoformat()[:7])
        for p in mine.filter(stage__in=[Stage.SIGNED, Stage.STARTED, Stage.OPERATING])
        .order_by("pk")
        .values_list("pk", flat=True)
        for m in months
        if m < today.replace(day=1) and (p, m) not in taken
    ]
    leads = list(mine.filter(stage=Stage.LEAD).order_by("pk").values_list("pk", flat=True))
    pages = [
        reverse("portal:home"),
        reverse("projects:list"),
        reverse("goals:cockpit"),
        reverse("enterprises:list"),
        reverse("goals:rankings"),
        reverse("projects:verify-queue"),
    ]
    print(
        json.dumps(
            {
                "funds": funds,
                "leads": leads,
                "bank_receipt": str(EvidenceKind.BANK_RECEIPT.value),
                "pages": pages,
                "login": reverse("accounts:login"),
                "today": today.isoformat(),
            }
        )
    )


def _django(env: dict[str, str], what: str) -> dict:
    out = _run([sys.executable, __file__, "--worker", what], {**env, "DEBUG": "1"}, capture=True)
    return json.loads(out.strip().splitlines()[-1])


# --- the data and the server --------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, str]:
    base = os.environ.get("DATABASE_URL") or DEFAULT_PG
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_PG
    var = ROOT / "var" / "bench" / "load"
    var.mkdir(parents=True, exist_ok=True)
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    redis = re.sub(r"/\d+$", "", redis) + f"/{args.redis_db}"
    env = {
        **os.environ,
        "DATABASE_URL": ensure_pg_database(base, DB_NAME),
        "REDIS_URL": redis,
        "ZHAOSHANG_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "DJANGO_SETTINGS_MODULE": "zhaoshang.settings",
        "PYTHONPATH": str(ROOT),
        # One chain key for the build, the servers and the checks (each gets its own SECRET_KEY).
        "AUDIT_CHAIN_KEY": "bench-load-audit-chain-key",
    }
    build = {**env, "DEBUG": "1"}
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], build)
    counts = _django(env, "counts")
    if args.rebuild or not counts["projects"]:
        print("[load] loading the demo city into PostgreSQL …", flush=True)
        started = time.monotonic()
        _run([sys.executable, "manage.py", "load_demo", "--reset"], build, capture=True)
        print(f"[load] loaded in {time.monotonic() - started:.0f} s", flush=True)
    return env


class Writer(threading.Thread):
    """Posts one write after another through the API until told to stop."""

    def __init__(self, server: Server, token: str, jobs: list[tuple[str, dict, bytes | None]]):
        super().__init__(daemon=True)
        self.server, self.token, self.jobs = server, token, jobs
        self.stop = threading.Event()
        self.done: list[float] = []  # seconds per acknowledged write
        self.failed: list[str] = []

    def run(self) -> None:
        for path, fields, file in self.jobs:
            if self.stop.is_set():
                return
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields, file)
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
            try:
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        **HTTPS,
                        "Authorization": f"Token {self.token}",
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    },
                )
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except OSError as exc:
                self.failed.append(f"{path}: {exc}")
                continue
            finally:
                conn.close()
            if response.status in (200, 201):
                self.done.append(time.perf_counter() - start)
            else:
                self.failed.append(f"{path}: {response.status} {text[:200]}")


def _multipart(boundary: str, fields: dict[str, str], file: bytes | None) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    if file is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
            f'filename="receipt.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + file
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _token(server: Server, password: str) -> str:
    status, _, text = server.request(
        "POST",
        "/api/auth/token/",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"username": WRITER, "password": password}),
    )
    if status != 200:
        sys.exit(f"token for {WRITER}: status {status} {text[:200]}")
    return json.loads(text)["token"]


def _p(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def measure(args: argparse.Namespace) -> dict[str, Any]:
    env = environment(args)
    plan = _django(env, "plan")
    before = _django(env, "counts")
    password = env.get("DEMO_PASSWORD", "zhaoshang-demo")
    log = ROOT / "var" / "bench" / "load.log"
    server = Server(env, page_cache=True, log=log)
    server.collectstatic()
    with server, tempfile.TemporaryDirectory() as tmp:
        huey = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--quiet"],
            cwd=ROOT,
            env={**server.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            cookie = server.login(plan["login"], password)
            token = _token(server, password)
            pages = []
            for path in plan["pages"]:
                status, _, _ = server.request("GET", path, headers={"Cookie": cookie})
                if status == 302:  # a page that opens on its latest item (竞赛榜)
                    path = server.location
                    status, _, _ = server.request("GET", path, headers={"Cookie": cookie})
                if status != 200:
                    sys.exit(f"{path}: status {status} before the load")
                pages.append(path)
            plan["pages"] = pages
            funds_jobs = [
                (
                    "/api/funds/",
                    {
                        "project": str(p),
                        "period": month,
                        "amount_wan": "12.5",
                        "source": "own",
                        "evidence_kind": plan["bank_receipt"],
                    },
                    PDF,
                )
                for p, month in plan["funds"]
            ]
            stage_jobs = [
                (f"/api/projects/{p}/stage/", {"to": "negotiating", "on": plan["today"]}, None)
                for p in plan["leads"]
            ]
            writers = [Writer(server, token, funds_jobs), Writer(server, token, stage_jobs)]
            script = Path(tmp) / "pages.lua"
            paths = ", ".join(json.dumps(p) for p in plan["pages"])
            script.write_text(WRK_SCRIPT.replace("{PATHS}", "{" + paths + "}"))
            for w in writers:
                w.start()
            wrk = subprocess.run(
                [
                    "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
                    "--timeout", "30s", "-s", str(script), "-H", "X-Forwarded-Proto: https",
                    "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{server.port}/",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout  # fmt: skip
            for w in writers:
                w.stop.set()
            for w in writers:
                w.join()
        finally:
            os.killpg(huey.pid, 15)
            huey.wait(timeout=30)
    after = _django(env, "counts")

    def grab(key: str) -> str:
        m = re.search(rf"^{key} (.*)$", wrk, re.M)
        return m.group(1) if m else ""

    rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk)
    funds_writer, stage_writer = writers
    return {
        "duration": args.duration,
        "connections": args.connections,
        "pages": plan["pages"],
        "requests": int(grab("REQUESTS") or 0),
        "rps": float(rps.group(1)) if rps else 0.0,
        "non200": int(grab("NON200") or -1),
        "socket_errors": grab("ERRORS"),
        "p50": float(grab("P50") or 0),
        "p95": float(grab("P95") or 0),
        "p99": float(grab("P99") or 0),
        "funds_acknowledged": len(funds_writer.done),
        "funds_failed": funds_writer.failed[:5],
        "funds_p95": _p(funds_writer.done, 95),
        "stage_acknowledged": len(stage_writer.done),
        "stage_failed": stage_writer.failed[:5],
        "stage_p95": _p(stage_writer.done, 95),
        "funds_added": after["funds"] - before["funds"],
        "stage_changes_added": after["stage_changes"] - before["stage_changes"],
        "audit_chain_ok": after["audit_chain_ok"],
        "audit_added": after["audit_entries"] - before["audit_entries"],
    }


def main() -> int:
    args = _parser().parse_args()
    if args.worker:
        worker(args)
        return 0
    if shutil.which("wrk") is None:
        print("load: skipped — wrk is not installed (Debian package wrk; `make system`).")
        return 0
    r = measure(args)
    ok = (
        r["non200"] == 0
        and r["socket_errors"] in ("", "0 0 0 0 0")
        and not r["funds_failed"]
        and not r["stage_failed"]
        and r["funds_added"] == r["funds_acknowledged"]
        and r["stage_changes_added"] == r["stage_acknowledged"]
        and r["audit_chain_ok"]
    )
    cells = [
        ("what", "figure"),
        ("pages (cycled)", " ".join(r["pages"])),
        ("readers", f"wrk {r['connections']} connections × {r['duration']} s"),
        ("page requests", f"{r['requests']:,} ({r['rps']:,.1f}/s), non-200: {r['non200']}"),
        ("socket errors c/r/w/status/timeout", r["socket_errors"]),
        ("page latency p50 / p95 / p99", f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} ms"),
        ("funds writes acknowledged / in DB", f"{r['funds_acknowledged']} / {r['funds_added']}"),
        ("funds write p95", f"{r['funds_p95']:.0f} ms"),
        ("stage writes acknowledged / in DB", f"{r['stage_acknowledged']} / {r['stage_changes_added']}"),
        ("stage write p95", f"{r['stage_p95']:.0f} ms"),
        ("writer errors", "; ".join(r["funds_failed"] + r["stage_failed"]) or "none"),
        ("audit entries added, chain", f"{r['audit_added']}, {'intact' if r['audit_chain_ok'] else 'BROKEN'}"),
        ("result", "PASS" if ok else "FAIL"),
    ]  # fmt: skip
    print(render("load: gunicorn + PostgreSQL + Redis, readers and two writers", cells))
    print(json.dumps(r, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
