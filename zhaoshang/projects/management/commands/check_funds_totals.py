"""`manage.py check_funds_totals [--fix]`: compare the monthly funds totals with the records.

FundsMonthlyTotal is a cache of FundsRecord sums per unit, month and status, kept by the
funds services. This recomputes it with one GROUP BY over the records and lists every row that
differs (exit code 1 when any does). `--fix` then rebuilds the table from the records — after
a bulk load that bypassed the services, or to repair it — and exits 0 once it checks equal.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhaoshang.projects.services.funds_totals import funds_totals_diff, funds_totals_rebuild


class Command(BaseCommand):
    help = "核对到位资金月度合计与到位资金记录是否一致；--fix 按记录重建合计表。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="按到位资金记录重建合计表")

    def handle(self, *args: Any, **options: Any) -> None:
        diff = funds_totals_diff()
        for row in diff:
            (exp_amount, exp_n), (got_amount, got_n) = row["expected"], row["found"]
            self.stdout.write(
                f"单位 {row['unit']} {row['period']:%Y-%m} {row['status']}: "
                f"记录 {exp_amount} 万元/{exp_n} 条，合计表 {got_amount} 万元/{got_n} 条"
            )
        if not diff:
            self.stdout.write(self.style.SUCCESS("到位资金月度合计与记录一致"))
            return
        self.stdout.write(self.style.WARNING(f"{len(diff)} 行不一致"))
        if options["fix"]:
            written = funds_totals_rebuild()
            if not funds_totals_diff():
                self.stdout.write(self.style.SUCCESS(f"已按记录重建合计表：{written} 行"))
                return
        sys.exit(1)
