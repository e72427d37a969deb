"""`manage.py build_feature_store`: rebuild the targeting feature store (var/targeting/*.npz)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhaoshang.targeting.scoring import store


class Command(BaseCommand):
    help = "从数据库重建精准招商的列式特征库（推荐排序所用）"

    def handle(self, *args, **options):
        started = time.monotonic()
        built = store.rebuild()
        meta = built.meta
        self.stdout.write(
            f"feature store: {meta['enterprises']} enterprises, {meta['placements']} placements, "
            f"{meta['relations']} relations with local enterprises, as of {meta['as_of']} "
            f"({time.monotonic() - started:.1f} s) → {store.store_path()}"
        )
