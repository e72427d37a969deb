"""Roles: which group of model permissions a user holds and which records they reach.

The permissions of each role live in its Group (data, seeded from ROLE_PERMISSIONS after every
migration by `services.role_groups_sync`, and edited by the security administrator on the role
pages, `accounts:role-list`); the scope of each role is fixed here because it is what the role
*means*. A default the administrator removed is not granted again on the next deploy; "恢复默认"
on the role page resets a role to ROLE_PERMISSIONS.

三员分立 (GB/T 22239-2019 level 3): three administrator roles kept apart, each with the
permissions `ADMIN_DUTIES` allows it and nothing else — the system administrator manages
accounts, the security administrator role permissions and account approval, the audit
administrator reads the audit log. No administrator role holds a business-data permission
(`BUSINESS_DATA_PERMISSIONS`), and no business role an administrator permission
(`ADMIN_PERMISSIONS`); `services` enforces both on every write.
"""

from dataclasses import dataclass

from django.db import models

from zhaoshang.core.permissions import Scope


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员（市投资促进局）"
    UNIT_STAFF = "unit_staff", "县市区/功能区招商人员"
    LEADER = "leader", "领导"
    COMMISSIONER = "commissioner", "服务专员"
    DEPT_STAFF = "dept_staff", "职能部门人员"
    INSPECTOR = "inspector", "审计/统计人员（只读）"
    AUDITOR = "auditor", "审计管理员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"


# A leader bound to the city unit sees the whole city; a county leader sees their county.
ROLE_SCOPE: dict[str, Scope] = {
    Role.CITY_ADMIN: Scope.ALL,
    Role.INSPECTOR: Scope.ALL,
    # The whole audit log (its entries have no unit); it holds no business permission.
    Role.AUDITOR: Scope.ALL,
    Role.LEADER: Scope.UNIT,
    Role.UNIT_STAFF: Scope.UNIT,
    Role.COMMISSIONER: Scope.ASSIGNED,
    Role.DEPT_STAFF: Scope.DEPARTMENT,
    Role.SYSADMIN: Scope.NONE,
    Role.SECADMIN: Scope.NONE,
}

_BUSINESS = ["projects", "enterprises", "industries", "activities", "goals", "targeting", "service"]
_REFERENCE_VIEW = [
    "accounts.view_unit",
    "accounts.view_department",
    "industries.view_industry",
    "industries.view_direction",
    "projects.view_campaign",
    "enterprises.view_enterprise",
    "enterprises.view_tag",
    "enterprises.view_placement",
    "enterprises.view_contact",
    "enterprises.view_relation",
    "enterprises.view_signal",
    "enterprises.view_targetentry",
    "industries.view_chainnode",
    "industries.view_chainedge",
    # 精准招商: everyone in the business may see the gap analysis's thresholds, recommendations
    # and scoring profiles.
    "targeting.view_gapthresholds",
    "targeting.view_scoringprofile",
    "targeting.view_recommendationrun",
]

# 问题诉求: who raises them (units, commissioners, leaders) reads and adds; the categories and
# each problem's timeline and photos go with the problem.
_PROBLEMS_RAISE = [
    "service.view_problem",
    "service.add_problem",
    "service.view_problemevent",
    "service.view_problemphoto",
    "service.view_problemcategory",
]

# Everyone in the business sees the published ranking (竞赛榜) and the rules it used.
_RANKING_VIEW = [
    "goals.view_rankingsnapshot",
    "goals.view_rankingscheme",
    "goals.view_schemeversion",
]
# 联席会议: who may read meetings (each sees what its scope reaches: an attending department or
# unit the whole agenda, others the items about their projects and the decisions they own).
_MEETINGS_VIEW = ["service.view_jointmeeting", "service.view_agendaitem", "service.view_decision"]

# Units and leaders also follow their goals and live indicators, and see which periods are closed.
_GOALS_VIEW = [*_RANKING_VIEW, "goals.view_goal", "core.view_periodclose"]

# 服务记录 (service log) on the projects a user carries: the 服务专员, the unit's staff and the
# 包帮 leader write it; each may see the contact's number (audited reveal).
_SERVICE_LOG = [
    "service.view_servicekind",
    "service.view_servicelog",
    "service.add_servicelog",
    "service.change_servicelog",
    "service.reveal_servicelog_contact",
]

# 联评联审: everyone following projects reads the reviews in their scope and the city's rules.
_REVIEW_VIEW = [
    "service.view_jointreview",
    "service.view_reviewopinion",
    "service.view_reviewpolicy",
    "service.view_reviewerrule",
]

# 五个一 and 要素保障: everyone in the service system reads a project's team and elements.
_TEAM_VIEW = [
    "service.view_serviceteam",
    "service.view_teammember",
    "service.view_elementkind",
    "service.view_elementneed",
    "service.view_elementallocation",
]

