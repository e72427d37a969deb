"""The enterprise import service: validate every row, then upsert all-or-nothing.

Two phases, so that progress is visible while nothing is half-saved:

1. **Validate** (outside the writing transaction): rows are streamed from the file, every cell
   is parsed and checked, and the job's `processed_rows` is committed every few thousand rows
   (the progress page polls it). Valid records are staged: in memory for a small file, in a
   temporary table (PostgreSQL `COPY`, SQLite `executemany`) for a large one. On PostgreSQL a
   large CSV file is parsed and checked by the server instead (`postgres.py`): the same report
   and the same staged records, several times faster. A dry run stops here, with the report and
   how many records would be created or updated.
2. **Write** (one transaction, only when no row has an error): records are upserted by
   统一社会信用代码. An empty cell never blanks a stored value; a 标签 cell replaces the tags.
   A file that creates or rewrites at least as many enterprises as the library holds is loaded
   with the library's indexes built afterwards (`_rebuilds_indexes`).

Audit at scale (the choice, and why): a file of up to `AUDIT_EACH_MAX` rows (1,000 by
default, setting `ENTERPRISE_IMPORT_AUDIT_EACH_MAX`) is written record by record through the
ORM, with one create/update audit entry per enterprise (before and after) plus the summary
entry. Above that, writing 10^6 audit rows would cost more than the import itself, so the bulk
path writes set-based SQL and *one* summary entry on the import job with the counts, the
SHA-256 of the uploaded file (kept in storage as the job's file) and of a gzip CSV of the
*before* images of every updated enterprise (kept beside it). Together they make every change
of a bulk import reconstructible: after = the file's row, before = the before-image row.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require

from ..bulk import indexes_rebuilt_after, row_count
from ..models import Enterprise, ImportJob, ImportStatus
from ..tags import tag_names_index
from . import postgres, reading
from .parsing import ParseError
from .validation import FIELDS, HEADER_SEARCH_ROWS, RowError, RowValidator, blank_row

MAX_REPORTED_ERRORS = 1000
PREVIEW_ROWS = 20
PROGRESS_EVERY = 5000
STAGE_BATCH = 10_000
STAGE_TABLE = "zs_import_stage"
STAGE_TAGS_TABLE = "zs_import_stage_tags"
# Record fields stored as columns of the enterprise table (all but `tags`).
COLUMNS = [f for f in FIELDS if f != "tags"]
_TAGS = FIELDS.index("tags")
_TEXT_DEFAULTS = {  # NOT NULL text columns: '' on insert when the file says nothing
    "name",
    "legal_representative",
    "industry_code",
    "business_scope",
    "address",
    "division_code",
    "revenue_band",
    "staff_band",
    "founder_native_code",
    "group_name",
    "province_code",
}


def audit_each_max() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_AUDIT_EACH_MAX", 1000))


def background_min_rows() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_BACKGROUND_ROWS", 2000))


# --- the report ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What the preview page, the job and the API show: counts, errors by row and column."""

    dry_run: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""
    kind: str = ""
    encoding: str = ""
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    audit: str = ""  # "each" | "bulk" | ""
    checked_by: str = ""  # "server": PostgreSQL parsed and checked (importing.postgres); "python"
    seconds: dict[str, float] = field(default_factory=dict)  # time per phase

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.file_error

    def add(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_REPORTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])

    def as_dict(self) -> dict[str, Any]:
        errors = [e.as_dict() for e in self.errors]
        if self.file_error:
            errors.insert(0, {"row": 0, "column": "", "message": self.file_error})
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": errors,
            "error_count": self.error_count + (1 if self.file_error else 0),
            "truncated": self.error_count > len(self.errors),
            "file_kind": self.kind,
            "encoding": self.encoding,
            "header_row": self.header_row,
            "columns": self.columns,
            "preview": self.preview,
            "audit": self.audit,
            "checked_by": self.checked_by,
            "seconds": self.seconds,
        }


# --- staging ------------------------------------------------------------------------------------


