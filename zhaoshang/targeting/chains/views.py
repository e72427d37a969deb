"""Chain pages under /chains/ (namespace "industries", kept from when they lived with the
taxonomy): the chain list, the chain map with its node panel, and the city's editing dialogs
(nodes, edges, thresholds).

Views only translate HTTP: reads through `selectors`, writes through the services (the chain
graph's in `industries.services`, the thresholds' in `services`). A role without
the model permission gets 403 (also on GET of an editing dialog); an unknown record 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import (
    apply_service_errors,
    done,
    is_partial,
    require_model_permission,
    submitted,
)
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.enterprises.models import Enterprise, TargetEntry
from zhaoshang.industries import services as chain_services
from zhaoshang.industries.models import ChainEdge, ChainNode, Stream
from zhaoshang.projects.models import Project

from .. import selectors as targeting_selectors
from ..models import GapKind, GapThresholds
from . import selectors, services
from .forms import ChainEdgeForm, ChainNodeForm, GapThresholdsForm

# How the map draws a gap kind: border colour and symbol (the fill colour is local strength).
GAP_STYLE: dict[str, dict[str, str]] = {
    GapKind.BUILD: {"color": "#6f42c1", "symbol": "rect", "css": "gap-build"},
    GapKind.EXTEND: {"color": "#fd7e14", "symbol": "diamond", "css": "gap-extend"},
    GapKind.FILL: {"color": "#dc3545", "symbol": "triangle", "css": "gap-fill"},
    GapKind.STRENGTHEN: {"color": "#d39e00", "symbol": "roundRect", "css": "gap-strengthen"},
    GapKind.STRONG: {"color": "#198754", "symbol": "circle", "css": "gap-strong"},
}
# Fill colour by number of local enterprises: none, below 强链, below 延链 anchor, anchor.
STRENGTH_COLORS = ("#f8f9fa", "#c6dbef", "#6baed6", "#2171b5")
ROW_HEIGHT = 78  # pixels per node in the tallest column
PANEL_LIMIT = 50

# --- shared helpers -------------------------------------------------------------------------


def _dialog(
    request: HttpRequest, template: str, context: dict[str, Any], *, title: str, back_url: str
) -> HttpResponse:
    """A chain-editing dialog, under the chain list and the context's direction."""
    trail = [("产业链图谱", reverse("industries:list"))]
    if direction := context.get("direction"):
        trail.append((direction.name, reverse("industries:map", args=[direction.pk])))
    return htmx.render_dialog(
        request, template, context, title=title, back_url=back_url, breadcrumbs=trail
    )


def _map_url(direction_id: int, node_id: int | None = None) -> str:
    url = reverse("industries:map", args=[direction_id])
    return f"{url}?node={node_id}" if node_id else url


def _edit_permissions(user: Any) -> dict[str, bool]:
    return {
        "can_add_node": has_model_permission(user, "add", ChainNode),
        "can_change_node": has_model_permission(user, "change", ChainNode),
        "can_delete_node": has_model_permission(user, "delete", ChainNode),
        "can_add_edge": has_model_permission(user, "add", ChainEdge),
        "can_delete_edge": has_model_permission(user, "delete", ChainEdge),
        "can_change_thresholds": has_model_permission(user, "change", GapThresholds),
    }


def _strength_level(local: int, th: GapThresholds) -> int:
    if local <= 0:
        return 0
    if local < th.strengthen_below:
        return 1
    if local < th.strong_min_enterprises:
        return 2
    return 3


def strength_legend(th: GapThresholds) -> list[tuple[str, str]]:
    """(colour, meaning) of each fill colour, with the thresholds in force."""
    return [
        (STRENGTH_COLORS[0], "无本地企业"),
        (STRENGTH_COLORS[1], f"少于 {th.strengthen_below} 家"),
        (STRENGTH_COLORS[2], f"{th.strengthen_below} 至 {th.strong_min_enterprises - 1} 家"),
        (STRENGTH_COLORS[3], f"{th.strong_min_enterprises} 家及以上"),
    ]


def _symbol_size(output: Decimal) -> int:
    """18 px without output, growing with the order of magnitude of the output (万元)."""
    digits = len(str(int(output))) if output and output > 0 else 0
    return 18 + min(digits, 8) * 2


