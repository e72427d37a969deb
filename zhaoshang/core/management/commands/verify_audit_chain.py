"""`manage.py verify_audit_chain`: check the audit log's hash chain (exit code 1 if broken).

Recomputes every entry's hash in chain order from its stored content and the previous hash,
checks the chain numbers run without a gap up to the chain head, and names the first broken
entry: one changed through SQL, removed, or inserted without the system's key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoshang.core.auditchain import verify


class Command(BaseCommand):
    help = "核验审计日志的哈希链：逐条重算哈希，检查链序号连续、链头一致；链断裂时返回 1。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="最多列出的断裂处（默认 20）")

    def handle(self, *args: Any, **options: Any) -> None:
        check = verify(limit=options["limit"])
        out = self.stdout
        out.write(f"审计日志：{check.count} 条；链头：第 {check.head_seq} 条 {check.head_hash}")
        if check.ok:
            out.write(self.style.SUCCESS("核验通过：哈希链完整。"))
            return
        first = check.first_break
        out.write(
            self.style.ERROR(
                f"链断裂，共 {len(check.breaks)} 处（最多列出 {options['limit']} 处）："
            )
        )
        for b in check.breaks:
            where = f"第 {b.seq} 条" if b.seq is not None else "—"
            ident = f"（id={b.entry_id}）" if b.entry_id is not None else ""
            out.write(f"  {where}{ident}：{b.reason}")
        raise CommandError(
            f"审计日志哈希链断裂，首个断裂处：第 {first.seq} 条（id={first.entry_id}）"
            if first.entry_id is not None
            else f"审计日志哈希链断裂：{first.reason}",
            returncode=1,
        )
