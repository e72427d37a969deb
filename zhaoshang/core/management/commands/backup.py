"""`manage.py backup DIR`: the database and every evidence file it names, with a manifest.

Writes DIR/zhaoshang-<UTC time>/ (database.dump or database.sqlite3, media/…, manifest.json).
Exit code 1 when a file the database names is missing from MEDIA_ROOT (the backup is still
written, and the manifest lists the missing files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoshang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和证明材料（同一快照），写出清单（各表行数、文件校验和、审计链头）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path, help="备份存放目录（在其中新建一个子目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["target"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        data = manifest.data
        rows = sum(data["tables"].values())
        self.stdout.write(
            f"备份完成：{manifest.path.parent}\n"
            f"  数据库（{data['vendor']}）：{len(data['tables'])} 张表，{rows} 行，"
            f"{data['database']['size']} 字节\n"
            f"  证明材料：{len(data['files'])} 个文件\n"
            f"  审计链头：第 {data['audit_head']['seq']} 条\n"
            f"  用时 {data['seconds']} 秒"
        )
        if manifest.missing_files:
            raise CommandError(
                f"数据库中有 {len(manifest.missing_files)} 个文件在 MEDIA_ROOT 中找不到，"
                f"如 {manifest.missing_files[0]}（已列入清单）",
                returncode=1,
            )
