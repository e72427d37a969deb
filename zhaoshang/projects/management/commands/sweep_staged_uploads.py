"""`manage.py sweep_staged_uploads`: remove the files kept for dialogs left unfinished.

A dialog sent back with errors keeps its checked files for a day (`services.staging`); each new
keep sweeps the stale ones, and this command does the same when nobody keeps anything (run it
daily with the reminders).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhaoshang.projects.services.staging import sweep


class Command(BaseCommand):
    help = "删除超过一天未再提交的暂存上传文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = total = sweep()
        while removed:  # sweep() removes at most 500 at a time
            removed = sweep()
            total += removed
        self.stdout.write(f"已删除暂存上传文件 {total} 个")