def chart_payload(analysis: selectors.ChainAnalysis) -> dict[str, Any]:
    """What the ECharts graph needs: nodes in three columns, edges, one category per gap kind."""
    columns: dict[str, list[selectors.NodeGap]] = {s: [] for s in Stream.values}
    for g in analysis.nodes:
        columns.setdefault(g.node.stream, []).append(g)
    tallest = max((len(c) for c in columns.values()), default=0)
    kinds = list(GapKind)
    nodes = []
    for col, stream in enumerate(Stream.values):
        items = columns.get(stream, [])
        offset = (tallest - len(items)) / 2
        for row, g in enumerate(items):
            style = GAP_STYLE[g.gap]
            nodes.append(
                {
                    "id": str(g.node.pk),
                    "name": g.node.name,
                    # column (0 upstream … 2 downstream) and row; the page turns them into
                    # pixels so that the graph is not stretched (see chain_map.html)
                    "col": col,
                    "row": row + offset,
                    "category": kinds.index(GapKind(g.gap)),
                    "symbol": style["symbol"],
                    "symbolSize": _symbol_size(g.local_output_wan),
                    "itemStyle": {
                        "color": STRENGTH_COLORS[
                            _strength_level(g.local_enterprises, analysis.thresholds)
                        ],
                        "borderColor": style["color"],
                        "borderWidth": 3,
                    },
                    "gap": g.gap,
                    "gapLabel": g.gap_label,
                    "gapColor": style["color"],
                    "local": g.local_enterprises,
                    "output": f"{g.local_output_wan:.2f}",
                    "projects": g.pipeline_projects,
                    "reason": g.reason,
                    "url": reverse("industries:node", args=[g.node.pk]),
                }
            )
    links = [{"source": str(e.source_id), "target": str(e.target_id)} for e in analysis.edges]
    categories = [
        {
            "name": kind.label,
            "symbol": GAP_STYLE[kind]["symbol"],
            "itemStyle": {
                "color": "#ffffff",
                "borderColor": GAP_STYLE[kind]["color"],
                "borderWidth": 3,
            },
        }
        for kind in kinds
    ]
    return {
        "nodes": nodes,
        "links": links,
        "categories": categories,
        "rows": tallest,
        "height": max(360, tallest * ROW_HEIGHT + 90),
    }


# --- pages ----------------------------------------------------------------------------------


@login_required
@require_GET
def chain_list(request: HttpRequest) -> HttpResponse:
    """产业链图谱：按产业列出各细分方向的产业链及缺链情况。"""
    require_model_permission(request.user, "view", ChainNode)
    context = {
        "groups": selectors.chains_by_industry(user=request.user),
        "thresholds": selectors.thresholds_current(),
        "gap_kinds": [(k.value, k.label, GAP_STYLE[k]["css"]) for k in GapKind],
        **_edit_permissions(request.user),
    }
    return render(request, "targeting/chains/chain_list.html", context)


@login_required
@require_GET
def chain_map(request: HttpRequest, pk: int) -> HttpResponse:
    """一条产业链的图谱：上中下游三列，颜色为本地实力，形状和边框为缺链类型。"""
    require_model_permission(request.user, "view", ChainNode)
    direction = selectors.direction_get(user=request.user, pk=pk)
    analysis = selectors.gap_analysis(
        direction, projects=Project.objects.restrict(request.user, "view")
    )
    selected = None
    node_param = request.GET.get("node", "")
    if node_param.isdigit():
        selected = next((g for g in analysis.nodes if g.node.pk == int(node_param)), None)
    context = {
        "direction": direction,
        "analysis": analysis,
        "chart": chart_payload(analysis),
        "streams": Stream.choices,
        "strength_legend": strength_legend(analysis.thresholds),
        "gap_legend": [
            (k.label, GAP_STYLE[k]["color"], GAP_STYLE[k]["css"], _GAP_HELP[k]) for k in GapKind
        ],
        "selected": selected,
        **_edit_permissions(request.user),
    }
    if selected is not None:
        context.update(_panel_context(request, selected, analysis))
    return render(request, "targeting/chains/chain_map.html", context)


_GAP_HELP = {
    GapKind.BUILD: "整条链本地基础薄弱，需整链引进",
    GapKind.EXTEND: "优势环节的直接下游缺失，可顺链延伸",
    GapKind.FILL: "缺失或企业过少的环节",
    GapKind.STRENGTHEN: "已有企业但数量或产值不足",
    GapKind.STRONG: "本地企业数量和产值均达标",
}