# 登门拜访 (#12): who reads visits (each within its scope: a unit its own, the city all) and the
# city's conflict window; units write their own, the city every unit's.
_VISITS_VIEW = [
    "activities.view_visit",
    "activities.view_visitparticipant",
    "activities.view_visitenterprise",
    "activities.view_visitphoto",
    "activities.view_organisation",
    "activities.view_visitrules",
]
_VISITS_WRITE = ["activities.add_visit", "activities.change_visit", "activities.add_organisation"]
# 外出招商 and 集中活动 (#12 §2): read and written like visits.
_TRIPS_VIEW = [
    "activities.view_trip",
    "activities.view_tripparticipant",
    "activities.view_event",
    "activities.view_eventparticipant",
]
_TRIPS_WRITE = [
    "activities.add_trip",
    "activities.change_trip",
    "activities.add_event",
    "activities.change_event",
]

# Model permissions granted to each role's group (app_label.codename). `*` = all of an app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CITY_ADMIN: [
        *(f"{app}.*" for app in _BUSINESS),
        "accounts.view_unit",
        "accounts.view_department",
        "accounts.view_user",
        "core.view_auditentry",
        "core.view_periodclose",
        "core.add_periodclose",
        "core.change_periodclose",
        # The working-day calendar's corrections (holidays and 调休 the package lacks).
        "core.view_workdayoverride",
        "core.add_workdayoverride",
        "core.change_workdayoverride",
        "core.delete_workdayoverride",
    ],
    Role.UNIT_STAFF: [
        *_REFERENCE_VIEW,
        *_GOALS_VIEW,
        *_MEETINGS_VIEW,
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.add_contact",
        "enterprises.change_contact",
        "enterprises.add_signal",
        "enterprises.add_relation",
        "enterprises.change_targetentry",
        # 精准招商: a unit receives pushed leads (accepts/declines), and may push to itself.
        "targeting.view_leadpush",
        "targeting.add_leadpush",
        "targeting.change_leadpush",
        "projects.view_project",
        "projects.add_project",
        "projects.change_project",
        "projects.view_stagechange",
        "projects.add_stagechange",
        "projects.view_fundsrecord",
        "projects.add_fundsrecord",
        "projects.change_fundsrecord",
        "projects.view_evidence",
        "projects.add_evidence",
        "projects.view_projectplan",
        "projects.add_projectplan",
        "projects.change_projectplan",
        "projects.view_milestone",
        "projects.add_milestone",
        "projects.change_milestone",
        "projects.view_progressupdate",
        "projects.add_progressupdate",
        # 服务记录: a unit logs the service its staff give to its projects' investors.
        *_SERVICE_LOG,
        # 联评联审: a unit sends its own proposed projects for review.
        *_REVIEW_VIEW,
        "service.add_jointreview",
        # 项目服务: the unit's projects' tasks (closes those it owns) and leaders' instructions.
        "service.view_task",
        "service.change_task",
        "service.view_instruction",
        *_PROBLEMS_RAISE,
        # 五个一 of its own (county-level) key projects; 要素 its projects need; its quotas.
        *_TEAM_VIEW,
        "service.add_serviceteam",
        "service.change_serviceteam",
        "service.add_teammember",
        "service.change_teammember",
        "service.add_elementneed",
        "service.change_elementneed",
        "service.view_elementquota",
        *_VISITS_VIEW,
        *_VISITS_WRITE,
        *_TRIPS_VIEW,
        *_TRIPS_WRITE,
    ],
    Role.LEADER: [
        *_REFERENCE_VIEW,
        *_GOALS_VIEW,
        *_MEETINGS_VIEW,
        "targeting.view_leadpush",
        "projects.view_project",
        "projects.view_stagechange",
        "projects.view_fundsrecord",
        "projects.view_evidence",
        "projects.view_projectplan",
        "projects.view_milestone",
        "projects.view_progressupdate",
        "projects.add_progressupdate",
        *_SERVICE_LOG,
        *_REVIEW_VIEW,
        # 领导批示: a leader instructs on the projects in reach; its tasks are followed to closure.
        "service.view_instruction",
        "service.add_instruction",
        "service.view_task",
        "service.add_task",
        "service.change_task",
        *_PROBLEMS_RAISE,
        *_TEAM_VIEW,
        "service.view_elementquota",
        *_VISITS_VIEW,
        *_TRIPS_VIEW,
    ],
    Role.COMMISSIONER: [
        *_REFERENCE_VIEW,
        *_RANKING_VIEW,
        *_MEETINGS_VIEW,
        "projects.view_project",
        "projects.view_stagechange",
        "projects.view_fundsrecord",
        "projects.view_evidence",
        "projects.add_evidence",
        "projects.view_projectplan",
        "projects.view_milestone",
        "projects.change_milestone",
        "projects.view_progressupdate",
        "projects.add_progressupdate",
        *_SERVICE_LOG,
        *_REVIEW_VIEW,
        "service.view_instruction",
        "service.view_task",
        "service.change_task",
        *_PROBLEMS_RAISE,
        *_TEAM_VIEW,
    ],
    Role.DEPT_STAFF: [
        *_REFERENCE_VIEW,
        *_RANKING_VIEW,
        # 联评联审: a department gives its own opinion on the reviews sent to it.
        *_REVIEW_VIEW,
        "service.change_reviewopinion",
        # The tasks its department owns (closes them with a result).
        "service.view_task",
        "service.change_task",
        *_MEETINGS_VIEW,
        # 问题诉求: it handles the problems routed to it (签收、答复、办结), nothing else's.
        "service.view_problem",
        "service.change_problem",
        "service.view_problemevent",
        "service.view_problemphoto",
        "service.view_problemcategory",
        # The teams it leads; the elements of its kind, which it allocates.
        *_TEAM_VIEW,
        "service.add_elementallocation",
    ],
    # 审计/统计 (MISSION.md): reads every business record, writes none.
    Role.INSPECTOR: [
        *(f"{app}.view_*" for app in _BUSINESS),
        # Inspectors trace records, not people: contact phone numbers stay masked for them.
        "!enterprises.view_contact_phone",
        "accounts.view_unit",
        "accounts.view_department",
        "core.view_periodclose",
    ],
    # The audit administrator: the audit log, and the accounts, units and departments its
    # entries name (to filter by user); no business record.
    Role.AUDITOR: [
        "accounts.view_unit",
        "accounts.view_department",
        "accounts.view_user",
        "core.view_auditentry",
    ],
    Role.SYSADMIN: [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_unit",
        "accounts.view_department",
        "auth.view_group",
    ],
    Role.SECADMIN: [
        "accounts.view_user",
        "accounts.approve_user",
        "accounts.view_unit",
        "accounts.view_department",
        "auth.view_group",
        "auth.change_group",
    ],
}