class Stage:
    """Valid records kept for the write phase: a list while small, a temporary table beyond."""

    def __init__(self, *, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.records: list[tuple] = []
        self.in_table = False
        self.count = 0
        self.seconds = 0.0  # spent writing to the staging table

    def add(self, record: tuple) -> None:
        self.records.append(record)
        self.count += 1
        if self.in_table:
            if len(self.records) >= STAGE_BATCH:
                self._flush()
        elif self.count > self.memory_limit:
            self._create_tables()
            self.in_table = True
            self._flush()

    def open_table(self) -> None:
        """Stage in the tables from the start (the server-side path knows the file is large)."""
        if not self.in_table:
            self._create_tables()
            self.in_table = True
            if self.records:
                self._flush()

    def back_in_memory(self, records: list[tuple]) -> None:
        """The staged rows again as a list: a file this small is written record by record."""
        drop()
        self.in_table = False
        self.records = records
        self.count = len(records)

    def finish(self) -> None:
        if self.in_table and self.records:
            self._flush()

    def _create_tables(self) -> None:
        drop()
        decimal = "numeric(16, 2)"
        columns = ", ".join(
            f"{name} {decimal if name.endswith('_wan') else 'date' if name == 'founded_on' else 'boolean' if name == 'is_local' else 'text'}"
            for name in COLUMNS
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Room for the staged rows in memory (only settable before the session's
                # first temporary table; otherwise the server's setting stays).
                try:
                    with transaction.atomic():
                        cursor.execute("SET temp_buffers = '256MB'")
                except DatabaseError:
                    pass
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_TABLE} ({columns})")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_TAGS_TABLE} (uscc text, tag_id integer)")

    def _flush(self) -> None:
        from ..bulk import copy_rows

        started = time.monotonic()
        self._copy(copy_rows)
        self.seconds += time.monotonic() - started

    def _copy(self, copy_rows: Callable[..., int]) -> None:
        rows = self.records
        self.records = []
        copy_rows(STAGE_TABLE, COLUMNS, (r[:_TAGS] for r in rows))
        pairs = [(r[0], t) for r in rows if r[_TAGS] for t in r[_TAGS]]
        if pairs:
            copy_rows(STAGE_TAGS_TABLE, ["uscc", "tag_id"], pairs)


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TAGS_TABLE}")


# --- phase 1: validation ------------------------------------------------------------------------


def preview_row(record: tuple) -> dict[str, Any]:
    row = dict(zip(FIELDS, record, strict=True))
    for key, value in row.items():
        if isinstance(value, Decimal):
            row[key] = f"{value:.2f}"
        elif isinstance(value, dt.date):
            row[key] = value.isoformat()
    row["tags"] = list(row["tags"] or [])
    return row


def existing_count(codes: list[str]) -> int:
    found = 0
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        found += Enterprise.objects.filter(uscc__in=chunk).count()
    return found


def validate_stream(
    *,
    handle: IO[bytes],
    name: str,
    report: ImportReport,
    stage: Stage | None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> None:
    """Phase 1: read and check every row; valid records go to `stage` (None: count only)."""
    today = today or timezone.localdate()
    validator = RowValidator(tag_index=tag_names_index(), today=today)
    if postgres.validate(
        handle=handle, name=name, report=report, stage=stage, validator=validator, progress=progress
    ):
        report.checked_by = "server"
        return
    report.checked_by = "python"
    try:
        table = reading.open_table(handle, name)
    except ParseError as exc:
        report.file_error = str(exc)
        return
    report.kind, report.encoding = table.kind, table.encoding
    validator = RowValidator(tag_index=validator.tag_index, today=today)
    estimated = table.estimated_rows
    pending_codes: list[str] = []
    rows = 0
    try:
        found = _find_header(table.rows)
        if found is None:
            report.file_error = "文件中没有数据：未找到列名行"
            return
        header_number, header, data = found
        report.header_row = header_number
        if not validator.read_header(header_number, header):
            report.add(validator.header_errors)
            return
        report.columns = [plan[4] for plan in validator.plan]
        for row_number, cells in data:
            if blank_row(cells):
                continue
            rows += 1
            record, errors = validator.row(row_number, cells)
            if errors:
                report.add(errors)
            elif not report.error_count:
                if stage is not None:
                    stage.add(record)
                else:
                    pending_codes.append(record[0])
                if len(report.preview) < PREVIEW_ROWS:
                    report.preview.append(preview_row(record))
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows, max(estimated, rows))
    except ParseError as exc:
        report.file_error = str(exc)
    report.rows = rows
    if stage is not None:
        stage.finish()
    elif report.ok:
        existing = existing_count(pending_codes)
        report.updated, report.created = existing, len(pending_codes) - existing
    if progress:
        progress(rows, rows)


