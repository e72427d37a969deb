"""`manage.py restore BACKUP_DIR [--force]`: load a backup into an empty database and MEDIA_ROOT.

Checks every checksum before touching anything, refuses a database that already has tables
(unless --force), then checks the result against the manifest: each table's row count, each
file, the audit chain (as `verify_audit_chain`) up to the backed-up head, and every published
ranking (as `verify_ranking`). Exit code 1 on any difference.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoshang.core.backup import BackupError, check_restored, read_manifest, restore


class Command(BaseCommand):
    help = "从备份恢复数据库和证明材料到空数据库，并逐表、逐文件、审计链、竞赛榜核验。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="备份目录（含 manifest.json）")
        parser.add_argument("--force", action="store_true", help="覆盖非空的数据库和同名文件")
        parser.add_argument(
            "--check-only", action="store_true", help="不恢复，只把当前数据库与清单比对"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        try:
            if options["check_only"]:
                data = read_manifest(options["source"])
                problems = check_restored(data)
            else:
                problems = restore(options["source"], force=options["force"])
                data = read_manifest(options["source"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(data["tables"].values())
        self.stdout.write(
            f"{'核对' if options['check_only'] else '恢复'}：{len(data['tables'])} 张表 {rows} 行，"
            f"{len(data['files'])} 个文件，审计链头第 {data['audit_head']['seq']} 条；"
            f"用时 {time.perf_counter() - start:.1f} 秒"
        )
        if problems:
            for p in problems:
                self.stdout.write(self.style.ERROR(f"  {p}"))
            raise CommandError(f"恢复核验发现 {len(problems)} 处问题", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                "核验通过：各表行数、证明材料、审计日志哈希链、已发布竞赛榜均与备份一致。"
            )
        )
