"""Template context shared by every page: the navigation the user's role allows, and which of
its items is the current page (``aria-current="page"``)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from zhaoshang.accounts.models import User
from zhaoshang.activities.models import Event, Trip, Visit
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.goals.models import Goal, RankingSnapshot
from zhaoshang.industries.models import ChainNode
from zhaoshang.projects.models import FundsRecord, Project
from zhaoshang.service.models import Problem, Task
from zhaoshang.targeting.models import LeadPush


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    current: bool = False


def current_url(path: str, urls: list[str]) -> str | None:
    """The navigation URL the page at ``path`` belongs to: the longest URL that is a prefix of
    the path (``/projects/funds/verify/`` over ``/projects/funds/`` over ``/projects/``). The
    home page ``/`` is a prefix of every path, so it is current only on itself."""
    matches = [u for u in urls if path == u or (u != "/" and path.startswith(u))]
    return max(matches, key=len) if matches else None


def _items(user) -> list[NavItem]:
    scope_all_or_unit = user.scope in ("all", "unit")
    wanted = [
        ("home", "首页", "portal:home", True),
        ("projects", "招商项目", "projects:list", has_model_permission(user, "view", Project)),
        (
            "funds",
            "到位资金",
            "projects:funds-list",
            has_model_permission(user, "view", FundsRecord),
        ),
        (
            "verify",
            "资金核实",
            "projects:verify-queue",
            user.has_perm("projects.verify_fundsrecord"),
        ),
        (
            "cockpit",
            "驾驶舱" if user.scope == "all" else "本单位看板",
            "goals:cockpit",
            has_model_permission(user, "view", Goal) and scope_all_or_unit,
        ),
        (
            "rankings",
            "竞赛榜",
            "goals:rankings",
            has_model_permission(user, "view", RankingSnapshot),
        ),
        (
            "leader",
            "领导视图",
            "goals:leader",
            user.role == "leader" and has_model_permission(user, "view", Project),
        ),
        (
            "service_figures",
            "服务指标",
            "service:figures",
            has_model_permission(user, "view", Problem) or has_model_permission(user, "view", Task),
        ),
        ("chains", "产业链图谱", "industries:list", has_model_permission(user, "view", ChainNode)),
        ("pushes", "推送线索", "targeting:inbox", has_model_permission(user, "view", LeadPush)),
        ("tasks", "督办事项", "service:task-list", user.has_perm("service.view_task")),
        ("carry", "包帮项目", "service:carry-mine", user.has_perm("service.view_serviceteam")),
        (
            "elements",
            "要素保障",
            "service:element-overview",
            user.has_perm("service.view_elementneed"),
        ),
        ("reviews", "联评联审", "service:review-list", user.has_perm("service.view_jointreview")),
        ("problems", "问题诉求", "service:problem-list", user.has_perm("service.view_problem")),
        (
            "meetings",
            "联席会议",
            "service:meeting-list",
            user.has_perm("service.view_jointmeeting"),
        ),
        ("visits", "登门拜访", "activities:visit-list", has_model_permission(user, "view", Visit)),
        ("trips", "外出招商", "activities:trip-list", has_model_permission(user, "view", Trip)),
        ("events", "集中活动", "activities:event-list", has_model_permission(user, "view", Event)),
        (
            "enterprises",
            "企业库",
            "enterprises:list",
            has_model_permission(user, "view", Enterprise),
        ),
        ("audit", "审计日志", "core:audit-log", has_model_permission(user, "view", AuditEntry)),
        ("users", "用户管理", "accounts:user-list", has_model_permission(user, "view", User)),
        (
            "approvals",
            "账号审核",
            "accounts:approval-queue",
            user.has_perm("accounts.approve_user"),
        ),
        ("roles", "角色权限", "accounts:role-list", user.has_perm("auth.view_group")),
    ]
    items = []
    for key, label, name, shown in wanted:
        if not shown:
            continue
        try:
            items.append(NavItem(key, label, reverse(name)))
        except NoReverseMatch:
            continue
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    items = _items(user)
    current = current_url(request.path, [i.url for i in items])
    items = [NavItem(i.key, i.label, i.url, i.url == current) for i in items]
    shown = {i.key for i in items}
    return {
        "nav": {
            "items": items,
            "projects": "projects" in shown,
            "funds": "funds" in shown,
            "verify": "verify" in shown,
            "enterprises": "enterprises" in shown,
            "chains": "chains" in shown,
            "pushes": "pushes" in shown,
            "audit": "audit" in shown,
            "users": "users" in shown,
            "cockpit": "cockpit" in shown,
            "cockpit_label": "驾驶舱" if user.scope == "all" else "本单位看板",
            "rankings": "rankings" in shown,
            "leader": "leader" in shown,
            "service_figures": "service_figures" in shown,
        }
    }
