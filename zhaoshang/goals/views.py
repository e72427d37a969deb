"""Pages of the goals app: the cockpit (驾驶舱) and its wall display (大屏), a unit's dashboard, a
leader's view, the records behind an indicator, and the quarterly ranking (竞赛榜) with its
drill-down, Excel and PDF, publishing and closing periods.

Thin, like the project pages: each view checks the model permission (403 without it), finds what
was asked for within the user's scope (404 outside it) and calls goals.dashboards (reads, from
goals.selectors) or goals.services (writes). Every download writes an ``export`` audit entry.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.accounts.roles import Role
from zhaoshang.core import audit, closing
from zhaoshang.core.models import AuditAction, PeriodClose
from zhaoshang.core.periods import parse_period, statistics_year
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.projects.models import Project

from . import dashboards, exports, ranking_check, selectors, services
from .indicators import INDICATORS
from .models import Goal, RankingScheme, RankingSnapshot
from .ranking import parse_quarter

RECORDS_PAGE = 100
REFRESH_DEFAULT, REFRESH_MIN, REFRESH_MAX = 60, 15, 3600


def _require(user: Any, action: str, model: Any) -> None:
    if not has_model_permission(user, action, model):
        raise PermissionDenied("您的角色没有此项操作权限")


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    """The year asked for (?year=), else the city's statistics year; the years offered."""
    years = dashboards.years_offered()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if year not in years:
        year = dashboards.default_year()
    return year, years


def _export_audit(request: HttpRequest, what: str, obj: Any = None, **params: Any) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=obj,
        note=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
        object_repr=what,
    )


def _own_unit_redirect(request: HttpRequest) -> HttpResponse | None:
    """A unit's user opening the cockpit goes to their unit's dashboard (the only one they see)."""
    user = request.user
    if user.scope == Scope.ALL:
        return None
    if user.scope == Scope.UNIT and user.unit_id:
        url = reverse("goals:unit", args=[user.unit.code])
        year = request.GET.get("year")
        return redirect(f"{url}?year={year}" if year else url)
    raise PermissionDenied("驾驶舱仅对市级和县市区用户开放")


# --- cockpit ------------------------------------------------------------------------------------


def _cockpit_context(request: HttpRequest) -> dict[str, Any]:
    year, years = _year(request)
    page = dashboards.cockpit(user=request.user, year=year, indicator=request.GET.get("indicator"))
    return {
        "year": year,
        "years": years,
        "page": page,
        "data": page["data"],
        "tables": page["tables"],
        "charts": page["charts"],
        "map": page["map"],
        "map_indicators": dashboards.map_indicators(),
        "map_features": _map_features(),
        "now": timezone.localtime(),
        "year_query": f"?year={year}",
        "latest_ranking_url": _latest_ranking_url(page["data"]["latest_ranking"]),
    }


def _latest_ranking_url(latest: dict[str, Any] | None) -> str:
    if not latest:
        return ""
    url = reverse("goals:ranking", args=[latest["quarter"]])
    return f"{url}?scheme={latest['scheme']['code']}"


def _map_features() -> dict[str, dict[str, str]]:
    """GeoJSON feature id → today's unit (name, code), for naming the polygons in the browser."""
    from zhaoshang.accounts.models import Unit

    names = dict(
        Unit.objects.filter(
            code__in=[code for _, code in dashboards.MAP_FEATURES.values()]
        ).values_list("code", "name")
    )
    return {
        fid: {"unit": code, "name": names.get(code, feature_name)}
        for fid, (feature_name, code) in dashboards.MAP_FEATURES.items()
    }