def _next_step(user: Any, gap: selectors.NodeGap) -> dict[str, Any]:
    """A gap node with nothing to push (no candidate, or all already in a project or pushed)
    points on: the enterprise library searched by the node's keywords, a new key target."""
    if gap.gap not in targeting_selectors.GAP_KINDS:
        return {"next_step": None}
    step = targeting_selectors.node_next_step(user=user, node=gap.node)
    search = reverse("enterprises:list")
    return {
        "next_step": step,
        "search_links": [(w, f"{search}?{urlencode({'q': w})}") for w in step.keywords]
        if step and has_model_permission(user, "view", Enterprise)
        else [],
        "target_create_url": reverse("enterprises:target-create")
        + f"?{urlencode({'direction': gap.node.direction_id, 'node': gap.node.pk})}"
        if has_model_permission(user, "add", TargetEntry)
        else "",
    }


def _panel_context(
    request: HttpRequest, gap: selectors.NodeGap, analysis: selectors.ChainAnalysis
) -> dict[str, Any]:
    user, node, th = request.user, gap.node, analysis.thresholds
    by_id = analysis.by_node_id()
    edges_in = [e for e in analysis.edges if e.target_id == node.pk]
    edges_out = [e for e in analysis.edges if e.source_id == node.pk]
    can_view_enterprises = has_model_permission(user, "view", Enterprise)
    local = selectors.node_local_enterprises(node, th) if can_view_enterprises else None
    outside = selectors.node_outside_enterprises(node, th) if can_view_enterprises else None
    projects = selectors.node_projects(user=user, node=node, thresholds=th)
    return {
        "node": node,
        "gap": gap,
        "gap_css": GAP_STYLE[gap.gap]["css"],
        "suppliers": [(e, by_id[e.source_id]) for e in edges_in if e.source_id in by_id],
        "customers": [(e, by_id[e.target_id]) for e in edges_out if e.target_id in by_id],
        "can_view_enterprises": can_view_enterprises,
        "local_enterprises": local[:PANEL_LIMIT] if local is not None else [],
        "local_total": gap.local_enterprises,
        "outside_enterprises": outside[:20] if outside is not None else [],
        "outside_total": outside.count() if outside is not None else 0,
        "target_entries": list(selectors.node_target_entries(user=user, node=node)[:PANEL_LIMIT])
        if has_model_permission(user, "view", TargetEntry)
        else [],
        "can_view_projects": has_model_permission(user, "view", Project),
        "projects": list(projects[:PANEL_LIMIT]),
        "recommendations_url": f"/targeting/?node={node.pk}",
        **_next_step(user, gap),
        **_edit_permissions(user),
    }


