"""Pages of visits (登门拜访): the list with its filters and the planned calendar, the phone-sized
entry form (conflict warnings shown on it with an acknowledgement; a draft kept in the browser),
the detail with 生成线索 / 加入 / 登记为已拜访 / 取消 (POST only), photos, the city's window.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.core import htmx, masking
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.converters import parse_id
from zhaoshang.core.htmx import CountedPaginator, is_partial, require_model_permission, submitted
from zhaoshang.core.permissions import Scope, has_model_permission
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.selectors import enterprises_for, enterprises_matching
from zhaoshang.projects.models import Project

from . import selectors, services
from .forms import CancelForm, CompleteForm, RulesForm, VisitForm, visit_initial
from .models import LeaderLevel, Organisation, Visit, VisitPhoto, VisitRules, VisitStatus

PAGE_SIZE = 20
SEARCH_LIMIT = 20


def _may_write(user: Any) -> bool:
    return has_model_permission(user, "add", Visit)


# --- list and calendar -----------------------------------------------------------------------------


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    """登门拜访：本人范围内的拜访，按单位、月份、成效、外出、带队级别筛选；计划拜访按日排列。"""
    require_model_permission(request.user, "view", Visit)
    filterset = selectors.visits_for(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else Visit.objects.none()
    page = CountedPaginator(rows, PAGE_SIZE, count=rows.count()).get_page(request.GET.get("page"))
    for visit in page:
        level = selectors.leader_level(visit)
        visit.level_label = LeaderLevel(level).label if level and level != LeaderLevel.STAFF else ""
    today = timezone.localdate()
    context = {
        "filterset": filterset,
        "page": page,
        "calendar": selectors.calendar(user=request.user, start=today),
        "today": today,
        "can_add": _may_write(request.user),
    }
    template = (
        "activities/partials/visit_results.html"
        if is_partial(request, "visit-results")
        else "activities/visit_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- the entry form ----------------------------------------------------------------------------------


def _form_context(form: VisitForm, conflicts: list, visit: Visit | None) -> dict[str, Any]:
    return {
        "form": form,
        "visit": visit,
        "selected": form.selected_enterprises(),
        "conflicts": conflicts,
        "joinable": [c for c in conflicts if c.visit_id],
        "rules": VisitRules.current(),
    }


def _save(request: HttpRequest, form: VisitForm, visit: Visit | None) -> tuple[Visit | None, list]:
    """Call the service with the form's values; (the visit, []) or (None, the conflicts)."""
    data = form.cleaned_data
    fields = form.service_fields()
    common = dict(
        participants=form.participants(),
        enterprises=list(data.get("enterprises") or []),
        projects=list(data.get("projects") or []),
        photos=data.get("photos") or [],
        acknowledge_conflicts=bool(data.get("acknowledge_conflicts")),
    )
    org_name = (data.get("organisation_name") or "").strip()
    try:
        if visit is None:
            saved = services.visit_create(
                actor=request.user, status=data["status"], organisation_name=org_name,
                organisation_kind=data.get("organisation_kind") or "",
                organisation_city=data.get("organisation_city") or "", **fields, **common,
            )  # fmt: skip
        else:
            if org_name:
                fields["organisation"] = _organisation_for(visit, data)
            elif visit.organisation_id:
                fields["organisation"] = None
            saved = services.visit_update(
                actor=request.user, visit=visit, version=data.get("version"), **fields, **common
            )
    except ValidationError as exc:
        conflicts = list(getattr(exc, "conflicts", []))
        htmx.apply_service_errors(form, exc)
        if conflicts:  # listed above the checkbox: under it, only what to do
            form.errors["acknowledge_conflicts"] = form.error_class(["请勾选确认后再保存"])
        return None, conflicts
    return saved, []