@login_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    """全市招商驾驶舱：目标仪表、逐月到位资金、项目漏斗、产业与单位分布、地图、竞赛榜、滞后项目。"""
    _require(request.user, "view", Goal)
    other = _own_unit_redirect(request)
    if other is not None:
        return other
    return render(request, "goals/cockpit.html", _cockpit_context(request))


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """大屏模式: the cockpit for a wall display (dark, no navigation, refreshes itself)."""
    _require(request.user, "view", Goal)
    other = _own_unit_redirect(request)
    if other is not None:
        return other
    try:
        refresh = int(request.GET.get("refresh", REFRESH_DEFAULT))
    except ValueError:
        refresh = REFRESH_DEFAULT
    context = _cockpit_context(request)
    context["refresh"] = min(max(refresh, REFRESH_MIN), REFRESH_MAX)
    response = render(request, "goals/screen.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def cockpit_map(request: HttpRequest) -> HttpResponse:
    """The map panel for another indicator (htmx swaps it in; without JS the form reloads the
    whole cockpit instead)."""
    _require(request.user, "view", Goal)
    if request.user.scope != Scope.ALL:
        raise PermissionDenied("地图仅对市级用户开放")
    year, _ = _year(request)
    panel = dashboards.map_panel(
        user=request.user, year=year, indicator=request.GET.get("indicator")
    )
    return render(
        request,
        "goals/partials/map_panel.html",
        {"map": panel, "year": year, "map_features": _map_features()},
    )


@login_required
@require_GET
def cockpit_table(request: HttpRequest, key: str) -> HttpResponse:
    """Excel of one table behind the cockpit's charts (``all``: every table, one sheet each)."""
    _require(request.user, "view", Goal)
    if request.user.scope != Scope.ALL:
        raise Http404
    year, _ = _year(request)
    indicator = request.GET.get("indicator")
    page = dashboards.cockpit(user=request.user, year=year, indicator=indicator)
    tables = page["tables"]
    if key != "all" and key not in tables:
        raise Http404
    chosen = list(tables.values()) if key == "all" else [tables[key]]
    content = exports.tables_workbook(chosen, source=f"聊城市招商驾驶舱（{year}年）")
    name = "驾驶舱" if key == "all" else chosen[0].title
    _export_audit(
        request, f"驾驶舱数据导出：{name}", table=key, year=year, indicator=indicator or ""
    )
    return exports.xlsx(content, f"{name}_{timezone.localdate():%Y%m%d}.xlsx")


# --- a unit's dashboard -------------------------------------------------------------------------


def _unit_or_404(request: HttpRequest, code: str):
    unit = dashboards.unit_for(user=request.user, code=code)
    if unit is None:
        raise Http404("没有这个单位，或不在您的数据范围内")
    return unit


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """单位看板：本单位的目标与时序差距、竞赛榜名次、项目阶段、逐月到位资金、滞后重点项目。"""
    _require(request.user, "view", Goal)
    unit = _unit_or_404(request, code)
    year, years = _year(request)
    page = dashboards.unit_page(user=request.user, unit=unit, year=year)
    return render(
        request,
        "goals/unit_dashboard.html",
        {
            "year": year,
            "years": years,
            "page": page,
            "unit": unit,
            "tables": page["tables"],
            "charts": page["charts"],
            "is_city": request.user.scope == Scope.ALL,
            "year_query": f"?year={year}",
        },
    )


@login_required
@require_GET
def unit_table(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """Excel of one table of a unit's dashboard (``all``: every table)."""
    _require(request.user, "view", Goal)
    unit = _unit_or_404(request, code)
    year, _ = _year(request)
    tables = dashboards.unit_page(user=request.user, unit=unit, year=year)["tables"]
    if key != "all" and key not in tables:
        raise Http404
    chosen = list(tables.values()) if key == "all" else [tables[key]]
    name = f"{unit.short_name}看板" if key == "all" else f"{unit.short_name}{chosen[0].title}"
    content = exports.tables_workbook(chosen, source=f"{unit.name}看板（{year}年）")
    _export_audit(request, f"单位看板数据导出：{name}", unit=unit.code, table=key, year=year)
    return exports.xlsx(content, f"{name}_{timezone.localdate():%Y%m%d}.xlsx")


# --- a leader's view ----------------------------------------------------------------------------


@login_required
@require_GET
def leader(request: HttpRequest) -> HttpResponse:
    """领导视图：我包帮的项目、负责范围内的重点项目、逾期未完成的推进节点。"""
    _require(request.user, "view", Project)
    page = dashboards.leader_page(user=request.user)
    return render(
        request,
        "goals/leader.html",
        {"page": page, "is_leader": request.user.role == Role.LEADER},
    )


# --- the records behind an indicator ------------------------------------------------------------


@login_required
@require_GET
def indicator_records(request: HttpRequest, key: str) -> HttpResponse:
    """The records an indicator counts for a unit (or the city) and period, within the scope."""
    _require(request.user, "view", Goal)
    if key not in INDICATORS:
        raise Http404
    if INDICATORS[key].detail_url:  # a figure with a page of its own (the service figures)
        query = {k: request.GET[k] for k in ("period", "unit") if request.GET.get(k)}
        target = reverse(INDICATORS[key].detail_url)
        return redirect(f"{target}?{urlencode(query)}" if query else target)
    unit_code = request.GET.get("unit") or None
    if unit_code and dashboards.unit_for(user=request.user, code=unit_code) is None:
        raise Http404
    if unit_code is None and request.user.scope != Scope.ALL:
        unit_code = request.user.unit.code if request.user.unit_id else None
        if unit_code is None:
            raise Http404
    try:
        period = parse_period(request.GET.get("period") or str(dashboards.default_year()))
        value = selectors.indicator_value(
            user=request.user, key=key, unit_code=unit_code, period=period
        )
        records = selectors.indicator_records(
            user=request.user, key=key, unit_code=unit_code, period=period
        )
    except ValidationError as exc:
        return render(
            request,
            "goals/indicator_records.html",
            {"error": "；".join(exc.messages), "indicator": INDICATORS[key]},
            status=400,
        )
    indicator = INDICATORS[key]
    ordering = ("-period", "id") if indicator.source == "funds" else ("-total_investment_wan", "id")
    page = Paginator(records.order_by(*ordering), RECORDS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "goals/indicator_records.html",
        {
            "indicator": indicator,
            "value": value,
            "period": period,
            "page": page,
            "is_funds": indicator.source == "funds",
            "unit_code": unit_code or "",
        },
    )


# --- the ranking (竞赛榜) ------------------------------------------------------------------------


def _scheme(request: HttpRequest) -> RankingScheme | None:
    try:
        return dashboards.scheme_for(request.GET.get("scheme") or request.POST.get("scheme"))
    except ValidationError as exc:
        raise Http404(str(exc)) from exc


def _quarter_or_404(quarter: str) -> str:
    try:
        return parse_quarter(quarter).label
    except ValidationError as exc:
        raise Http404("季度格式应为 2024Q1") from exc


def _ranking_url(quarter: str, scheme: RankingScheme | None, **extra: str) -> str:
    url = reverse("goals:ranking", args=[quarter])
    params = {"scheme": scheme.code} if scheme else {}
    params.update(extra)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}?{query}" if query else url


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    """竞赛榜 entry: the newest quarter of the scheme (published first)."""
    _require(request.user, "view", RankingSnapshot)
    scheme = _scheme(request)
    if scheme is not None and request.GET.get("quarter"):  # the selector's form without JS
        return redirect(_ranking_url(_quarter_or_404(request.GET["quarter"]), scheme))
    if scheme is not None:
        quarters = dashboards.quarters_for(user=request.user, scheme=scheme)
        chosen = next((q for q in quarters if q["published"]), quarters[0] if quarters else None)
        if chosen is not None:
            return redirect(_ranking_url(chosen["quarter"], scheme))
    return render(
        request,
        "goals/ranking.html",
        {"scheme": scheme, "schemes": dashboards.schemes(), "quarters": [], "page": None},
    )


@login_required
@require_GET
def ranking(request: HttpRequest, quarter: str) -> HttpResponse:
    """One quarter's ranking, a table per track, every number linked to its records."""
    _require(request.user, "view", RankingSnapshot)
    quarter = _quarter_or_404(quarter)
    scheme = _scheme(request)
    if scheme is None:
        return redirect("goals:rankings")
    page = dashboards.ranking_page(
        user=request.user, quarter=quarter, scheme=scheme, draft=request.GET.get("draft") == "1"
    )
    user = request.user
    context = {
        "scheme": scheme,
        "schemes": dashboards.schemes(),
        "quarters": dashboards.quarters_for(user=user, scheme=scheme),
        "page": page,
        "tracks": dashboards.ranking_cells(page["ranking"]) if page["ranking"] else [],
        "can_publish": user.has_perm("goals.publish_rankingsnapshot")
        and has_model_permission(user, "add", RankingSnapshot),
        "can_close": has_model_permission(user, "add", PeriodClose),
        "can_reopen": has_model_permission(user, "change", PeriodClose),
        "quarter_finished": page["period"].end_exclusive <= timezone.localdate(),
        "verify_command": f"python manage.py verify_ranking {quarter} --scheme {scheme.code}",
        "notice_title": dashboards.notice_title(quarter),
    }
    return render(request, "goals/ranking.html", context)


@login_required
@require_GET
def ranking_drill(request: HttpRequest, quarter: str) -> HttpResponse:
    """The records behind one number of the ranking (frozen once published)."""
    _require(request.user, "view", RankingSnapshot)
    quarter = _quarter_or_404(quarter)
    scheme = _scheme(request)
    column, unit_code = request.GET.get("column", ""), request.GET.get("unit", "")
    if scheme is None or not column or not unit_code:
        raise Http404
    try:
        drill = dashboards.ranking_drill(
            user=request.user, quarter=quarter, scheme=scheme, column=column, unit_code=unit_code
        )
    except (PermissionDenied, ValidationError) as exc:
        raise Http404(str(exc)) from exc
    if drill is None:
        raise Http404("该数字不在您可查看的范围内")
    version = scheme.current
    labels = {
        e["id"]: e["label"]
        for e in [
            *(version.config["indicators"] if version else []),
            *(version.config["bonuses"] if version else []),
            *(version.config["deductions"] if version else []),
        ]
    }
    return render(
        request,
        "goals/ranking_drill.html",
        {
            "drill": drill,
            "scheme": scheme,
            "quarter": quarter,
            "title": dashboards.quarter_title(quarter),
            "column_label": labels.get(column, column),
            "back_url": _ranking_url(
                quarter, scheme, **({} if drill["published"] else {"draft": "1"})
            ),
        },
    )


def _published_or_404(request: HttpRequest, quarter: str) -> tuple[RankingSnapshot, dict]:
    _require(request.user, "view", RankingSnapshot)
    quarter = _quarter_or_404(quarter)
    scheme = _scheme(request)
    snapshot = selectors.snapshot_get(user=request.user, quarter=quarter, scheme=scheme)
    if snapshot is None:
        raise Http404("该季度竞赛榜尚未发布")
    return snapshot, selectors.snapshot_summary(snapshot)


@login_required
@require_GET
def ranking_xlsx(request: HttpRequest, quarter: str) -> HttpResponse:
    """A published ranking as Excel (one sheet per track, and its hash)."""
    snapshot, data = _published_or_404(request, quarter)
    content = exports.ranking_workbook(data)
    title = dashboards.notice_title(data["quarter"])
    _export_audit(
        request, f"竞赛榜导出（Excel）：{title}", snapshot, format="xlsx", sha256=snapshot.sha256
    )
    return exports.xlsx(content, f"{title}.xlsx")


@login_required
@require_GET
def ranking_pdf(request: HttpRequest, quarter: str) -> HttpResponse:
    """A published ranking as a printable notice (PDF)."""
    snapshot, data = _published_or_404(request, quarter)
    content = exports.ranking_pdf(data)
    title = dashboards.notice_title(data["quarter"])
    _export_audit(
        request, f"竞赛榜导出（PDF）：{title}", snapshot, format="pdf", sha256=snapshot.sha256
    )
    return exports.pdf(content, f"{title}.pdf")


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def ranking_publish(request: HttpRequest, quarter: str) -> HttpResponse:
    """Publish (freeze) a finished quarter of a scheme."""
    _require(request.user, "add", RankingSnapshot)
    if not request.user.has_perm("goals.publish_rankingsnapshot"):
        raise PermissionDenied("没有发布竞赛榜的权限")
    quarter = _quarter_or_404(quarter)
    scheme = _scheme(request)
    if scheme is None:
        raise Http404
    try:
        snapshot = services.snapshot_publish(
            actor=request.user,
            scheme=scheme,
            quarter=quarter,
            note=request.POST.get("note", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, "发布失败：" + "；".join(exc.messages))
        return redirect(_ranking_url(quarter, scheme, draft="1"))
    messages.success(
        request,
        f"已发布{dashboards.quarter_title(quarter)}竞赛榜，SHA-256：{snapshot.sha256}",
    )
    return redirect(_ranking_url(quarter, scheme))


# --- closing periods ----------------------------------------------------------------------------


@login_required
@require_GET
def periods(request: HttpRequest) -> HttpResponse:
    """关账记录: which periods are closed, by whom, and every reopen with its reason."""
    _require(request.user, "view", PeriodClose)
    closes = Paginator(selectors.period_closes(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    can_close = has_model_permission(request.user, "add", PeriodClose)
    # 关账 asks first: the form sends the period here (a read), the page names it and what
    # closing it means, and only the confirmation's POST closes it.
    confirm, close_error = None, ""
    asked = request.GET.get("close", "").strip() if can_close else ""
    if asked:
        try:
            confirm = closing.closable(asked)
        except ValidationError as exc:
            close_error = "；".join(exc.messages)
    return render(
        request,
        "goals/periods.html",
        {
            "page": closes,
            "can_close": can_close,
            "can_reopen": has_model_permission(request.user, "change", PeriodClose),
            "confirm": confirm,
            "asked": asked,
            "note": request.GET.get("note", "").strip()[:300],
            "close_error": close_error,
            "statistics_year": statistics_year(),
        },
    )


@login_required
@require_POST
def statistics_year_update(request: HttpRequest) -> HttpResponse:
    """Set the city's statistics year (统计年度): the year every page opens on."""
    _require(request.user, "change", PeriodClose)
    try:
        setting = closing.statistics_year_set(actor=request.user, year=request.POST.get("year", ""))
    except ValidationError as exc:
        messages.error(request, "设置失败：" + "；".join(exc.messages))
    else:
        messages.success(request, f"统计年度已设为 {setting.year} 年，各页面默认显示该年度")
    return _back(request, reverse("goals:periods"))


@login_required
@require_POST
def period_close(request: HttpRequest) -> HttpResponse:
    _require(request.user, "add", PeriodClose)
    label = request.POST.get("period", "").strip()
    try:
        close = closing.period_close(
            actor=request.user, period=label, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "关账失败：" + "；".join(exc.messages))
    else:
        messages.success(request, f"{close.period.display}已关账")
    return _back(request, reverse("goals:periods"))


@login_required
@require_POST
def period_reopen(request: HttpRequest) -> HttpResponse:
    _require(request.user, "change", PeriodClose)
    label = request.POST.get("period", "").strip()
    try:
        close = closing.period_reopen(
            actor=request.user, period=label, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "重新开放失败：" + "；".join(exc.messages))
    else:
        messages.success(request, f"{close.period.display}已重新开放，理由：{close.reason}")
    return _back(request, reverse("goals:periods"))


# --- 核验 of a published ranking, in the app ------------------------------------------------------


@login_required
@require_POST
def ranking_verify(request: HttpRequest, quarter: str) -> HttpResponse:
    """Run the 核验 of a published quarter (read-only) and show its result: a dialog over the
    ranking page (htmx), or a page of its own without JavaScript."""
    _require(request.user, "view", RankingSnapshot)
    quarter = _quarter_or_404(quarter)
    scheme = _scheme(request)
    snapshot = (
        RankingSnapshot.objects.restrict(request.user, "view")
        .filter(quarter=quarter, scheme=scheme)
        .select_related("scheme", "scheme_version")
        .first()
    )
    if scheme is None or snapshot is None:
        raise Http404("该季度没有已发布的竞赛榜")
    context = {
        "snapshot": snapshot,
        "report": ranking_check.check_snapshot(snapshot),
        "period": parse_quarter(quarter),
        "ranking_url": _ranking_url(quarter, scheme),
    }
    if getattr(request, "htmx", False):
        return render(request, "goals/partials/ranking_verify_result.html", context)
    return render(request, "goals/ranking_verify.html", context)