def _find_header(
    rows: Iterator[tuple[int, list[Any]]],
) -> tuple[int, list[Any], Iterator[tuple[int, list[Any]]]] | None:
    """The header row — the first of the first few non-blank rows that names at least two known
    columns (a title row above it is tolerated), else the first non-blank row — and the rest."""
    buffered: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if blank_row(cells):
            continue
        buffered.append((number, cells))
        if RowValidator.looks_like_header(cells) or len(buffered) >= HEADER_SEARCH_ROWS:
            break
    if not buffered:
        return None
    index = next(
        (i for i, (_, cells) in enumerate(buffered) if RowValidator.looks_like_header(cells)), 0
    )
    number, header = buffered[index]
    return number, header, itertools.chain(buffered[index + 1 :], rows)


# --- phase 2: writing ---------------------------------------------------------------------------


def _apply_fields(enterprise: Enterprise, record: tuple) -> None:
    for name, value in zip(COLUMNS, record, strict=False):
        if value is not None:
            setattr(enterprise, name, value)


def _write_each(*, actor: Any, records: list[tuple], job: ImportJob) -> tuple[int, int]:
    """Small files: through the ORM, one audit entry per enterprise (before and after)."""
    codes = [r[0] for r in records]
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
    note = f"企业导入（任务 #{job.pk}，{job.original_name}）"
    created = updated = 0
    for record in records:
        enterprise = existing.get(record[0])
        tags = record[_TAGS]
        if enterprise is None:
            enterprise = Enterprise(country="CN")
            _apply_fields(enterprise, record)
            enterprise.save()
            if tags:
                enterprise.tags.set(tags)
            audit.record_create(actor=actor, obj=enterprise, note=note)
            created += 1
        else:
            before = audit.snapshot(enterprise)
            _apply_fields(enterprise, record)
            enterprise.save()
            if tags:
                enterprise.tags.set(tags)
            audit.record_update(actor=actor, obj=enterprise, before=before, note=note)
            updated += 1
    return created, updated


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _before_images(job: ImportJob) -> tuple[str, str, int]:
    """A gzip CSV of the stored rows the import is about to update; (path, sha256, rows).

    PostgreSQL writes the CSV itself (`COPY … TO STDOUT`); the file is spooled to disk when
    large and compressed fast (level 1): it is evidence, not an archive.
    """
    table = Enterprise._meta.db_table
    columns = [f.column for f in Enterprise._meta.concrete_fields]
    select = ", ".join(f"e.{_q(c)}" for c in columns)
    sql = f"SELECT {select} FROM {_q(table)} e JOIN {STAGE_TABLE} s ON s.uscc = e.uscc"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_q(table)} e JOIN {STAGE_TABLE} s ON s.uscc = e.uscc"
        )
        count = cursor.fetchone()[0]
    if not count:
        return "", "", 0
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:
        with gzip.GzipFile(fileobj=spool, mode="wb", mtime=0, compresslevel=1) as packed:
            if connection.vendor == "postgresql":
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(
                        f"COPY ({sql} ORDER BY e.id) TO STDOUT (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    for block in copy:
                        packed.write(block)
            else:
                text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(columns)
                with connection.cursor() as cursor:
                    cursor.execute(sql + " ORDER BY e.id")
                    while chunk := cursor.fetchmany(5000):
                        writer.writerows(chunk)
                text.flush()
                text.detach()
        digest = hashlib.sha256()
        spool.seek(0)
        for block in iter(lambda: spool.read(1 << 20), b""):
            digest.update(block)
        spool.seek(0)
        path = default_storage.save(f"imports/before/job-{job.pk}-before.csv.gz", File(spool))
    return path, digest.hexdigest(), count


def _rebuilds_indexes(*, staged: int) -> bool:
    """Whether to load without the enterprise table's indexes and build them after: on
    PostgreSQL, when the file creates or rewrites at least as many enterprises as the library
    holds (a first load, a refresh from a national list) and at least the setting's number of
    rows. Then every index would take a new entry per row anyway, and building them once is
    several times cheaper (10^6 updates: 43 s of index upkeep). Readers of the library wait for
    the import to commit; below that, indexes are kept up row by row and nobody waits."""
    if connection.vendor != "postgresql":
        return False
    if staged < int(getattr(settings, "ENTERPRISE_IMPORT_REBUILD_MIN_ROWS", 50_000)):
        return False
    return staged >= row_count(Enterprise._meta.db_table)


def _write_bulk(
    *, job: ImportJob, now: dt.datetime, seconds: dict[str, float], rebuild: bool
) -> tuple[int, int]:
    """Large files: set-based SQL from the staging table (the same on PostgreSQL and SQLite)."""
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = round(time.monotonic() - clock, 3)
        clock = time.monotonic()

    table = _q(Enterprise._meta.db_table)
    through = Enterprise.tags.through
    through_table = _q(through._meta.db_table)
    sets = ", ".join(f"{_q(c)} = COALESCE(s.{c}, e.{_q(c)})" for c in COLUMNS if c != "uscc")
    insert_columns = [*COLUMNS, "country", "is_sample", "created_at", "updated_at"]
    values = []
    for c in COLUMNS:
        if c in _TEXT_DEFAULTS:
            values.append(f"COALESCE(s.{c}, '')")
        elif c == "is_local":
            values.append(f"COALESCE(s.{c}, %s)")
        else:
            values.append(f"s.{c}")
    # With the indexes kept, rows go in in code order: the two code indexes then fill page
    # after page instead of at random places (10^6 rows: 67 s → 27 s). Without them the
    # sort is wasted.
    order = "" if rebuild else "ORDER BY s.uscc"
    with ExitStack() as stack, connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('zhaoshang.enterprise_import'))")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the sort below stays in memory
            cursor.execute(f"ANALYZE {STAGE_TABLE}")
        if rebuild:
            stack.enter_context(indexes_rebuilt_after(Enterprise._meta.db_table))
            lap("drop_indexes")
        cursor.execute(
            f"UPDATE {table} AS e SET {sets}, updated_at = %s FROM {STAGE_TABLE} AS s "
            "WHERE e.uscc = s.uscc",
            [now],
        )
        updated = max(cursor.rowcount, 0)
        lap("update")
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in insert_columns)}) "
            f"SELECT {', '.join(values)}, 'CN', %s, %s, %s FROM {STAGE_TABLE} AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS x WHERE x.uscc = s.uscc) {order}",
            [False, False, now, now],
        )
        created = max(cursor.rowcount, 0)
        lap("insert")
    if rebuild:
        lap("build_indexes")
    # After the indexes are back: the joins on 统一社会信用代码 below then use them.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {through_table} WHERE enterprise_id IN ("
            f"SELECT e.id FROM {table} AS e JOIN {STAGE_TAGS_TABLE} AS t ON t.uscc = e.uscc)"
        )
        cursor.execute(
            f"INSERT INTO {through_table} (enterprise_id, tag_id) "
            f"SELECT DISTINCT e.id, t.tag_id FROM {STAGE_TAGS_TABLE} AS t "
            f"JOIN {table} AS e ON e.uscc = t.uscc"
        )
        lap("tags")
    return created, updated


