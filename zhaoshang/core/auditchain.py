"""The audit log's hash chain: each entry carries an HMAC over its own content and the hash of
the entry before it, so changing, removing or inserting a row through SQL breaks the chain.

Entries are numbered `seq` = 1, 2, 3 … without gaps; `chain_hash(n) = HMAC(key, hash(n-1) ‖
content(n))` with the empty string before the first entry. The key (`AUDIT_CHAIN_KEY`, by
default the SECRET_KEY) stays outside the database: whoever can write SQL cannot recompute the
hashes of rows they forged. The chain head (`AuditChainHead`, one row) holds the newest `seq`
and hash; taking it with an UPDATE is the first thing a write does, so writers queue on its row
lock (PostgreSQL) or the database's write lock (SQLite, IMMEDIATE transactions) and the chain
never forks. The check reads the whole log once, in `seq` order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry

# The stored fields the hash covers, in this order (`seq` first, then the content).
HASHED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "request_id",
    "ip",
)
# Stored fields added later: hashed after the others, and only when set, so the entries written
# before they existed keep their hashes.
LATER_HASHED_FIELDS = ("parent_type_id", "parent_object_id")
HEAD_ID = 1


def _key() -> bytes:
    return (getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY).encode()


def _canonical(value: Any) -> Any:
    """JSON values as the database gives them back: PostgreSQL's jsonb writes 1e16 as an
    integer, so integral floats are hashed as integers on both sides."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """The hash of one entry (its HASHED_FIELDS as stored, then its LATER_HASHED_FIELDS when
    set) after `prev_hash`."""
    content = [
        _at(values[f])
        if f == "at"
        else _canonical(values[f])
        if f in ("before", "after")
        else values[f]
        for f in HASHED_FIELDS
    ]
    if values.get("parent_type_id") is not None:
        content.append([values.get(f) for f in LATER_HASHED_FIELDS])
    payload = json.dumps(
        [prev_hash, content], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def _stored_json(value: Any) -> Any:
    """What the JSONField will read back (its encoder turns dates and decimals into strings)."""
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _take_head() -> tuple[int, str]:
    """Advance the head by one and return (the new seq, the previous hash), holding its lock."""
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    sql = f"UPDATE {table} SET seq = seq + 1 WHERE id = %s RETURNING seq, hash"
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD_ID])
        row = cursor.fetchone()
        if row is None:
            # No head yet (a fresh or flushed database): start it from the newest entry.
            last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
            AuditChainHead.objects.bulk_create(
                [
                    AuditChainHead(
                        pk=HEAD_ID,
                        seq=last.seq if last else 0,
                        hash=last.chain_hash if last else "",
                    )
                ],
                ignore_conflicts=True,
            )
            cursor.execute(sql, [HEAD_ID])
            row = cursor.fetchone()
    return row[0], row[1]


def append(entry: AuditEntry) -> AuditEntry:
    """Chain `entry` (not yet saved) to the log and insert it, in the caller's transaction."""
    with transaction.atomic(savepoint=False):
        seq, prev = _take_head()
        entry.seq = seq
        entry.at = timezone.now()  # in chain order
        entry.before = _stored_json(entry.before)
        entry.after = _stored_json(entry.after)
        values = {f: getattr(entry, f) for f in (*HASHED_FIELDS, *LATER_HASHED_FIELDS)}
        entry.chain_hash = entry_hash(prev, values)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(hash=entry.chain_hash)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    seq: int | None
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    count: int
    head_seq: int
    head_hash: str
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None


def _rows() -> Iterator[dict[str, Any]]:
    fields = ("id", "chain_hash", *HASHED_FIELDS, *LATER_HASHED_FIELDS)
    qs = AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values(*fields)
    yield from qs.iterator(chunk_size=5000)


def check_rows(
    rows: Iterable[dict[str, Any]], limit: int = 20
) -> tuple[list[ChainBreak], int, str]:
    """Walk rows in `seq` order; the breaks (at most `limit`), the last seq and hash."""
    breaks: list[ChainBreak] = []
    expected, prev = 1, ""
    for row in rows:
        if len(breaks) >= limit:
            break
        if row["seq"] != expected:
            breaks.append(
                ChainBreak(
                    row["id"],
                    row["seq"],
                    f"第 {expected}–{row['seq'] - 1} 条缺失（链序号不连续，记录被删除）",
                )
            )
        elif entry_hash(prev, row) != row["chain_hash"]:
            breaks.append(
                ChainBreak(row["id"], row["seq"], "哈希不符：记录内容被改动，或不是由系统写入")
            )
        expected, prev = row["seq"] + 1, row["chain_hash"]
    return breaks, expected - 1, prev


def verify(limit: int = 20) -> ChainCheck:
    """Check the whole chain: every entry's hash, no gap in `seq`, and the head at the end."""
    # PostgreSQL: one snapshot for the head and every row. SQLite reads without a transaction
    # (an IMMEDIATE one would hold writers back for the whole walk): entries written during
    # the walk come after the head read first, and are checked too.
    consistent = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic() if consistent else contextlib.nullcontext():
        if consistent:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
        breaks, last_seq, last_hash = check_rows(_rows(), limit)
        count = AuditEntry.objects.count()
        unchained = AuditEntry.objects.filter(seq__isnull=True).order_by("id").first()
    if unchained is not None:
        breaks.append(ChainBreak(unchained.pk, None, "未入链：记录没有链序号，不是由系统写入"))
    if head is None:
        if last_seq:
            breaks.append(ChainBreak(None, None, "链头缺失"))
    elif head.seq > last_seq or (head.seq == last_seq and head.hash != last_hash):
        breaks.append(
            ChainBreak(
                None,
                head.seq,
                f"链尾缺失：链头记到第 {head.seq} 条，日志只到第 {last_seq} 条（记录被删除）",
            )
        )
    return ChainCheck(
        count=count,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else "",
        breaks=tuple(breaks),
    )