@login_required
@require_GET
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """环节详情：本地企业、目标企业、项目和招商推荐入口（图谱侧栏，或独立页面）。"""
    require_model_permission(request.user, "view", ChainNode)
    node = selectors.node_get(user=request.user, pk=pk)
    analysis = selectors.gap_analysis(
        node.direction, projects=Project.objects.restrict(request.user, "view")
    )
    gap = analysis.by_node_id()[node.pk]
    context = {"direction": node.direction, **_panel_context(request, gap, analysis)}
    if is_partial(request, "node-panel"):
        response = render(request, "targeting/chains/partials/node_panel.html", context)
    else:
        response = render(request, "targeting/chains/node_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- editing (the city) ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    """新增产业链环节。"""
    require_model_permission(request.user, "add", ChainNode)
    direction = selectors.direction_get(user=request.user, pk=pk)
    back = _map_url(direction.pk)
    initial = {"stream": request.GET.get("stream") or Stream.MIDSTREAM, "sort_order": 0}
    form = ChainNodeForm(request.POST or None, initial=initial)

    if request.method == "POST" and form.is_valid():
        try:
            node = chain_services.chain_node_create(
                actor=request.user, direction=direction, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # Back to the map with the new node selected: the URL needs the node.
            messages.success(request, f"已新增环节“{node.name}”")
            return done(request, _map_url(direction.pk, node.pk))
    return _dialog(
        request,
        "targeting/chains/dialogs/node_form.html",
        {"form": form, "direction": direction},
        title=f"新增环节：{direction.name}",
        back_url=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改产业链环节。"""
    require_model_permission(request.user, "change", ChainNode)
    node = selectors.node_get(user=request.user, pk=pk, action="change")
    back = _map_url(node.direction_id, node.pk)
    form = ChainNodeForm(
        request.POST or None, initial=ChainNodeForm.initial_for(node), version=version_of(node)
    )

    def write() -> str:
        saved = chain_services.chain_node_update(actor=request.user, node=node, **form.cleaned_data)
        return f"环节“{saved.name}”已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return _dialog(
        request,
        "targeting/chains/dialogs/node_form.html",
        {"form": form, "direction": node.direction, "node": node},
        title=f"修改环节：{node.name}",
        back_url=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """删除产业链环节（连同其上下游关系）。"""
    require_model_permission(request.user, "delete", ChainNode)
    node = selectors.node_get(user=request.user, pk=pk, action="delete")
    direction = node.direction
    form = forms.Form(request.POST if request.method == "POST" else None)

    def write() -> str:
        chain_services.chain_node_delete(actor=request.user, node=node)
        return f"已删除环节“{node.name}”"

    if response := submitted(request, form, write, back_url=_map_url(direction.pk)):
        return response
    edge_count = ChainEdge.objects.filter(models.Q(source=node) | models.Q(target=node)).count()
    return _dialog(
        request,
        "targeting/chains/dialogs/node_delete.html",
        {"form": form, "node": node, "direction": direction, "edge_count": edge_count},
        title=f"删除环节：{node.name}",
        back_url=_map_url(direction.pk, node.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edge_create(request: HttpRequest, pk: int) -> HttpResponse:
    """新增上下游关系（供给方 → 需求方）。"""
    require_model_permission(request.user, "add", ChainEdge)
    direction = selectors.direction_get(user=request.user, pk=pk)
    initial = {}
    for name in ("source", "target"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    form = ChainEdgeForm(request.POST or None, initial=initial, direction=direction)
    back = _map_url(direction.pk)

    def write() -> str:
        edge = chain_services.chain_edge_add(actor=request.user, **form.cleaned_data)
        return f"已新增关系“{edge.source.name} → {edge.target.name}”"

    if response := submitted(request, form, write, back_url=back):
        return response
    return _dialog(
        request,
        "targeting/chains/dialogs/edge_form.html",
        {"form": form, "direction": direction},
        title=f"新增上下游关系：{direction.name}",
        back_url=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edge_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """删除上下游关系。"""
    require_model_permission(request.user, "delete", ChainEdge)
    edge = get_object_or_404(
        ChainEdge.objects.restrict(request.user, "delete").select_related(
            "source__direction__industry", "target"
        ),
        pk=pk,
    )
    direction = edge.source.direction
    form = forms.Form(request.POST if request.method == "POST" else None)
    back = _map_url(direction.pk, edge.source_id)
    if request.method == "POST" and form.is_valid():
        label = f"{edge.source.name} → {edge.target.name}"
        chain_services.chain_edge_remove(actor=request.user, edge=edge)
        messages.success(request, f"已删除关系“{label}”")
        return done(request, back)
    return _dialog(
        request,
        "targeting/chains/dialogs/edge_delete.html",
        {"form": form, "edge": edge, "direction": direction},
        title="删除上下游关系",
        back_url=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest) -> HttpResponse:
    """修改缺链分析阈值（补链、强链、延链、建链的判定标准）。"""
    require_model_permission(request.user, "change", GapThresholds)
    current = selectors.thresholds_current()
    back = request.GET.get("next") or request.POST.get("next") or reverse("industries:list")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("industries:list")
    form = GapThresholdsForm(request.POST or None, instance=current, version=version_of(current))

    def write() -> str:
        values = {name: form.cleaned_data[name] for name in services.THRESHOLD_FIELDS}
        services.gap_thresholds_update(
            actor=request.user, version=form.cleaned_data["version"], **values
        )
        return "缺链分析阈值已保存，图谱已按新阈值重新计算"

    if response := submitted(request, form, write, back_url=back):
        return response
    return _dialog(
        request,
        "targeting/chains/dialogs/thresholds.html",
        {"form": form, "next": back},
        title="缺链分析阈值",
        back_url=back,
    )
