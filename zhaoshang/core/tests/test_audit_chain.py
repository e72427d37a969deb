"""The audit log's hash chain: every entry is chained to the one before it, and a row changed,
removed or inserted through SQL is found by `verify_audit_chain`, which names the first one."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from zhaoshang.core import audit
from zhaoshang.core.auditchain import HASHED_FIELDS, entry_hash, verify
from zhaoshang.core.models import AuditAction, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _write(users, n: int = 5) -> list[AuditEntry]:
    return [
        audit.record(
            actor=users["city"],
            action=AuditAction.UPDATE,
            obj=users["linqing"],
            before={"amount": decimal.Decimal("1.50"), "n": i, "day": dt.date(2024, 1, 1)},
            after={"amount": "2.00", "n": i + 1, "score": 1e16, "names": ["甲", "乙"]},
            note=f"第{i}次",
        )
        for i in range(n)
    ]


def _sql(sql: str, params=()) -> None:
    """Run SQL as an intruder would, with the append-only trigger lifted."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_change")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cursor.execute(sql, params)


def _verify_output() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_entries_are_numbered_in_order_and_each_hash_covers_the_previous_one(users):
    start = AuditChainHead.objects.get(pk=1).seq if AuditChainHead.objects.exists() else 0
    entries = _write(users, 3)
    assert [e.seq for e in entries] == [start + 1, start + 2, start + 3]
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("seq"))
    for prev, entry in itertools.pairwise(stored):
        values = {f: getattr(entry, f) for f in HASHED_FIELDS}
        assert entry.chain_hash == entry_hash(prev.chain_hash, values)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (stored[-1].seq, stored[-1].chain_hash)


def test_verify_passes_on_an_untouched_log(users):
    _write(users)
    output, error = _verify_output()
    assert error is None
    assert "核验通过" in output
    assert f"审计日志：{AuditEntry.objects.count()} 条" in output


def test_a_field_changed_through_sql_breaks_the_chain_at_that_row(users):
    entries = _write(users)
    _sql("UPDATE core_auditentry SET username = 'nobody' WHERE id = %s", [entries[2].pk])
    output, error = _verify_output()
    assert error is not None and error.returncode == 1
    assert f"第 {entries[2].seq} 条（id={entries[2].pk}）：哈希不符" in output
    assert f"首个断裂处：第 {entries[2].seq} 条（id={entries[2].pk}）" in str(error)
    assert verify().first_break.entry_id == entries[2].pk


def test_a_changed_json_value_breaks_the_chain(users):
    entries = _write(users)
    _sql(
        "UPDATE core_auditentry SET after = %s WHERE id = %s",
        ['{"amount": "9.00", "n": 2, "score": 1e16, "names": ["甲", "乙"]}', entries[1].pk],
    )
    check = verify()
    assert [(b.entry_id, b.reason[:4]) for b in check.breaks] == [(entries[1].pk, "哈希不符")]


def test_a_deleted_row_breaks_the_chain_at_the_next_one(users):
    entries = _write(users)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    check = verify()
    assert not check.ok
    assert check.first_break.entry_id == entries[2].pk
    assert f"第 {entries[1].seq}–{entries[1].seq} 条缺失" in check.first_break.reason


def test_the_newest_row_deleted_is_seen_from_the_chain_head(users):
    entries = _write(users)
    _sql("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    output, error = _verify_output()
    assert error is not None
    assert f"链尾缺失：链头记到第 {entries[-1].seq} 条，日志只到第 {entries[-2].seq} 条" in output


def test_a_row_inserted_through_sql_is_found(users):
    entries = _write(users)
    _sql(
        "INSERT INTO core_auditentry (at, username, action, object_id, object_repr, note, "
        "request_id, ip, chain_hash) VALUES (%s, 'ghost', 'login', '', '', '', '', '', '')",
        [entries[0].at],
    )
    check = verify()
    ghost = AuditEntry.objects.get(username="ghost")
    assert [(b.entry_id, b.reason[:3]) for b in check.breaks] == [(ghost.pk, "未入链")]


def test_a_row_forged_at_the_end_with_a_plain_hash_is_found(users):
    import hashlib

    entries = _write(users)
    last = entries[-1]
    seq = last.seq + 1
    forged = hashlib.sha256(f"{last.chain_hash}forged".encode()).hexdigest()
    _sql(
        "INSERT INTO core_auditentry (at, username, action, object_id, object_repr, note, "
        "request_id, ip, seq, chain_hash) VALUES (%s, 'ghost', 'login', '', '', '', '', '', %s, %s)",
        [last.at, seq, forged],
    )
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=forged)
    check = verify()
    ghost = AuditEntry.objects.get(username="ghost")
    assert [b.entry_id for b in check.breaks] == [ghost.pk]


def test_writes_after_a_flushed_log_start_a_new_chain(users):
    AuditChainHead.objects.all().delete()
    AuditEntry.objects.all().delete()  # SQLite only keeps DELETE (flushes); PG: TRUNCATE
    entries = _write(users, 2)
    assert [e.seq for e in entries] == [1, 2]
    assert verify().ok


@pytest.mark.postgresql  # SQLite's in-memory test database locks whole tables across threads
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(users):
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record(actor=users["city"], action=AuditAction.LOGIN, note=f"{k}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = verify()
    assert check.ok, check.breaks
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, note__contains="-").count() == 40
    assert check.head_seq == AuditEntry.objects.count()