# --- 三员分立: what each administrator role may hold, and which roles it may edit -------------

# Business data: every permission on the business apps' models, and the closed periods of
# account (core). Patterns as in ROLE_PERMISSIONS.
BUSINESS_DATA_PERMISSIONS: tuple[str, ...] = (
    *(f"{app}.*" for app in _BUSINESS),
    "core.*_periodclose",
    "core.*_workdayoverride",
)

# What makes an administrator: managing accounts, approving them, editing role permissions.
# No business role may hold one of these (a business user would become an administrator).
ADMIN_PERMISSIONS: tuple[str, ...] = (
    "accounts.add_user",
    "accounts.change_user",
    "accounts.delete_user",
    "accounts.approve_user",
    "accounts.*_roledefaultgrant",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
)


@dataclass(frozen=True)
class AdminDuty:
    """The rules of one administrator role.

    `may_hold`: the only permissions the role's group may hold (patterns). `edits`: the roles
    whose permissions it may set on the role page (never its own). `fixed`: its permissions are
    not editable in the app at all (they are ROLE_PERMISSIONS, restored on every deploy).
    """

    may_hold: tuple[str, ...]
    edits: tuple[str, ...] = ()
    fixed: bool = False


BUSINESS_ROLES: tuple[str, ...] = (
    Role.CITY_ADMIN,
    Role.UNIT_STAFF,
    Role.LEADER,
    Role.COMMISSIONER,
    Role.DEPT_STAFF,
    Role.INSPECTOR,
)

ADMIN_DUTIES: dict[str, AdminDuty] = {
    # Accounts and system settings: creates, edits, deactivates accounts and resets passwords;
    # every account it creates, re-binds, re-enables or resets waits for the security
    # administrator. Reads the roles, never edits them.
    Role.SYSADMIN: AdminDuty(may_hold=tuple(ROLE_PERMISSIONS[Role.SYSADMIN])),
    # Role permissions and account approval: edits the business roles and the system
    # administrator's (within its duty), approves accounts; creates none.
    Role.SECADMIN: AdminDuty(
        may_hold=tuple(ROLE_PERMISSIONS[Role.SECADMIN]), edits=(*BUSINESS_ROLES, Role.SYSADMIN)
    ),
    # Reads the audit log and the administrators' actions, no business record (those are the
    # inspector's, a business role); its set is not editable by anyone in the app.
    Role.AUDITOR: AdminDuty(may_hold=tuple(ROLE_PERMISSIONS[Role.AUDITOR]), fixed=True),
}

ADMIN_ROLES: frozenset[str] = frozenset(ADMIN_DUTIES)

# Changes to an account that the security administrator must approve before it can log in
# again (when the system administrator makes them): its role and what it is bound to.
APPROVAL_FIELDS: frozenset[str] = frozenset({"role", "unit", "department"})