# --- the service --------------------------------------------------------------------------------


def require_import(actor: Any) -> None:
    """Importing creates and changes enterprises and records a job: all three permissions."""
    require(actor, "add", ImportJob)
    require(actor, "add", Enterprise)
    require(actor, "change", Enterprise)


def import_job_create(*, actor: Any, file: Any, dry_run: bool = True) -> ImportJob:
    """Keep the uploaded file as a job (the file stays as the import's evidence)."""
    require_import(actor)
    name = getattr(file, "name", "") or "import.csv"
    job = ImportJob(
        original_name=name.rsplit("/", 1)[-1][:200],
        dry_run=dry_run,
        created_by=actor,
        status=ImportStatus.PENDING,
    )
    job.file.save(job.original_name, file, save=False)
    job.save()
    return job


def _file_sha256(job: ImportJob) -> str:
    digest = hashlib.sha256()
    with job.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _progress_saver(job: ImportJob) -> Callable[[int, int], None]:
    def save(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
        job.processed_rows, job.total_rows = done, total

    return save


def import_job_run(*, job: ImportJob, actor: Any | None = None) -> ImportReport:
    """Run the job: validate every row, then (unless a dry run) write all-or-nothing.

    The job ends `validated` / `invalid` (dry run), `imported` / `invalid` / `failed`; its
    `report` holds the row report. Called inline for small files and by the huey task for
    large ones; the same code either way.
    """
    actor = actor or job.created_by
    require_import(actor)
    report = ImportReport(dry_run=job.dry_run)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, processed_rows=0, report={"phase": "validating"}
    )
    stage = None if job.dry_run else Stage(memory_limit=audit_each_max())
    started = time.monotonic()
    try:
        with job.file.open("rb") as handle:
            validate_stream(
                handle=handle,
                name=job.original_name,
                report=report,
                stage=stage,
                progress=_progress_saver(job),
            )
        report.seconds["validate"] = round(time.monotonic() - started, 3)
        if stage is not None and stage.in_table:
            report.seconds["of_which_staging"] = round(stage.seconds, 3)
        if not report.ok:
            return _finish(job, report, ImportStatus.INVALID)
        if job.dry_run:
            return _finish(job, report, ImportStatus.VALIDATED)
        ImportJob.objects.filter(pk=job.pk).update(report={"phase": "writing"})
        started = time.monotonic()
        _write(job=job, actor=actor, stage=stage, report=report)
        report.seconds["write"] = round(time.monotonic() - started, 3)
        return _finish(job, report, ImportStatus.IMPORTED)
    except Exception as exc:
        report.file_error = report.file_error or f"导入失败，未写入任何数据：{exc}"
        _finish(job, report, ImportStatus.FAILED)
        raise
    finally:
        if stage is not None and stage.in_table:
            drop()


