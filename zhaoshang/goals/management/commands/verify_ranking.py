"""`manage.py verify_ranking 2024Q1 [--scheme CODE] [--no-live]`: check a published ranking.

1. Recomputes the results from the snapshot's frozen inputs with the scheme version it used,
   and checks the SHA-256 stored with it. Any mismatch: exit code 1.
2. Recomputes the quarter from today's records and lists, record by record, what changed after
   publication (added, removed, changed amounts, goals) and whose total or rank would move.
   That is information, never folded into the snapshot; the exit code stays 0 unless --strict.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoshang.goals.models import RankingScheme, RankingSnapshot
from zhaoshang.goals.ranking import parse_quarter, verify_snapshot

_CHANGE = {
    "added": "新增",
    "removed": "移除",
    "changed": "金额变化",
    "value": "数值变化",
    "goal": "目标变化",
    "previous": "上期快照变化",
}
_MODEL = {"projects.project": "项目", "projects.fundsrecord": "到位资金记录"}


class Command(BaseCommand):
    help = "核验已发布的竞赛榜：按冻结输入重算并校验SHA-256，列出发布后变动的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quarter", help="季度，如 2024Q1")
        parser.add_argument("--scheme", help="考核办法代码（默认：该季度的默认办法）")
        parser.add_argument("--no-live", action="store_true", help="不与当前数据比对")
        parser.add_argument("--strict", action="store_true", help="发布后有变动时也返回非零")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_quarter(options["quarter"])
        except Exception as exc:  # ValidationError: show its message
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        qs = RankingSnapshot.objects.filter(quarter=period.label).select_related(
            "scheme", "scheme_version"
        )
        if options["scheme"]:
            if not RankingScheme.objects.filter(code=options["scheme"]).exists():
                raise CommandError(f"未知考核办法：{options['scheme']}")
            qs = qs.filter(scheme__code=options["scheme"])
        snapshot = qs.order_by("-scheme__is_default", "-published_at").first()
        if snapshot is None:
            raise CommandError(f"{period.display}没有已发布的竞赛榜")

        check = verify_snapshot(snapshot, live=not options["no_live"])
        out = self.stdout
        out.write(
            f"竞赛榜：{snapshot.scheme.name}（第{snapshot.scheme_version.number}版）{period.display}"
        )
        out.write(f"发布：{snapshot.published_at:%Y-%m-%d %H:%M} {snapshot.published_by_name}")
        out.write(f"存储的 SHA-256：{snapshot.sha256}")
        out.write(f"重算的 SHA-256：{check.recomputed_hash}")
        if check.ok:
            out.write(
                self.style.SUCCESS("核验通过：按冻结输入重算的结果与发布结果一致，哈希一致。")
            )
        else:
            if not check.stored_hash_ok:
                out.write(self.style.ERROR("哈希不一致：快照内容与发布时的哈希不符。"))
            if not check.results_match:
                out.write(self.style.ERROR("结果不一致：按冻结输入重算的结果与发布结果不同。"))

        if not options["no_live"]:
            self._live(check)
        if not check.ok:
            raise CommandError("竞赛榜核验失败", returncode=1)
        if options["strict"] and (check.differences or check.rank_changes):
            raise CommandError("发布后数据有变动", returncode=2)

    def _live(self, check) -> None:
        out = self.stdout
        if check.live_error:
            out.write(self.style.WARNING(f"无法按当前数据重算：{check.live_error}"))
            return
        if not check.differences:
            out.write("与当前数据比对：发布后无变化。")
            return
        names = check.snapshot.inputs["units"]
        out.write(f"与当前数据比对：发布后有 {len(check.differences)} 处变动（快照未改变）：")
        for d in check.differences:
            unit = names.get(d["unit"], {}).get("name", d["unit"] or "")
            what = _MODEL.get(d["model"], d["model"])
            record = f"{what} #{d['record']}" if d["record"] is not None else what
            out.write(
                f"  [{d['figure']}] {unit} {record}：{_CHANGE[d['change']]}"
                f"（{d['before'] or '—'} → {d['after'] or '—'}）"
            )
        for r in check.rank_changes:
            out.write(
                f"  {r['track']} {r['unit_name']}：总分 {r['total_before']} → {r['total_after']}，"
                f"名次 {r['rank_before']} → {r['rank_after']}"
            )
