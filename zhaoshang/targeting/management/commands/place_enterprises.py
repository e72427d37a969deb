"""`manage.py place_enterprises`: automatic placement of enterprises on chain nodes."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.targeting.placement.services import placement_run


class Command(BaseCommand):
    help = "按经营范围、名称和行业代码将企业自动归入产业链环节（人工确认/否定的不动）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--semantic",
            choices=["auto", "inline", "defer", "off"],
            default="auto",
            help="语义编码器复核不确定的企业：auto（少量即时、大量后台）、inline、defer、off",
        )
        parser.add_argument("--only-unplaced", action="store_true", help="只处理尚未归链的企业")

    def handle(self, *args, **options):
        qs = Enterprise.objects.all()
        if options["only_unplaced"]:
            qs = qs.filter(placements__isnull=True)
        started = time.monotonic()
        result = placement_run(enterprises=qs, actor=None, semantic_mode=options["semantic"])
        elapsed = time.monotonic() - started
        rate = result.enterprises / elapsed if elapsed else 0
        self.stdout.write(f"{result.summary()} in {elapsed:.1f} s ({rate:.0f} enterprises/s)")
