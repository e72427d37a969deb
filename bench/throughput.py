"""Page throughput under gunicorn (deploy/gunicorn.conf.py) with wrk on loopback.

    .venv/bin/python bench/throughput.py                  # demo data and 10^5 projects
    .venv/bin/python bench/throughput.py --data scale --duration 5
    .venv/bin/python bench/throughput.py --page-cache both   # with and without the page cache

For each data set the script serves the application as deployed — gunicorn with the deploy
configuration, DEBUG off, static files collected — on a free loopback port, logs in as the city
user through the login form (a real session cookie), then runs `wrk` for a few seconds per page
at 50 connections: the login page first (the reference: the same stack with no figures), then
each main page. Every response is checked to be a 200 (a redirect to the login page or an error
would look fast); a page with any other status fails. Goal: each page at ≥ ⅓ of the login
page's requests per second.

Data sets: ``demo`` is `load_demo` (the demo city) in `var/bench/demo/`; ``scale`` is the
benchmark database of `bench/run.py` (100,000 projects, 1,000,000 funds records), built there
when missing. Requests carry ``X-Forwarded-Proto: https`` as nginx sets it in front of
gunicorn (the deploy settings redirect plain http). Without `wrk` (Debian package ``wrk``,
installed by ``make system``) the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from report import render  # bench/ is on sys.path: these files run as scripts

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_RATIO = 1 / 3
USER = "city"
HTTPS = {"X-Forwarded-Proto": "https"}

# Counts the responses that are not 200 in every wrk thread and prints the total at the end.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("NON200 %d\\n", total))
end
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", choices=["demo", "scale", "both"], default="both")
    p.add_argument("--duration", type=int, default=3, help="seconds of wrk per page")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument(
        "--page-cache",
        choices=["off", "on", "both"],
        default="both",
        help="serve with the per-user page cache off, on, or measure both",
    )
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--funds-per-project", type=int, default=10)
    p.add_argument("--enterprises", type=int, default=20_000)
    p.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    p.add_argument("--json", action="store_true", help="also print the results as JSON")
    p.add_argument("--worker", choices=["urls", "counts"], help=argparse.SUPPRESS)
    return p


# --- data sets ----------------------------------------------------------------------------------


def _run(cmd: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE if capture else None
    )
    if result.returncode:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout or ""


def demo_env() -> dict[str, str]:
    """The demo city in var/bench/demo/ (loaded once, reused while it has projects)."""
    from bench import run as bench_run

    env = bench_run.environment("sqlite")
    var = ROOT / "var" / "bench" / "demo"
    var.mkdir(parents=True, exist_ok=True)
    env.update(ZHAOSHANG_VAR_DIR=str(var), MEDIA_ROOT=str(var / "media"))
    build = {**env, "DEBUG": "1"}
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], build)
    counts = json.loads(_run([python, __file__, "--worker", "counts"], build, capture=True))
    if not counts["projects"]:
        print("[demo] loading the demo city …", flush=True)
        _run([python, "manage.py", "load_demo"], build, capture=True)
    else:
        print(f"[demo] reusing the demo city: {counts}", flush=True)
    return env


def scale_env(args: argparse.Namespace) -> dict[str, str]:
    from bench import run as bench_run

    env = bench_run.prepare("sqlite", args)
    return {k: v for k, v in env.items() if k not in ("DEBUG", "SECRET_KEY")}


def worker(args: argparse.Namespace) -> None:
    """Inside Django: the data's counts, or the URLs of the pages measured."""
    import django

    django.setup()
    from zhaoshang.projects.models import Project

    if args.worker == "counts":
        print(json.dumps({"projects": Project.objects.count()}))
        return
    from django.db.models import Count
    from django.urls import reverse

    from zhaoshang.industries.models import Direction

    # the richest chain: the direction with the most chain nodes (else the most projects)
    chain = (
        Direction.objects.annotate(n=Count("chain_nodes"), p=Count("projects", distinct=True))
        .order_by("-n", "-p", "pk")
        .first()
    )
    pages = [
        ("首页", reverse("portal:home")),
        ("项目列表", reverse("projects:list")),
        ("驾驶舱", reverse("goals:cockpit")),
        ("产业链图谱", _chain_map_url(chain.pk) if chain else None),
        ("企业库", reverse("enterprises:list")),
        ("竞赛榜", reverse("goals:rankings")),
    ]
    print(json.dumps({"login": reverse("accounts:login"), "pages": pages}, ensure_ascii=False))


