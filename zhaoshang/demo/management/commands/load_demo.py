"""`manage.py load_demo`: the demo city (through the services), or scale data (in bulk).

    manage.py load_demo                          # ~300 enterprises, ~600 projects, demo logins
    manage.py load_demo --reset                  # wipe business data first, then load
    manage.py load_demo --enterprises 30 --projects-count 40      # a small demo (tests)
    manage.py load_demo --projects 100000 --funds-per-project 10  # scale data for benchmarks

Refuses to run unless DEBUG is on (or under tests), so production never receives demo data.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from zhaoshang.demo.loader import DemoOptions, demo_load, demo_present
from zhaoshang.demo.reference import DEFAULT_SEED
from zhaoshang.demo.reset import business_data_wipe
from zhaoshang.demo.scale import ScaleOptions, scale_load
from zhaoshang.demo.users import logins_table


class Command(BaseCommand):
    help = "加载演示城市数据（聊城市），或生成规模测试数据（--projects N）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="先清空业务数据再加载")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 2024）")
        parser.add_argument(
            "--enterprises", type=int, default=None, help="企业数量（演示默认 300）"
        )
        parser.add_argument(
            "--projects-count",
            type=int,
            default=600,
            help="演示项目数量，逐个通过业务服务写入（默认 600）",
        )
        parser.add_argument(
            "--projects",
            type=int,
            default=None,
            help="规模模式：批量生成 N 个项目（不经业务服务，用于性能测试）",
        )
        parser.add_argument(
            "--funds-per-project",
            type=int,
            default=10,
            help="规模模式：平均每个项目的到位资金记录数（默认 10）",
        )
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=dt.date(2020, 1, 6),
            help="规模模式：最早线索日期（默认 2020-01-06）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not getattr(settings, "TESTING", False):
            raise CommandError("演示数据只能在 DEBUG 模式下加载")
        started = time.monotonic()
        password = settings.DEMO_PASSWORD
        if options["reset"]:
            try:
                removed = business_data_wipe()
            except ProtectedError as exc:
                raise CommandError(
                    "无法删除演示账号：其他数据仍引用这些用户（"
                    f"{', '.join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))}）"
                ) from exc
            self.stdout.write(f"已清空业务数据（删除证明材料文件 {removed} 个）。")
        elif demo_present():
            self.stdout.write(
                "数据库中已有演示数据，跳过加载（如需重新生成请使用 --reset）。\n\n"
                + logins_table(password)
            )
            return

        if options["projects"] is not None:
            counts = scale_load(
                ScaleOptions(
                    projects=options["projects"],
                    funds_per_project=options["funds_per_project"],
                    enterprises=options["enterprises"] or 0,
                    seed=options["seed"],
                    since=options["since"],
                    password=password,
                ),
                stdout=self.stdout,
            )
            summary = "，".join(f"{table} {n:,}" for table, n in counts.items())
            self.stdout.write(f"规模数据已生成：{summary}（{time.monotonic() - started:.1f} 秒）")
            return

        result = demo_load(
            DemoOptions(
                seed=options["seed"],
                enterprises=options["enterprises"] or 300,
                projects=options["projects_count"],
                password=password,
            ),
            stdout=self.stdout,
        )
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"演示数据加载完成（{time.monotonic() - started:.1f} 秒）。")
        )
        self.stdout.write("\n演示账号：\n" + logins_table(password))
