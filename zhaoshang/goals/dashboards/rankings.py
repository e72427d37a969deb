"""The 竞赛榜 pages: quarters, schemes, columns, drill-downs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.models import PeriodClose
from zhaoshang.core.periods import parse_period, quarter_period
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.models import FundsRecord, Project

from .. import selectors
from ..indicators import INDICATORS
from ..models import RankingScheme, RankingSnapshot
from ..ranking import parse_quarter
from .common import QUARTER_NAMES, TOP_PER_TRACK

# --- rankings -----------------------------------------------------------------------------------


def quarter_title(quarter: str) -> str:
    """2024Q1 → 2024年第一季度."""
    period = parse_quarter(quarter)
    return f"{period.year}年第{QUARTER_NAMES[(period.start.month - 1) // 3 + 1]}季度"


def notice_title(quarter: str) -> str:
    """The title of the printed notice: 2024年第一季度全市招商引资竞赛榜."""
    return f"{quarter_title(quarter)}全市招商引资竞赛榜"


def schemes() -> list[RankingScheme]:
    return list(RankingScheme.objects.order_by("-is_default", "code"))


def scheme_for(code: str | None) -> RankingScheme | None:
    """The scheme asked for, else the default one (None when the city has none yet)."""
    if code:
        found = RankingScheme.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"scheme": [f"未知考核办法“{code}”"]})
        return found
    return RankingScheme.objects.order_by("-is_default", "code").first()


def may_preview(user: Any, scheme: RankingScheme) -> bool:
    """Whether the user may see a draft before publication (city; a unit its own row if the
    scheme's ``preview`` is ``own_unit``)."""
    if not has_model_permission(user, "view", RankingSnapshot):
        return False
    if user.scope == Scope.ALL:
        return True
    version = scheme.current
    return bool(
        version
        and version.config.get("preview") == "own_unit"
        and user.scope == Scope.UNIT
        and user.unit_id
    )


def quarters_for(
    *, user: Any, scheme: RankingScheme, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The quarters offered for a scheme, newest first: published ones, and the finished
    quarters of the scheme's years not yet published (drafts, for those who may preview)."""
    today = today or timezone.localdate()
    published = set(
        selectors.snapshots_for(user=user, scheme=scheme).values_list("quarter", flat=True)
    )
    labels = set(published)
    version = scheme.current
    if version is not None and may_preview(user, scheme):
        years = (
            version.config.get("years")
            or sorted({int(q[:4]) for q in published})
            or [
                today.year - 1,
                today.year,
            ]
        )
        for year in years:
            for n in range(1, 5):
                q = quarter_period(int(year), n)
                if q.end_exclusive <= today:
                    labels.add(q.label)
    out = []
    for label in sorted(labels, reverse=True):
        out.append(
            {
                "quarter": label,
                "title": quarter_title(label),
                "published": label in published,
            }
        )
    return out


def ranking_columns(columns: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "indicators": [c for c in columns if c["kind"] == "indicator"],
        "bonuses": [c for c in columns if c["kind"] == "bonus"],
        "deductions": [c for c in columns if c["kind"] == "deduction"],
    }


def ranking_page(
    *, user: Any, quarter: str, scheme: RankingScheme, draft: bool = False
) -> dict[str, Any]:
    """A quarter of a scheme as the user may see it.

    ``{"published": ranking_published|None, "preview": ranking_preview|None, "ranking": the one
    shown, "columns": grouped columns, "snapshot": RankingSnapshot|None, "close": PeriodClose|
    None, "can_preview", "preview_error"}``. A draft is computed only when asked (``draft``).
    """
    period = parse_quarter(quarter)
    published = selectors.ranking_published(user=user, quarter=period.label, scheme=scheme)
    preview, preview_error = None, ""
    can_preview = may_preview(user, scheme)
    if published is None and draft and can_preview:
        try:
            preview = selectors.ranking_preview(
                user=user, scheme=scheme, quarter=period.label, drilldown_records=False
            )
        except ValidationError as exc:
            preview_error = "；".join(exc.messages)
        except PermissionDenied as exc:
            preview_error = str(exc)
    shown = published or preview
    close = (
        PeriodClose.objects.restrict(user, "view")
        .filter(label=period.label)
        .order_by("-closed_at")
        .first()
        if has_model_permission(user, "view", PeriodClose)
        else None
    )
    return {
        "quarter": period.label,
        "period": period,
        "title": quarter_title(period.label),
        "published": published,
        "preview": preview,
        "preview_error": preview_error,
        "ranking": shown,
        "columns": ranking_columns(shown["columns"]) if shown else None,
        "close": close,
        "can_preview": can_preview,
        "own_only": bool(preview) and user.scope != Scope.ALL,
    }


def ranking_cells(ranking: dict[str, Any]) -> list[dict[str, Any]]:
    """Each track's rows with their cells in column order (for templates and exports)."""
    columns = ranking["columns"]
    out = []
    for track in ranking["tracks"]:
        rows = []
        for row in track["units"]:
            cells = []
            for c in columns:
                cells.append(
                    {
                        "column": c["id"],
                        "kind": c["kind"],
                        "unit": c.get("unit") or "",
                        "score": Decimal(row["scores"].get(c["id"], "0")),
                        "value": Decimal(row["values"].get(c["id"], "0")),
                        "rate": Decimal(row["rates"][c["id"]]) if c["id"] in row["rates"] else None,
                    }
                )
            rows.append(
                {
                    "unit": row["unit"],
                    "unit_name": row["unit_name"],
                    "short_name": row.get("short_name", row["unit_name"]),
                    "cells": cells,
                    "bonus": Decimal(row["bonus"]),
                    "deduction": Decimal(row["deduction"]),
                    "total": Decimal(row["total"]),
                    "rank": row["rank"],
                    "previous_rank": row.get("previous_rank"),
                    "rank_change": row.get("rank_change"),
                }
            )
        out.append({"name": track["name"], "rows": rows})
    return out


def _record_links(user: Any, model_label: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(label, url) of the records the user may open; others stay ids only."""
    if model_label == "projects.project":
        qs = Project.objects.restrict(user, "view").filter(pk__in=ids).select_related("unit")
        return {
            p.pk: (f"{p.name}（{p.unit.short_name}）", reverse("projects:detail", args=[p.pk]))
            for p in qs.only("pk", "name", "unit__short_name")
        }
    if model_label == "projects.fundsrecord":
        qs = FundsRecord.objects.restrict(user, "view").filter(pk__in=ids).select_related("project")
        return {
            f.pk: (
                f"{f.project.name} {f.period:%Y年%m月}到位资金",
                reverse("projects:detail", args=[f.project_id]),
            )
            for f in qs
        }
    return {}


DRILL_ROWS = 500
OPTION_LABELS = {
    "once_only": "同一项目只计一次",
    "exclude_same_city": "不计市内单位间投资",
    "entered_before_close": "只计关账前录入",
}


def options_text(options: Mapping[str, Any]) -> str:
    """The rules a figure was computed under, in Chinese (for the drill-down page)."""
    parts = [label for key, label in OPTION_LABELS.items() if options.get(key)]
    if "months" in options:
        parts.append(f"期限{options['months']}个月")
    if options.get("tags"):
        parts.append("投资方标签：" + "、".join(options["tags"]))
    return "；".join(parts)


def _drill_rows(user: Any, figure: dict[str, Any], unit_code: str) -> dict[str, Any]:
    row = figure["units"].get(unit_code)
    if row is None:
        raise ValidationError({"unit": [f"单位“{unit_code}”不在该竞赛榜中"]})
    all_records = row.get("records", [])
    records = all_records[:DRILL_ROWS]
    links = _record_links(user, figure["model"], [pk for pk, _ in records])
    return {
        "indicator": figure["indicator"],
        "indicator_label": INDICATORS[figure["indicator"]].label
        if figure["indicator"] in INDICATORS
        else figure["indicator"],
        "value_unit": INDICATORS[figure["indicator"]].unit
        if figure["indicator"] in INDICATORS
        else "",
        "period": parse_period(figure["period"]).display,
        "options": figure["options"],
        "options_text": options_text(figure["options"]),
        "model": figure["model"],
        "value": Decimal(row["value"]),
        "count": len(all_records),
        "records": [
            {
                "id": pk,
                "contribution": Decimal(amount),
                "visible": pk in links,
                "label": links.get(pk, ("", ""))[0],
                "url": links.get(pk, ("", ""))[1],
            }
            for pk, amount in records
        ],
    }


def ranking_drill(
    *, user: Any, quarter: str, scheme: RankingScheme, column: str, unit_code: str
) -> dict[str, Any] | None:
    """The records behind one number: frozen in the snapshot once published (names only for
    records the user may open), else computed now for those who may see the draft (a unit:
    only its own). None when there is nothing the user may see (the page answers 404)."""
    period = parse_quarter(quarter)
    snapshot = selectors.snapshot_get(user=user, quarter=period.label, scheme=scheme)
    if snapshot is not None:
        figures = snapshot.inputs["figures"]
        published = True
    else:
        if not may_preview(user, scheme):
            return None
        preview = selectors.ranking_preview(user=user, scheme=scheme, quarter=period.label)
        figures = preview["figures"]
        published = False
    if column not in figures or unit_code not in figures[column]["units"]:
        return None
    out = _drill_rows(user, figures[column], unit_code)
    base = figures.get(f"{column}@base")
    out["baseline"] = (
        _drill_rows(user, base, unit_code) if base and unit_code in base["units"] else None
    )
    out["published"] = published
    out["hash"] = snapshot.sha256 if snapshot else None
    unit = Unit.objects.filter(code=unit_code).first()
    out["unit"] = unit
    return out


def ranking_url(quarter: str, scheme_code: str) -> str:
    """The full 竞赛榜 page of a quarter of a scheme."""
    return f"{reverse('goals:ranking', args=[quarter])}?scheme={scheme_code}"


def ranking_card(
    ranking: dict[str, Any] | None, *, unit_code: str | None = None, top: int = TOP_PER_TRACK
) -> dict[str, Any] | None:
    """A published ranking (``selectors.ranking_latest``) as a compact card per track: the first
    `top` rows (名次 · 单位 · 总分 · 较上期), and the row of `unit_code` after them when it ranks
    lower. With `unit_code`, only the tracks that unit competes in. None without a ranking.

    ``{"quarter", "title", "scheme", "url", "tracks": [{"name", "of", "rows": [{"rank", "unit",
    "short_name", "total", "rank_change", "previous_rank", "own"}]}]}``
    """
    if not ranking:
        return None
    tracks = []
    for track in ranking["tracks"]:
        units = track["units"]
        if unit_code and not any(r["unit"] == unit_code for r in units):
            continue
        shown = [r for n, r in enumerate(units) if n < top or r["unit"] == unit_code]
        tracks.append(
            {
                "name": track["name"],
                "of": len(units),
                "rows": [
                    {
                        "rank": r["rank"],
                        "unit": r["unit"],
                        "short_name": r.get("short_name") or r["unit_name"],
                        "total": Decimal(r["total"]),
                        "rank_change": r.get("rank_change"),
                        "previous_rank": r.get("previous_rank"),
                        "own": r["unit"] == unit_code,
                    }
                    for r in shown
                ],
            }
        )
    return {
        "quarter": ranking["quarter"],
        "title": quarter_title(ranking["quarter"]),
        "scheme": ranking["scheme"]["name"],
        "url": ranking_url(ranking["quarter"], ranking["scheme"]["code"]),
        "tracks": tracks,
    }