def _chain_map_url(pk: int) -> str:
    from django.urls import NoReverseMatch, reverse

    for name in ("targeting:chain-map", "chains:map", "industries:map"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    raise SystemExit("no URL name found for the chain map")


# --- the server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the deploy configuration, on a loopback port, DEBUG off."""

    def __init__(self, env: dict[str, str], *, page_cache: bool, log: Path) -> None:
        self.port = _free_port()
        self.env = {
            **env,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "PAGE_CACHE": "1" if page_cache else "0",
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.location = ""  # of the last response

    def collectstatic(self) -> None:
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], self.env)

    def __enter__(self) -> Server:
        cmd = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
               "zhaoshang.wsgi:application"]  # fmt: skip
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                status, _, _ = self.request("GET", "/accounts/login/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc: Any) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body or None, headers={**HTTPS, **(headers or {})})
            response = conn.getresponse()
            self.location = response.getheader("Location", "")
            cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
            found = {}
            for cookie in cookies:
                name, _, rest = cookie.partition("=")
                found[name.strip()] = rest.split(";", 1)[0]
            return response.status, found, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def login(self, login_path: str, password: str) -> str:
        """Log in through the form; the Cookie header of the session."""
        status, cookies, html = self.request("GET", login_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or token is None or "csrftoken" not in cookies:
            sys.exit(f"login page: status {status}, no CSRF token")
        origin = f"https://127.0.0.1:{self.port}"
        status, got, _ = self.request(
            "POST",
            login_path,
            headers={
                "Cookie": f"csrftoken={cookies['csrftoken']}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": origin + login_path,
                "Origin": origin,
            },
            body=urlencode(
                {"csrfmiddlewaretoken": token.group(1), "username": USER, "password": password}
            ),
        )
        if status != 302 or "sessionid" not in got:
            sys.exit(f"logging in as {USER} failed (status {status})")
        csrf = got.get("csrftoken", cookies["csrftoken"])
        return f"sessionid={got['sessionid']}; csrftoken={csrf}"


def wrk(port: int, path: str, cookie: str, args: argparse.Namespace, script: Path) -> dict:
    """Requests/s and the count of non-200 responses of `wrk` on one page."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "-s", str(script), "-H", "X-Forwarded-Proto: https"]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"NON200 (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    latency = re.search(r"Latency\s+([\d.]+\w+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "non200": int(bad.group(1)) if bad else -1,
        "socket_errors": errors.group(1) if errors else "",
        "latency": latency.group(1) if latency else "",
    }


def measure(data: str, env: dict[str, str], args: argparse.Namespace, page_cache: bool) -> dict:
    urls = json.loads(
        _run([sys.executable, __file__, "--worker", "urls"], {**env, "DEBUG": "1"}, capture=True)
    )
    log = ROOT / "var" / "bench" / f"throughput-{data}.log"
    password = env.get("DEMO_PASSWORD", "zhaoshang-demo")
    with (
        Server(env, page_cache=page_cache, log=log) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        script = Path(tmp) / "status.lua"
        script.write_text(WRK_SCRIPT)
        cookie = server.login(urls["login"], password)
        rows = []
        login = wrk(server.port, urls["login"], "", args, script)
        rows.append({"page": "登录页（参照）", "path": urls["login"], **login})
        for label, path in urls["pages"]:
            if path is None:
                rows.append({"page": label, "path": "—", "rps": 0.0, "non200": -1})
                continue
            status, _, _ = server.request("GET", path, headers={"Cookie": cookie})
            if status == 302:  # a page that opens on its latest item (竞赛榜: the last quarter)
                path = server.location
                status, _, _ = server.request("GET", path, headers={"Cookie": cookie})
            if status != 200:
                rows.append({"page": label, "path": path, "rps": 0.0, "non200": -1,
                             "status": status})  # fmt: skip
                continue
            rows.append(
                {"page": label, "path": path, **wrk(server.port, path, cookie, args, script)}
            )
    for row in rows:
        row["ratio"] = row["rps"] / login["rps"] if login["rps"] else 0.0
        row["pass"] = row["non200"] == 0 and (
            row["path"] == urls["login"] or row["ratio"] >= GOAL_RATIO
        )
    return {"data": data, "page_cache": page_cache, "rows": rows}


def table(result: dict, args: argparse.Namespace) -> str:
    header = ("page", "req/s", "ratio", "latency", "non-200", "goal", "result")
    cells = [header]
    for r in result["rows"]:
        reference = r["page"].endswith("（参照）")
        cells.append(
            (
                f"{r['page']} {r['path']}",
                f"{r['rps']:,.1f}",
                "1.00" if reference else f"{r['ratio']:.2f}",
                r.get("latency", ""),
                str(r["non200"]) if r["non200"] >= 0 else f"status {r.get('status', '?')}",
                "—" if reference else "≥0.33× login",
                ("PASS" if r["pass"] else "MISS") if not reference or r["non200"] else "",
            )
        )
    cache = "page cache on" if result["page_cache"] else "page cache off"
    where = (
        f"{result['data']} data, {cache}, wrk {args.connections} connections × {args.duration} s"
    )
    return render(f"throughput: {where}", cells)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    if shutil.which("wrk") is None:
        print("throughput: skipped — wrk is not installed (Debian package wrk; `make system`).")
        return 0
    failed = False
    results = []
    for data in ["demo", "scale"] if args.data == "both" else [args.data]:
        env = demo_env() if data == "demo" else scale_env(args)
        Server(env, page_cache=False, log=Path(os.devnull)).collectstatic()
        caches = {"off": [False], "on": [True], "both": [False, True]}[args.page_cache]
        for page_cache in caches:
            result = measure(data, env, args, page_cache)
            results.append(result)
            print(table(result, args))
            print(flush=True)
            failed |= not all(r["pass"] for r in result["rows"])
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
