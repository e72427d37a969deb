"""`/healthz`: is this application server fit to serve? For nginx, systemd and monitoring.

Checks the database (a query), the job queue (its storage answers, how many jobs wait, when the
worker last beat) and the free disk space where the database and the evidence files live.
Anyone gets the verdict only — 200 "ok" or 503 "fail", nothing else — so the page tells an
outsider nothing about the stack. The details (JSON, each check with its figures or error)
go to a system administrator logged in, and to a caller on the server itself that did not come
through the proxy (nginx always adds X-Forwarded-For), e.g. `curl http://127.0.0.1:8000/healthz`.
It reads only, and is never cached.
"""

from __future__ import annotations

import ipaddress
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .tasks import HEARTBEAT_KEY

logger = logging.getLogger(__name__)

# Roles (User.role values) whose logged-in users see the details; superusers always do.
DETAIL_ROLES = ("sysadmin",)


def _database() -> dict[str, Any]:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": _ms(start)}


def _queue() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        return {"ok": True, "mode": "immediate"}
    start = time.perf_counter()
    pending = HUEY.pending_count()  # raises when Redis (or the SQLite queue) does not answer
    beat = HUEY.get(HEARTBEAT_KEY, peek=True)
    age = round(time.time() - beat) if beat else None
    stale = getattr(settings, "HEALTH_WORKER_STALE_SECONDS", 300)
    return {
        "ok": True,
        "mode": type(HUEY).__name__,
        "pending": pending,
        "ms": _ms(start),
        # The worker's beat is reported, not judged: a stopped worker delays jobs, it does not
        # make this server unfit to answer pages (systemd restarts the worker on its own).
        "worker_last_beat_seconds": age,
        "worker_ok": age is not None and age <= stale,
    }


def _paths() -> dict[str, Path]:
    paths = {"media": Path(settings.MEDIA_ROOT)}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        paths["database"] = Path(db["NAME"]).parent
    return paths


def _disk() -> dict[str, Any]:
    minimum = getattr(settings, "HEALTH_MIN_FREE_MB", 1024)
    out: dict[str, Any] = {"ok": True, "min_free_mb": minimum}
    for name, path in _paths().items():
        while not path.exists() and path != path.parent:
            path = path.parent
        usage = shutil.disk_usage(path)
        free_mb = usage.free // (1024 * 1024)
        out[name] = {
            "path": str(path),
            "free_mb": free_mb,
            "free_pct": round(usage.free * 100 / usage.total, 1),
        }
        if free_mb < minimum:
            out["ok"] = False
    return out


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "queue": _queue,
    "disk": _disk,
}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def run_checks() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is the verdict, never a 500
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return results


def _direct_loopback(request: HttpRequest) -> bool:
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def may_see_details(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    admin = (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or getattr(user, "role", "") in DETAIL_ROLES)
    )
    return admin or _direct_loopback(request)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    ok = all(r["ok"] for r in results.values())
    status = 200 if ok else 503
    if may_see_details(request):
        return JsonResponse({"status": "ok" if ok else "fail", "checks": results}, status=status)
    return HttpResponse("ok" if ok else "fail", status=status, content_type="text/plain")
