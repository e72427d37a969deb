"""`manage.py run_reminders [--date YYYY-MM-DD] [--only CODE ...] [--list]`: run the reminder
producers now, as the morning job does. Idempotent: what was already sent is not sent again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoshang.notices import reminders


class Command(BaseCommand):
    help = "立即运行各提醒任务（与每日定时任务相同；已发送的不会重复发送）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按此日期计算（默认今天），YYYY-MM-DD")
        parser.add_argument("--only", nargs="+", metavar="CODE", help="只运行这些提醒")
        parser.add_argument("--list", action="store_true", help="列出已登记的提醒及阈值")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for producer in reminders.all_producers():
                limits = ", ".join(
                    f"{name}={reminders.threshold(producer.code, name)}"
                    for name in sorted(producer.thresholds)
                )
                self.stdout.write(f"{producer.code}\t{producer.label}\t{limits}")
            return
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from exc
        try:
            report = reminders.run(today=today, only=options["only"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for code, count in sorted(report.created.items()):
            self.stdout.write(f"{code}: {count} 条")
        for code, error in sorted(report.failed.items()):
            self.stderr.write(self.style.ERROR(f"{code} 失败：{error}"))
        self.stdout.write(self.style.SUCCESS(f"{report.today}：共发送 {report.total} 条提醒"))
        if report.failed:
            raise CommandError(f"{len(report.failed)} 个提醒任务失败")
