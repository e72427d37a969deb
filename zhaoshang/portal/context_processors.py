"""Template context shared by every page: the navigation the user's role allows."""

from zhaoshang.accounts.models import User
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.permissions import has_model_permission
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.goals.models import Goal, RankingSnapshot
from zhaoshang.industries.models import ChainNode
from zhaoshang.projects.models import FundsRecord, Project
from zhaoshang.service.models import Problem, Task
from zhaoshang.targeting.models import LeadPush


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "projects": has_model_permission(user, "view", Project),
            "funds": has_model_permission(user, "view", FundsRecord),
            "verify": user.has_perm("projects.verify_fundsrecord"),
            "enterprises": has_model_permission(user, "view", Enterprise),
            "chains": has_model_permission(user, "view", ChainNode),
            "pushes": has_model_permission(user, "view", LeadPush),
            "audit": has_model_permission(user, "view", AuditEntry),
            "users": has_model_permission(user, "view", User),
            # 驾驶舱 (a unit's own dashboard for county users), 竞赛榜, the leader's view
            "cockpit": has_model_permission(user, "view", Goal) and user.scope in ("all", "unit"),
            "cockpit_label": "驾驶舱" if user.scope == "all" else "本单位看板",
            "rankings": has_model_permission(user, "view", RankingSnapshot),
            "leader": user.role == "leader" and has_model_permission(user, "view", Project),
            # 服务指标 (problems handled, decisions on time) for whoever reads problems or tasks
            "service_figures": has_model_permission(user, "view", Problem)
            or has_model_permission(user, "view", Task),
        }
    }
