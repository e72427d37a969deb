"""`manage.py check_project_totals [--fix]`: compare the project totals with the projects.

ProjectTotal (projects per unit, industry, stage and flags) and ProjectMonthlyTotal (projects
signed or started per unit and month) are caches kept by the project services. This recomputes
them with one GROUP BY over the projects each and lists every row that differs (exit code 1
when any does). `--fix` then rebuilds both tables from the projects — after a bulk load that
bypassed the services, or to repair them — and exits 0 once they check equal.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhaoshang.projects.services.project_totals import project_totals_diff, project_totals_rebuild


class Command(BaseCommand):
    help = "核对项目合计、项目月度合计与项目记录是否一致；--fix 按项目记录重建合计表。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="按项目记录重建合计表")

    def handle(self, *args: Any, **options: Any) -> None:
        diff = project_totals_diff()
        for row in diff:
            (exp_amount, exp_n), (got_amount, got_n) = row["expected"], row["found"]
            key = " ".join("—" if k is None else str(k) for k in row["key"])
            self.stdout.write(
                f"{row['table']} {key}: 项目记录 {exp_n} 个/{exp_amount} 万元，"
                f"合计表 {got_n} 个/{got_amount} 万元"
            )
        if not diff:
            self.stdout.write(self.style.SUCCESS("项目合计与项目记录一致"))
            return
        self.stdout.write(self.style.WARNING(f"{len(diff)} 行不一致"))
        if options["fix"]:
            written = project_totals_rebuild()
            if not project_totals_diff():
                self.stdout.write(self.style.SUCCESS(f"已按项目记录重建合计表：{written} 行"))
                return
        sys.exit(1)
