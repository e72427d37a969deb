"""Audit-log writes per second: the cost of chaining each entry to the one before it.

    .venv/bin/python bench/audit_chain.py                  # SQLite (a fresh file in var/bench/)
    .venv/bin/python bench/audit_chain.py --db postgresql  # a fresh `zhaoshang_bench_audit`
    .venv/bin/python bench/audit_chain.py --writers 4      # concurrent writers (threads)

Each write is what a service does: one transaction holding one `audit.record` of an update with
a before/after snapshot of a project-sized record. The figure is writes per second over
`--count` writes after a warm-up, then the time `verify_audit_chain` takes over all of them.
The same number of writes is timed the way they were written before the chain (a plain INSERT
of the entry), in alternating rounds on the same database, so a loaded machine slows both
sides alike; those rows are removed before the chain is verified.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_BASE = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "zhaoshang_bench_audit"


def prepare(db: str) -> None:
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    if db == "sqlite":
        path = ROOT / "var" / "bench" / "audit_chain.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(
            PG_BASE.replace("postgres://", "postgresql://") + "postgres", autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            c.execute(f'CREATE DATABASE "{PG_NAME}"')
        os.environ["DATABASE_URL"] = PG_BASE + PG_NAME
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def snapshot_like() -> dict:
    return {
        "name": "某某新能源汽车零部件项目",
        "unit_id": 3,
        "stage": "signed",
        "total_investment": "125000.00",
        "industry_id": 7,
        "direction_id": 12,
        "is_key": True,
        "note": "签约仪式于市投资促进局举行。" * 3,
    }


def write(n: int, actor, plain: bool = False) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from zhaoshang.core import audit
    from zhaoshang.core.models import AuditAction, AuditEntry

    before = snapshot_like()
    for i in range(n):
        after = dict(before, total_investment=f"{125000 + i}.00")
        with transaction.atomic():
            if plain:  # the write as it was before the chain
                AuditEntry.objects.create(
                    user=actor,
                    username=actor.username,
                    action=AuditAction.UPDATE,
                    content_type=ContentType.objects.get_for_model(actor),
                    object_id=str(actor.pk),
                    object_repr=str(actor),
                    before=before,
                    after=after,
                    note="plain",
                )
            else:
                audit.record(
                    actor=actor, action=AuditAction.UPDATE, obj=actor, before=before, after=after
                )
    connection.close()


def timed(n: int, writers: int, actor, plain: bool) -> float:
    per = n // writers
    threads = [threading.Thread(target=write, args=(per, actor, plain)) for _ in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=1)
    args = parser.parse_args()
    prepare(args.db)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from zhaoshang.core.models import AuditEntry

    actor = get_user_model().objects.create_user("bench", password="bench-pass-123456")
    write(200, actor)  # warm-up
    write(200, actor, plain=True)
    rounds, per_round = 3, args.count // 3
    chained = plain = 0.0
    for _ in range(rounds):
        plain += timed(per_round, args.writers, actor, plain=True)
        chained += timed(per_round, args.writers, actor, plain=False)
    n = rounds * per_round
    print(
        f"{args.db}, {args.writers} writer(s), {n} writes each way: "
        f"chained {n / chained:.0f} writes/s, plain INSERT (before the chain) {n / plain:.0f} "
        f"writes/s ({chained / plain:.2f}x the time)"
    )
    with connection.cursor() as cursor:
        table = AuditEntry._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER core_auditentry_no_change")
        cursor.execute(f"DELETE FROM {table} WHERE note = 'plain'")
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER core_auditentry_no_change")
    total = AuditEntry.objects.count()
    start = time.perf_counter()
    call_command("verify_audit_chain")
    print(f"verify_audit_chain over {total} entries: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