def _write(*, job: ImportJob, actor: Any, stage: Stage, report: ImportReport) -> None:
    now = timezone.now()
    with transaction.atomic():
        if stage.in_table:
            started = time.monotonic()
            before_path, before_sha, before_rows = _before_images(job)
            report.seconds["before_images"] = round(time.monotonic() - started, 3)
            rebuild = _rebuilds_indexes(staged=stage.count)
            created, updated = _write_bulk(
                job=job, now=now, seconds=report.seconds, rebuild=rebuild
            )
            report.audit = "bulk"
        else:
            before_path, before_sha, before_rows = "", "", 0
            created, updated = _write_each(actor=actor, records=stage.records, job=job)
            report.audit = "each"
        report.created, report.updated = created, updated
        hashing = time.monotonic()
        digest = _file_sha256(job)
        report.seconds["file_sha256"] = round(time.monotonic() - hashing, 3)
        summary = {
            "rows": report.rows,
            "created": created,
            "updated": updated,
            "file": job.file.name,
            "file_sha256": digest,
            "audit": report.audit,
        }
        if report.audit == "bulk":
            summary.update(
                before_file=before_path, before_sha256=before_sha, before_rows=before_rows
            )
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=job,
            after=summary,
            note=(
                f"企业导入：新增 {created} 家，更新 {updated} 家"
                f"（任务 #{job.pk}，文件 {job.original_name}，共 {report.rows} 行）"
            ),
            object_repr=f"企业导入任务 #{job.pk} {job.original_name}",
        )
        ImportJob.objects.filter(pk=job.pk).update(created_count=created, updated_count=updated)
        committing = time.monotonic()
    report.seconds["commit"] = round(time.monotonic() - committing, 3)


def _finish(job: ImportJob, report: ImportReport, status: str) -> ImportReport:
    fields = {
        "status": status,
        "report": report.as_dict(),
        "total_rows": report.rows,
        "processed_rows": report.rows,
        "created_count": report.created if status == ImportStatus.IMPORTED else 0,
        "updated_count": report.updated if status == ImportStatus.IMPORTED else 0,
        "finished_at": timezone.now(),
    }
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)
    return report


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Turn a validated preview into the real import (same file, validated again on write)."""
    require_import(actor)
    if job.created_by_id != actor.pk and not actor.has_perm("enterprises.change_importjob"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只能确认自己提交的导入")
    if job.status != ImportStatus.VALIDATED or not job.dry_run:
        from django.core.exceptions import ValidationError

        raise ValidationError("只有校验通过、尚未导入的文件可以确认导入")
    ImportJob.objects.filter(pk=job.pk).update(dry_run=False, status=ImportStatus.PENDING)
    job.dry_run, job.status = False, ImportStatus.PENDING
    return job


def iter_rows_for_test(handle: IO[bytes], name: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows as the importer reads them (for tests and debugging)."""
    yield from reading.open_table(handle, name).rows


def estimate_rows(job: ImportJob) -> int:
    """The data rows the job's file holds, estimated without reading it through."""
    try:
        with job.file.open("rb") as handle:
            table = reading.open_table(handle, job.original_name)
            return table.estimated_rows
    except (ParseError, OSError):
        return 0


def import_job_start(*, actor: Any, job: ImportJob) -> bool:
    """Run the job now (small file) or as a background job (large file). True: background.

    An error in the file is never an exception here: it is in the job's report.
    """
    require_import(actor)
    if estimate_rows(job) >= background_min_rows():
        from ..tasks import import_job_task

        import_job_task(job.pk)
        return True
    import_job_run(job=job, actor=actor)
    return False
