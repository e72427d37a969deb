"""Backing up the database and the evidence files together, and restoring them (the drill).

`backup(dir)` writes one directory: the database (PostgreSQL: `pg_dump` custom format; SQLite:
the online backup API), a copy of every file the database refers to (`media/…`), and
`manifest.json` — the row count of every table, each file's size and SHA-256, the dump's
SHA-256 and the audit chain head — all read from the same snapshot as the dump (PostgreSQL: the
dump runs on a snapshot exported by the transaction that counts; SQLite: the counts are read
from the copy). Files are written before the row that names them commits, so every file the
snapshot names exists when the copy starts; one removed since is listed as missing.

`restore(dir)` checks every checksum first, loads the dump into an empty database, puts the
files under MEDIA_ROOT, then checks the result: every table's count and every file as in the
manifest, the audit chain intact up to the manifest's head, and the checks the apps above
register (`register_restore_check`: goals verifies every published ranking).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models, transaction

MANIFEST = "manifest.json"
FORMAT = 1
_RESTORE_CHECKS: dict[str, Callable[[], list[str]]] = {}


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (in Chinese)."""


def register_restore_check(name: str, check: Callable[[], list[str]]) -> None:
    """An app above core adds a check run on a restored database (returns the problems)."""
    _RESTORE_CHECKS[name] = check


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- what the database holds --------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        {*connection.introspection.django_table_names(only_existing=True), "django_migrations"}
    )


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field."""
    out = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                out.append((model._meta.db_table, f.column))
    return sorted(set(out))


def _facts(cursor: Any, quote: Callable[[str], str]) -> dict[str, Any]:
    """Row counts, the files named and the audit chain head, through one DB-API cursor."""
    counts = {}
    for table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    files: set[str] = set()
    for table, column in _file_columns():
        cursor.execute(
            f"SELECT DISTINCT {quote(column)} FROM {quote(table)} "
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
        )
        files.update(row[0] for row in cursor.fetchall())
    cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
    head = cursor.fetchone()
    return {
        "tables": counts,
        "files": sorted(files),
        "audit_head": {"seq": head[0], "hash": head[1]} if head else {"seq": 0, "hash": ""},
    }


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败：{done.stderr.strip()[:2000]}")


# --- backup -------------------------------------------------------------------------------------


@dataclass
class Manifest:
    data: dict[str, Any]
    path: Path
    missing_files: list[str] = field(default_factory=list)


def backup(target: Path) -> Manifest:
    """Back up the database and the files it names into a new directory under `target`."""
    if connection.in_atomic_block:
        raise BackupError("备份需要在事务之外运行")
    started = time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(target) / f"zhaoshang-{stamp}"
    out.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    if vendor == "postgresql":
        dump = out / "database.dump"
        db = connection.settings_dict
        args, env = _pg_args(db)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            # pg_dump reads exactly what this transaction sees, while it stays open.
            _run(
                [
                    "pg_dump",
                    *args,
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot_id}",
                    "-f",
                    str(dump),
                    "-d",
                    db["NAME"],
                ],
                env,
            )
            facts = _facts(cursor, connection.ops.quote_name)
    elif vendor == "sqlite":
        dump = out / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(dump)
        try:
            connection.connection.backup(copy)  # a consistent copy while others keep writing
            facts = _facts(copy.cursor(), connection.ops.quote_name)
        finally:
            copy.close()
    else:  # pragma: no cover
        raise BackupError(f"不支持的数据库：{vendor}")

    media = Path(settings.MEDIA_ROOT)
    files: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for name in facts.pop("files"):
        source = media / name
        if not source.is_file():
            missing.append(name)
            continue
        dest = out / "media" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
        files[name] = {"size": dest.stat().st_size, "sha256": sha256_file(dest)}

    data = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "database": {"file": dump.name, "size": dump.stat().st_size, "sha256": sha256_file(dump)},
        **facts,
        "files": files,
        "missing_files": missing,
        "seconds": round(time.perf_counter() - started, 2),
    }
    path = out / MANIFEST
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    return Manifest(data=data, path=path, missing_files=missing)


# --- restore ------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 不是备份目录（没有 {MANIFEST}）")
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{data.get('format')}")
    return data


def check_backup(source: Path, data: dict[str, Any]) -> list[str]:
    """Every checksum in the manifest against the backup's own files."""
    problems = []
    dump = Path(source) / data["database"]["file"]
    if not dump.is_file() or sha256_file(dump) != data["database"]["sha256"]:
        problems.append(f"数据库备份文件 {dump.name} 缺失或校验和不符")
    for name, meta in data["files"].items():
        path = Path(source) / "media" / name
        if not path.is_file() or sha256_file(path) != meta["sha256"]:
            problems.append(f"证明材料 {name} 在备份中缺失或校验和不符")
    return problems


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path, *, force: bool = False) -> list[str]:
    """Load a backup into this (empty) database and MEDIA_ROOT; the problems found after."""
    source = Path(source)
    data = read_manifest(source)
    if data["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {data['vendor']}，不能恢复到 {connection.vendor}")
    problems = check_backup(source, data)
    if problems:
        raise BackupError("备份不完整，未恢复：" + "；".join(problems))
    if not force and not _database_is_empty():
        raise BackupError("目标数据库不是空的：请恢复到新建的空数据库（或加 --force 覆盖）")
    media = Path(settings.MEDIA_ROOT)
    clashes = [n for n in data["files"] if (media / n).exists()]
    if clashes and not force:
        raise BackupError(
            f"MEDIA_ROOT 中已有同名文件（如 {clashes[0]}）：请恢复到空目录（或加 --force）"
        )

    dump = source / data["database"]["file"]
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        args, env = _pg_args(db)
        connections.close_all()
        extra = ["--clean", "--if-exists"] if force else []
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *extra,
                "-d",
                db["NAME"],
                str(dump),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        backup_db = sqlite3.connect(dump)
        try:
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()
        connections.close_all()

    for name in data["files"]:
        dest = media / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "media" / name, dest)
    return check_restored(data)


def check_restored(data: dict[str, Any]) -> list[str]:
    """This database and MEDIA_ROOT against a manifest: counts, files, audit chain, app checks."""
    from .auditchain import verify

    problems = []
    with connection.cursor() as cursor:
        facts = _facts(cursor, connection.ops.quote_name)
    for table, count in data["tables"].items():
        if facts["tables"].get(table) != count:
            problems.append(f"表 {table}：备份 {count} 行，恢复后 {facts['tables'].get(table)} 行")
    media = Path(settings.MEDIA_ROOT)
    for name in facts["files"]:
        meta = data["files"].get(name)
        path = media / name
        if meta is None:
            if name not in data.get("missing_files", []):
                problems.append(f"证明材料 {name} 不在备份清单中")
        elif not path.is_file() or sha256_file(path) != meta["sha256"]:
            problems.append(f"证明材料 {name} 缺失或校验和不符")
    chain = verify()
    if not chain.ok:
        problems.append(f"审计日志哈希链断裂：{chain.first_break.reason}")
    if facts["audit_head"] != data["audit_head"]:
        problems.append(
            f"审计链头不符：备份第 {data['audit_head']['seq']} 条，恢复后第 {facts['audit_head']['seq']} 条"
        )
    for name, check in _RESTORE_CHECKS.items():
        problems.extend(f"{name}：{p}" for p in check())
    return problems
