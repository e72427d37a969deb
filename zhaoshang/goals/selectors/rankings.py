"""Published rankings (竞赛榜), their drill-downs, drafts and period closes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from zhaoshang.accounts.models import Unit
from zhaoshang.core.models import PeriodClose
from zhaoshang.core.permissions import Scope
from zhaoshang.projects.models import (
    FundsRecord,
    Project,
)

from ..models import RankingScheme, RankingSnapshot
from ..ranking import compute_quarter, parse_quarter, scheme_version_of
from .common import _require_rankings, _sees_all

# --- rankings -----------------------------------------------------------------------------------


def _scheme_or_default(scheme: RankingScheme | str | None) -> RankingScheme | None:
    if isinstance(scheme, RankingScheme):
        return scheme
    if scheme:
        found = RankingScheme.objects.filter(code=scheme).first()
        if found is None:
            raise ValidationError({"scheme": [f"未知考核办法“{scheme}”"]})
        return found
    return None


def snapshot_get(*, user: Any, quarter: str, scheme: RankingScheme | str | None = None):
    """The published snapshot of a quarter (the given scheme, else the default one, else the
    latest published for that quarter), or None."""
    _require_rankings(user)
    period = parse_quarter(quarter)
    chosen = _scheme_or_default(scheme)
    # The frozen inputs (megabytes at city scale) load only when a drill-down reads them.
    qs = RankingSnapshot.objects.restrict(user, "view").filter(quarter=period.label).defer("inputs")
    qs = qs.select_related("scheme", "scheme_version")
    if chosen is not None:
        return qs.filter(scheme=chosen).first()
    return qs.order_by("-scheme__is_default", "-published_at", "-id").first()


def snapshot_summary(snapshot: RankingSnapshot) -> dict[str, Any]:
    """The API shape of a published ranking."""
    results = snapshot.results
    return {
        "hash": snapshot.sha256,
        "scheme": {
            "code": snapshot.scheme.code,
            "name": snapshot.scheme.name,
            "version": snapshot.scheme_version.number,
        },
        "quarter": snapshot.quarter,
        "period": results["period"],
        "title": results.get("title", ""),
        "published_at": snapshot.published_at,
        "published_by": snapshot.published_by_name,
        "columns": results["columns"],
        "tracks": results["tracks"],
    }


def ranking_published(
    *, user: Any, quarter: str, scheme: RankingScheme | str | None = None
) -> dict[str, Any] | None:
    """A published ranking: ``{"hash", "scheme", "quarter", "period", "title", "published_at",
    "published_by", "columns", "tracks": [{"name", "units": [{"unit", "unit_name", "scores",
    "values", "rates", "bonus", "deduction", "total", "rank", "previous_rank", "rank_change"}]}]}``
    or None when that quarter is not published."""
    snapshot = snapshot_get(user=user, quarter=quarter, scheme=scheme)
    return snapshot_summary(snapshot) if snapshot else None


def ranking_latest(
    *, user: Any, scheme: RankingScheme | str | None = None
) -> dict[str, Any] | None:
    """The most recent published ranking (of the scheme, else of any, the default first)."""
    _require_rankings(user)
    chosen = _scheme_or_default(scheme)
    qs = (
        RankingSnapshot.objects.restrict(user, "view")
        .select_related("scheme", "scheme_version")
        .defer("inputs")  # megabytes at city scale; read only by drill-downs
    )
    if chosen is not None:
        qs = qs.filter(scheme=chosen)
    snapshot = qs.order_by("-period_start", "-scheme__is_default", "-published_at").first()
    return snapshot_summary(snapshot) if snapshot else None


def snapshots_for(*, user: Any, scheme: RankingScheme | str | None = None) -> QuerySet:
    """Published snapshots the user may see, newest quarter first."""
    _require_rankings(user)
    qs = (
        RankingSnapshot.objects.restrict(user, "view")
        .select_related("scheme", "scheme_version")
        .defer("inputs")  # megabytes at city scale; read only by drill-downs
    )
    chosen = _scheme_or_default(scheme)
    if chosen is not None:
        qs = qs.filter(scheme=chosen)
    return qs.defer("inputs").order_by("-period_start", "scheme__code")


def _record_labels(user: Any, model_label: str, ids: list[int]) -> dict[int, str]:
    """Names of the records the user may open (others stay ids only)."""
    if model_label == "projects.project":
        qs = Project.objects.restrict(user, "view").filter(pk__in=ids)
        return {p.pk: p.name for p in qs.only("pk", "name")}
    if model_label == "projects.fundsrecord":
        qs = FundsRecord.objects.restrict(user, "view").filter(pk__in=ids)
        return {f.pk: str(f) for f in qs.select_related("project")}
    return {}


def _drill(user: Any, figure: dict[str, Any], unit_code: str) -> dict[str, Any]:
    row = figure["units"].get(unit_code)
    if row is None:
        raise ValidationError({"unit": [f"单位“{unit_code}”不在该竞赛榜中"]})
    records = row.get("records", [])
    labels = _record_labels(user, figure["model"], [pk for pk, _ in records])
    return {
        "indicator": figure["indicator"],
        "period": figure["period"],
        "options": figure["options"],
        "model": figure["model"],
        "unit": unit_code,
        "value": row["value"],
        "records": [
            {"id": pk, "contribution": amount, "visible": pk in labels, "label": labels.get(pk)}
            for pk, amount in records
        ],
    }


def ranking_drilldown(
    *,
    user: Any,
    quarter: str,
    column: str,
    unit_code: str,
    scheme: RankingScheme | str | None = None,
) -> dict[str, Any] | None:
    """The frozen records behind one number of a published ranking.

    ``{"indicator", "period", "options", "model", "unit", "value", "records": [{"id",
    "contribution", "visible", "label"}], "baseline": same|None}`` — ids and contributions are
    part of the published snapshot; names only for records the user may open.
    """
    snapshot = snapshot_get(user=user, quarter=quarter, scheme=scheme)
    if snapshot is None:
        return None
    figures = snapshot.inputs["figures"]
    if column not in figures:
        raise ValidationError({"column": [f"竞赛榜中没有“{column}”这一项"]})
    out = _drill(user, figures[column], unit_code)
    base = figures.get(f"{column}@base")
    out["baseline"] = _drill(user, base, unit_code) if base else None
    return out


def _preview_allowed(user: Any, config: dict) -> Unit | None:
    """None when the user sees the whole preview; their unit when only their own row."""
    _require_rankings(user)
    if _sees_all(user):
        return None
    own_unit = config.get("preview") == "own_unit"
    if own_unit and getattr(user, "scope", None) == Scope.UNIT and user.unit_id:
        return user.unit
    raise PermissionDenied("竞赛榜发布前仅市级可见")


def ranking_preview(
    *, user: Any, scheme: RankingScheme | str, quarter: str, drilldown_records: bool = True
) -> dict[str, Any]:
    """A quarter computed now from live records (not published, no hash) as the user may see it.

    Same shape as `ranking_published` without hash and publication fields, plus ``"figures"``
    (the drill-down inputs, only the user's own unit's for a county user).
    """
    version = scheme_version_of(_scheme_or_default(scheme) or scheme)
    own = _preview_allowed(user, version.config)
    computation = compute_quarter(version, quarter, drilldown=drilldown_records)
    results, inputs = computation.results, computation.inputs
    figures = inputs["figures"]
    tracks = results["tracks"]
    if own is not None:
        tracks = [
            {"name": t["name"], "units": [r for r in t["units"] if r["unit"] == own.code]}
            for t in tracks
        ]
        tracks = [t for t in tracks if t["units"]]
        figures = {
            key: {**fig, "units": {c: v for c, v in fig["units"].items() if c == own.code}}
            for key, fig in figures.items()
        }
    return {
        "scheme": results["scheme"],
        "quarter": results["quarter"],
        "period": results["period"],
        "title": results.get("title", ""),
        "columns": results["columns"],
        "tracks": tracks,
        "figures": figures,
        "published": RankingSnapshot.objects.filter(
            scheme=version.scheme, quarter=results["quarter"]
        ).exists(),
    }


def period_closes(*, user: Any) -> QuerySet:
    """Closes and reopens, newest period first (who, when, why)."""
    return PeriodClose.objects.restrict(user, "view").order_by("-start", "-closed_at")