def _organisation_for(visit: Visit, data: dict[str, Any]) -> Organisation:
    name = data["organisation_name"].strip()
    city = (data.get("organisation_city") or "").strip()
    found = Organisation.objects.filter(name=name, city=city).first()
    if found is None:
        raise ValidationError(
            {"organisation_name": ["修改时请选择已登记的商协会/机构，或新建拜访登记"]}
        )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    """登记拜访（手机可用）：企业从企业库查找；与其他单位的拜访冲突或企业请勿打扰时，须确认后保存。"""
    require_model_permission(request.user, "add", Visit)
    me = getattr(request.user, "display_name", "") or request.user.username
    initial: dict[str, Any] = {"date": timezone.localdate(), "participant_0_name": me}
    if (pk := parse_id(request.GET.get("enterprise"))) is not None:
        initial["enterprises"] = list(enterprises_for(user=request.user).filter(pk=pk))
    if getattr(request.user, "scope", None) == Scope.ALL:
        initial["unit"] = request.user.unit
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user,
                     initial=initial)  # fmt: skip
    conflicts: list = []
    if request.method == "POST" and form.is_valid():
        visit, conflicts = _save(request, form, None)
        if visit is not None:
            messages.success(request, f"拜访已保存：{visit.target_label}")
            return redirect(f"{reverse('activities:visit-detail', args=[visit.pk])}?saved=new")
    return render(request, "activities/visit_form.html", _form_context(form, conflicts, None))


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改拜访：带版本号，他人已修改时不覆盖。"""
    require_model_permission(request.user, "change", Visit)
    visit = selectors.visit_get(user=request.user, pk=pk, action="change")
    if visit.status == VisitStatus.CANCELLED:
        raise PermissionDenied("已取消的拜访不能修改")
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user, visit=visit,
                     initial=visit_initial(visit), version=version_of(visit))  # fmt: skip
    conflicts: list = []
    if request.method == "POST" and form.is_valid():
        saved, conflicts = _save(request, form, visit)
        if saved is not None:
            messages.success(request, f"拜访已修改：{saved.target_label}")
            return redirect(f"{reverse('activities:visit-detail', args=[saved.pk])}?saved=edit")
    return render(request, "activities/visit_form.html", _form_context(form, conflicts, visit))


@login_required
@require_GET
def enterprise_search(request: HttpRequest) -> HttpResponse:
    """Enterprises matching a name or 统一社会信用代码, as checkboxes for the visit form."""
    require_model_permission(request.user, "view", Enterprise)
    query = (request.GET.get("enterprise_q") or "").strip()
    chosen = [pk for v in request.GET.getlist("enterprises") if (pk := parse_id(v)) is not None]
    results: list[Enterprise] = []
    if len(query) >= 2:
        found = enterprises_matching(enterprises_for(user=request.user), query)
        results = list(found.exclude(pk__in=chosen)[:SEARCH_LIMIT])
    return render(
        request,
        "activities/partials/enterprise_options.html",
        {"results": results, "query": query},
    )


# --- detail and steps ---------------------------------------------------------------------------------


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """拜访详情：人员、企业、成效、照片；可生成线索、加入、登记为已拜访或取消。"""
    require_model_permission(request.user, "view", Visit)
    visit = selectors.visit_get(user=request.user, pk=pk)
    user = request.user
    can_change = has_model_permission(user, "change", Visit) and (
        getattr(user, "scope", None) == Scope.ALL or visit.unit_id == user.unit_id
    )
    joined = any(p.user_id == user.pk for p in visit.participants.all())
    context = {
        "visit": visit,
        "level": selectors.leader_level(visit),
        "photos": VisitPhoto.objects.restrict(user, "view").filter(visit=visit),
        "met_phone": masking.mask_phone(visit.met_phone),
        "can_change": can_change and visit.status != VisitStatus.CANCELLED,
        "can_lead": can_change
        and visit.status == VisitStatus.DONE
        and visit.lead_id is None
        and has_model_permission(user, "add", Project),
        "can_join": _may_write(user) and not joined and visit.status != VisitStatus.CANCELLED,
        "version": version_of(visit),
        # The browser's draft of the form just saved, to forget (visit_draft.js).
        "draft_saved": {"new": "visit-draft-new", "edit": f"visit-draft-{visit.pk}"}.get(
            request.GET.get("saved", "")
        ),
    }
    return render(request, "activities/visit_detail.html", context)


@login_required
@require_POST
def visit_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """生成线索（POST）：以此次拜访的企业为投资方，在本单位新建线索项目（登门招商）。"""
    require_model_permission(request.user, "change", Visit)
    visit = selectors.visit_get(user=request.user, pk=pk, action="change")
    enterprise = visit.enterprises.filter(pk=parse_id(request.POST.get("enterprise"))).first()
    if enterprise is None:
        messages.error(request, "请选择此次拜访的企业")
        return redirect("activities:visit-detail", pk=visit.pk)
    try:
        project = services.visit_create_lead(
            actor=request.user, visit=visit, enterprise=enterprise,
            duplicate_reason=request.POST.get("duplicate_reason", ""),
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activities:visit-detail", pk=visit.pk)
    messages.success(request, f"已生成线索：{project.name}")
    return redirect("projects:detail", pk=project.pk)


@login_required
@require_POST
def visit_join(request: HttpRequest, pk: int) -> HttpResponse:
    """加入此次拜访（POST）：代替另行登记一次拜访。"""
    require_model_permission(request.user, "add", Visit)
    visit = selectors.visit_get(user=request.user, pk=pk)
    try:
        services.visit_join(actor=request.user, visit=visit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已加入此次拜访")
    return redirect("activities:visit-detail", pk=visit.pk)


STEPS = {
    "complete": (CompleteForm, services.visit_complete, "登记为已拜访"),
    "cancel": (CancelForm, services.visit_cancel, "取消拜访"),
}


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    require_model_permission(request.user, "change", Visit)
    visit = selectors.visit_get(user=request.user, pk=pk, action="change")
    if request.method == "GET" and visit.status != VisitStatus.PLANNED:
        raise PermissionDenied("只有计划中的拜访可以进行此操作")
    form_class, service, label = STEPS[step]
    back = reverse("activities:visit-detail", args=[visit.pk])
    form = form_class(request.POST or None, version=version_of(visit))

    def write() -> str:
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        version = data.pop("version", None)
        service(actor=request.user, visit=visit, version=version, **data)
        return f"已{label}：{visit.target_label}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title=f"{label}：{visit.target_label}",
        back_url=back,
        breadcrumbs=[("登门拜访", reverse("activities:visit-list")), (str(visit), back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """登记为已拜访：计划中的拜访完成后，填写成效。"""
    return _step(request, pk, "complete")


@login_required
@require_http_methods(["GET", "POST"])
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """取消计划中的拜访（保留记录与原因）。"""
    return _step(request, pk, "cancel")


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """拜访照片（只在本人可见范围内）。"""
    require_model_permission(request.user, "view", VisitPhoto)
    photo = get_object_or_404(VisitPhoto.objects.restrict(request.user, "view"), pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(handle, filename=photo.original_name, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the city's window -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_rules(request: HttpRequest) -> HttpResponse:
    """拜访规则：市投资促进局设置冲突提醒窗口（天）。"""
    require_model_permission(request.user, "change", VisitRules)
    stored = VisitRules.objects.order_by("pk").first()
    current = VisitRules.current()
    form = RulesForm(request.POST or None, initial={"conflict_days": current.conflict_days},
                     version=version_of(stored))  # fmt: skip
    back = reverse("activities:visit-list")

    def write() -> str:
        rules = services.visit_rules_update(
            actor=request.user, conflict_days=form.cleaned_data["conflict_days"],
            version=form.cleaned_data.get("version"),
        )  # fmt: skip
        return f"拜访冲突提醒窗口已设为 {rules.conflict_days} 天"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request, "core/dialogs/form.html", {"form": form}, title="拜访规则", back_url=back,
        breadcrumbs=[("登门拜访", back), ("拜访规则", request.path)],
    )  # fmt: skip
