"""联评联审 pages: the list and a department's queue, the review page, and the dialogs to send a
project, give an opinion, close a review and edit the city's rules. Writes are POST only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.accounts.models import Department
from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin
from zhaoshang.core.htmx import require_model_permission, submitted
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.projects import page_panels
from zhaoshang.projects import selectors as project_selectors
from zhaoshang.projects.forms import DateInput
from zhaoshang.projects.models import Project

from ..models import JointReview, ReviewerRule, ReviewOpinion, ReviewOutcome, ReviewPolicy, Verdict
from ..selectors import reviews as sel
from ..services import reviews as svc

# --- forms -----------------------------------------------------------------------------------


class SendForm(BootstrapFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label="审查部门",
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个审查部门"},
    )
    note = forms.CharField(
        label="提请说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="项目主要内容、拟签约时间、需各部门重点把关的事项",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = svc.reviewer_rules()
        self.rules = {r.department_id: r for r in rules}
        self.fields["departments"].queryset = Department.objects.filter(pk__in=self.rules).order_by(
            "review_rule__sort_order", "id"
        )
        self.fields["departments"].label_from_instance = lambda d: (
            f"{d.name}（{self.rules[d.pk].focus}；{self.rules[d.pk].deadline_workdays}个工作日）"
        )
        if not self.is_bound:
            self.initial["departments"] = list(self.rules)


class OpinionForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    verdict = forms.ChoiceField(
        label="审查意见",
        choices=[c for c in Verdict.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审查意见"},
    )
    reasons = forms.CharField(
        label="意见说明",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不同意须说明理由",
    )
    conditions = forms.CharField(
        label="同意的条件",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="有条件同意时填写，每行一条；每条转为项目所属单位的督办事项",
    )
    conditions_due_on = forms.DateField(label="条件落实时限", required=False, widget=DateInput())

    def condition_lines(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("conditions", "").splitlines()
            if line.strip()
        ]


class CloseForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="决定",
        required=False,
        choices=[
            ("", "按各部门意见形成的结论"),
            *[c for c in ReviewOutcome.choices if c[0] != "reviewing"],
        ],
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="决定与各部门意见结论不同时必填，记入审计日志",
    )


class PolicyForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewPolicy
        fields = list(ReviewPolicy.version_fields)


class ReviewerRuleForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    focus = forms.CharField(label="审查重点", max_length=200)
    deadline_workdays = forms.IntegerField(label="办理时限（工作日）", min_value=1, max_value=60)
    is_active = forms.BooleanField(label="参加联审", required=False)


# --- pages -----------------------------------------------------------------------------------


def _back(review: JointReview) -> str:
    return reverse("service:review-detail", args=[review.pk])


def _trail(review: JointReview | None = None) -> list[tuple[str, str]]:
    trail = [("联评联审", reverse("service:review-list"))]
    if review is not None:
        trail.append((review.project.name, _back(review)))
    return trail


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """联评联审：本部门待审查意见（附时限），可见的联评联审，以及须提请而未提请的项目。"""
    require_model_permission(request.user, "view", JointReview)
    user = request.user
    today = timezone.localdate()
    state = request.GET.get("state", "")
    state = state if state in ("open", *ReviewOutcome.values) else ""
    queue = list(sel.opinion_queue(user=user, today=today)[:100])
    reviews = sel.reviews_for(user=user, filters={"state": state})
    from django.core.paginator import Paginator

    page = Paginator(reviews, 30).get_page(request.GET.get("page"))
    to_send: list[Project] = []
    can_send = has_model_permission(user, "add", JointReview)
    if can_send:
        to_send = _projects_to_send(user)
    return render(
        request,
        "service/reviews/review_list.html",
        {
            "queue": queue,
            "today": today,
            "page": page,
            "state": state,
            "states": [("open", "未办结"), *ReviewOutcome.choices],
            "to_send": to_send,
            "can_send": can_send,
            "can_rules": has_model_permission(user, "change", ReviewPolicy),
        },
    )


def _projects_to_send(user: Any) -> list[Project]:
    """Proposed projects in the user's scope that need a review and have none open or passed."""
    policy = svc.review_policy()
    need = Q(pk__in=[])
    if policy.review_key_projects:
        need |= Q(is_key=True)
    if policy.min_investment_wan is not None:
        need |= Q(total_investment_wan__gte=policy.min_investment_wan)
    settled = JointReview.objects.filter(project=OuterRef("pk")).filter(
        Q(is_closed=False)
        | Q(decision__in=svc.SIGNABLE_OUTCOMES)
        | Q(decision="", outcome__in=svc.SIGNABLE_OUTCOMES)
    )
    return list(
        Project.objects.restrict(user, "view")
        .filter(need, stage__in=svc.SENDABLE_STAGES)
        .exclude(Exists(settled))
        .select_related("unit")
        .order_by("-total_investment_wan", "id")[:50]
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """一次联评联审：项目与投资方情况（含提示）、各部门意见、条件转督办事项及办理情况。"""
    require_model_permission(request.user, "view", JointReview)
    user = request.user
    review = sel.review_get(user=user, pk=pk)
    today = timezone.localdate()
    opinions = sel.opinions_of(review)
    rows = [
        {
            "opinion": o,
            "overdue": not o.is_answered and not review.is_closed and o.due_on < today,
            "can_answer": sel.answerable(user, o),
        }
        for o in opinions
    ]
    return render(
        request,
        "service/reviews/review_detail.html",
        {
            "review": review,
            "project": review.project,
            "reasons": svc.review_reasons(review.project),
            "investors": sel.investor_facts(review, user=user),
            "rows": rows,
            "today": today,
            "can_close": not review.is_closed and has_model_permission(user, "change", JointReview),
            "can_open_project": project_selectors.Project.objects.restrict(user, "view")
            .filter(pk=review.project_id)
            .exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_send(request: HttpRequest, project_pk: int) -> HttpResponse:
    """提请联评联审（项目页的对话框）。"""
    require_model_permission(request.user, "add", JointReview)
    project = project_selectors.project_get(user=request.user, pk=project_pk)
    back = reverse("projects:detail", args=[project.pk])
    form = SendForm(request.POST or None)

    def write() -> str:
        review = svc.review_send(
            project=project,
            actor=request.user,
            departments=list(form.cleaned_data["departments"]),
            note=form.cleaned_data["note"],
        )
        return f"已提请联评联审，{review.opinions.count()}个部门将在时限内提出意见"

    if response := submitted(request, form, write, back_url=back, aliases={"project": "__all__"}):
        return response
    return htmx.render_dialog(
        request,
        "service/reviews/dialogs/send.html",
        {
            "form": form,
            "project": project,
            "reasons": svc.review_reasons(project),
            "sendable": project.stage in svc.SENDABLE_STAGES,
        },
        title=f"提请联评联审：{project.name}",
        back_url=back,
        breadcrumbs=[("招商项目", reverse("projects:list")), (project.name, back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_answer(request: HttpRequest, pk: int, opinion_pk: int) -> HttpResponse:
    """本部门提出审查意见：同意 / 有条件同意（列明条件）/ 不同意（说明理由）。"""
    require_model_permission(request.user, "change", ReviewOpinion)
    review = sel.review_get(user=request.user, pk=pk)
    opinion = (
        ReviewOpinion.objects.restrict(request.user, "change")
        .select_related("department", "review")
        .filter(review=review, pk=opinion_pk)
        .first()
    )
    if opinion is None:
        # The review is visible, the opinion is another department's: forbidden, not missing.
        raise PermissionDenied("只能对本部门的审查意见作答")
    back = _back(review)
    form = OpinionForm(
        request.POST or None,
        version=version_of(opinion),
        initial={"conditions_due_on": svc.add_workdays(timezone.localdate(), 20)},
    )

    def write() -> str:
        svc.opinion_give(
            opinion=opinion,
            actor=request.user,
            verdict=form.cleaned_data["verdict"],
            reasons=form.cleaned_data["reasons"],
            conditions=form.condition_lines(),
            conditions_due_on=form.cleaned_data["conditions_due_on"],
            version=form.cleaned_data["version"],
        )
        return f"{opinion.department.name}的审查意见已提交"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "service/reviews/dialogs/opinion.html",
        {"form": form, "opinion": opinion, "review": review},
        title=f"提出审查意见：{review.project.name}",
        back_url=back,
        breadcrumbs=_trail(review),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    """市级办结联评联审；改变各部门意见结论须说明理由。"""
    require_model_permission(request.user, "change", JointReview)
    review = sel.review_get(user=request.user, pk=pk, action="change")
    back = _back(review)
    form = CloseForm(request.POST or None, version=version_of(review))

    def write() -> str:
        closed = svc.review_close(
            review=review,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
        return f"联评联审已办结：{closed.get_final_outcome_display()}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "service/reviews/dialogs/close.html",
        {"form": form, "review": review},
        title=f"办结联评联审：{review.project.name}",
        back_url=back,
        breadcrumbs=_trail(review),
    )


@login_required
@require_GET
def review_rules(request: HttpRequest) -> HttpResponse:
    """联评联审规则：哪些项目须联审、是否作为签约前置、联审部门及其重点与时限。"""
    require_model_permission(request.user, "view", ReviewPolicy)
    user = request.user
    policy = svc.review_policy()
    inactive = ReviewerRule.objects.restrict(user, "view").filter(is_active=False)
    rules = [*svc.reviewer_rules(), *inactive.select_related("department")]
    ruled = {r.department_id for r in rules}
    return render(
        request,
        "service/reviews/rules.html",
        {
            "policy": policy,
            "rules": rules,
            "outcome_rules": [
                (label, ReviewOutcome(o).label) for label, _f, o in svc.OUTCOME_RULES
            ],
            "flag_rules": sel.FLAG_RULES,
            "other_departments": Department.objects.all().exclude(pk__in=ruled),
            "can_edit": has_model_permission(user, "change", ReviewPolicy),
            "can_edit_rules": has_model_permission(user, "change", ReviewerRule)
            and has_model_permission(user, "add", ReviewerRule),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest) -> HttpResponse:
    require_model_permission(request.user, "change", ReviewPolicy)
    policy = svc.review_policy()
    back = reverse("service:review-rules")
    form = PolicyForm(request.POST or None, instance=policy, version=version_of(policy))

    def write() -> str:
        values = {name: form.cleaned_data[name] for name in ReviewPolicy.version_fields}
        svc.policy_update(actor=request.user, version=form.cleaned_data["version"], **values)
        return "联评联审规则已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title="修改联评联审规则",
        back_url=back,
        breadcrumbs=[("联评联审", reverse("service:review-list")), ("规则", back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def reviewer_rule_edit(request: HttpRequest, department_pk: int) -> HttpResponse:
    require_model_permission(request.user, "change", ReviewerRule)
    require_model_permission(request.user, "add", ReviewerRule)
    department = Department.objects.restrict(request.user, "view").filter(pk=department_pk).first()
    if department is None:
        from django.http import Http404

        raise Http404("部门不存在")
    rule = ReviewerRule.objects.filter(department=department).first()
    back = reverse("service:review-rules")
    initial = (
        {
            "focus": rule.focus,
            "deadline_workdays": rule.deadline_workdays,
            "is_active": rule.is_active,
        }
        if rule
        else {"deadline_workdays": 5, "is_active": True}
    )
    form = ReviewerRuleForm(request.POST or None, initial=initial, version=version_of(rule))

    def write() -> str:
        svc.reviewer_rule_save(
            actor=request.user,
            department=department,
            focus=form.cleaned_data["focus"],
            deadline_workdays=form.cleaned_data["deadline_workdays"],
            is_active=form.cleaned_data["is_active"],
            version=form.cleaned_data["version"],
        )
        return f"联审部门“{department.name}”已保存"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form},
        title=f"联审部门：{department.name}",
        back_url=back,
        breadcrumbs=[("联评联审", reverse("service:review-list")), ("规则", back)],
    )


# --- the project page's panel ------------------------------------------------------------------


@page_panels.register("reviews", order=20)
def project_reviews_panel(request: HttpRequest, project: Project) -> page_panels.Panel | None:
    """联评联审 on the project page: whether it needs one, the latest review, a send link."""
    user = request.user
    if not has_model_permission(user, "view", JointReview):
        return None
    reviews = sel.reviews_of_project(user=user, project=project)
    reasons = svc.review_reasons(project)
    if not reviews and not reasons:
        return None
    latest = reviews[0] if reviews else None
    actions = []
    if latest is not None:
        actions.append(page_panels.Action("查看审查", _back(latest)))
    sendable = (
        has_model_permission(user, "add", JointReview)
        and project.stage in svc.SENDABLE_STAGES
        and (latest is None or latest.is_closed)
    )
    if sendable:
        actions.insert(
            0, page_panels.Action("提请联评联审", reverse("service:review-send", args=[project.pk]))
        )
    body = render_to_string(
        "service/reviews/partials/project_panel.html",
        {
            "latest": latest,
            "earlier": reviews[1:],
            "reasons": reasons,
            "gates": svc.review_policy().gates_signing,
            "proposed": project.stage in svc.SENDABLE_STAGES,
        },
        request=request,
    )
    badge = ""
    if latest is None and project.stage in svc.SENDABLE_STAGES:
        badge = "未提请"
    elif latest is not None:
        badge = latest.get_final_outcome_display()
    return page_panels.Panel(
        title="联评联审", body=body, actions=actions, badge=badge, column="side"
    )
