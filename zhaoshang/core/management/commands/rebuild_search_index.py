"""manage.py rebuild_search_index — refill the keyword indexes from their tables.

The indexes are kept in every writing transaction (triggers on SQLite, expression indexes on
PostgreSQL); this is for a SQLite table rebuilt by a migration (Django drops its triggers) or a
change of the index's terms. It installs whatever is missing, then refills, in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhaoshang.core import search


class Command(BaseCommand):
    help = "重建关键词检索索引（项目、企业）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tables", nargs="*", help="只重建这些表的索引（默认全部）")

    def handle(self, *args: Any, **options: Any) -> None:
        tables = options["tables"] or sorted(search.INDEXES)
        unknown = [t for t in tables if t not in search.INDEXES]
        if unknown:
            known = "、".join(sorted(search.INDEXES))
            raise CommandError(f"没有这些表的索引：{'、'.join(unknown)}（可选：{known}）")
        for table in tables:
            started = time.monotonic()
            with transaction.atomic():
                search.rebuild(search.INDEXES[table])
            self.stdout.write(f"{table}: 已重建（{time.monotonic() - started:.1f} 秒）")
