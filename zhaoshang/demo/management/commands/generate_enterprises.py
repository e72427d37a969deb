"""Scale data for the enterprise library: realistic sample enterprises over the whole country.

    manage.py generate_enterprises --count 1000000 [--seed 2024]          # into the database
    manage.py generate_enterprises --count 1000000 --csv enterprises.csv  # an import file

See `demo.enterprises` for what the data looks like. Records are marked as sample data.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "生成规模测试用的示例企业（写入数据库，或 --csv 写出导入文件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="企业数量")
        parser.add_argument(
            "--seed", type=int, default=2024, help="随机种子（相同种子得到相同数据）"
        )
        parser.add_argument("--csv", default="", help="写出 CSV 导入文件的路径（不写数据库）")
        parser.add_argument(
            "--encoding",
            default="utf-8",
            choices=["utf-8", "utf-8-sig", "gb18030"],
            help="CSV 编码",
        )
        parser.add_argument("--batch", type=int, default=50_000, help="每批写入的企业数")

    def handle(self, *args, **options) -> None:
        from zhaoshang.demo import enterprises as generation

        count = options["count"]
        started = time.monotonic()

        def say(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done:,} / {count:,}（{rate:,.0f} 家/秒）")

        if options["csv"]:
            trades = generation.trades_from_chains()
            generation.write_csv(
                options["csv"],
                count,
                seed=options["seed"],
                trades=trades,
                encoding=options["encoding"],
                progress=say,
            )
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"已写出 {count:,} 行到 {options['csv']}（{elapsed:.1f} 秒）")
            )
            return
        counts = generation.write_database(
            count, seed=options["seed"], batch=options["batch"], progress=say
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成企业 {counts.enterprises:,} 家、标签 {counts.tags:,} 个、动态 {counts.signals:,} 条、"
                f"关系 {counts.relations:,} 条、联系人 {counts.contacts:,} 个（{elapsed:.1f} 秒，"
                f"{counts.enterprises / max(elapsed, 1e-6):,.0f} 家/秒）"
            )
        )
