"""Service-system pages under /service/ (namespace "service"), one block per topic."""

from django.urls import path

from .views import (
    elements,
    figures,
    instructions,
    meetings,
    problems,
    reviews,
    servicelog,
    settings,
    tasks,
    teams,
)

app_name = "service"

urlpatterns: list = [
    # 服务设置 (the city's reference data of the service system)
    path("settings/", settings.service_settings, name="settings"),
    path("settings/categories/add/", settings.category_edit, name="settings-category-add"),
    path("settings/categories/<id:pk>/", settings.category_edit, name="settings-category"),
    path("settings/leaders/<id:department_pk>/", settings.leader_edit, name="settings-leader"),
    path("settings/elements/<id:pk>/", settings.element_kind_edit, name="settings-element-kind"),
    path(
        "settings/service-kinds/add/", settings.service_kind_edit, name="settings-service-kind-add"
    ),
    path(
        "settings/service-kinds/<id:pk>/", settings.service_kind_edit, name="settings-service-kind"
    ),
    path("settings/rules/<id:pk>/", settings.rule_edit, name="settings-rule"),
    # 服务记录 (service log)
    path("projects/<id:pk>/log/", servicelog.project_log, name="servicelog-project"),
    path("projects/<id:pk>/log/add/", servicelog.log_create, name="servicelog-create"),
    path("log/<id:pk>/edit/", servicelog.log_edit, name="servicelog-edit"),
    path("log/<id:pk>/reveal/", servicelog.log_reveal, name="servicelog-reveal"),
    # 联评联审
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/rules/", reviews.review_rules, name="review-rules"),
    path("reviews/rules/policy/", reviews.policy_edit, name="review-policy"),
    path(
        "reviews/rules/departments/<id:department_pk>/",
        reviews.reviewer_rule_edit,
        name="reviewer-rule",
    ),
    path("reviews/send/<id:project_pk>/", reviews.review_send, name="review-send"),
    path("reviews/<id:pk>/", reviews.review_detail, name="review-detail"),
    path(
        "reviews/<id:pk>/opinions/<id:opinion_pk>/",
        reviews.opinion_answer,
        name="review-opinion",
    ),
    path("reviews/<id:pk>/close/", reviews.review_close, name="review-close"),
    # 督办事项
    path("tasks/", tasks.task_list, name="task-list"),
    path("tasks/<id:pk>/", tasks.task_detail, name="task-detail"),
    path("tasks/<id:pk>/close/", tasks.task_close, name="task-close"),
    path("tasks/<id:pk>/cancel/", tasks.task_cancel, name="task-cancel"),
    path("tasks/<id:pk>/extend/", tasks.task_extend, name="task-extend"),
    # 联席会议
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<id:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<id:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<id:pk>/proposals/", meetings.agenda_proposals, name="meeting-proposals"),
    path("meetings/<id:pk>/agenda/add/", meetings.agenda_add, name="meeting-agenda-add"),
    path("meetings/<id:pk>/agenda/free/", meetings.agenda_add_free, name="meeting-agenda-free"),
    path("meetings/<id:pk>/confirm/", meetings.agenda_confirm, name="meeting-confirm"),
    path("meetings/<id:pk>/hold/", meetings.meeting_hold, name="meeting-hold"),
    path("meetings/<id:pk>/issue/", meetings.minutes_issue, name="meeting-issue"),
    path("meetings/<id:pk>/minutes.pdf", meetings.minutes_pdf, name="meeting-minutes-pdf"),
    path("agenda-items/<id:pk>/move/", meetings.agenda_move, name="agenda-item-move"),
    path("agenda-items/<id:pk>/remove/", meetings.agenda_remove, name="agenda-item-remove"),
    path("agenda-items/<id:pk>/decide/", meetings.decision_create, name="agenda-item-decide"),
    path("decisions/<id:pk>/edit/", meetings.decision_edit, name="decision-edit"),
    path("decisions/<id:pk>/delete/", meetings.decision_delete, name="decision-delete"),
    # 问题诉求
    path("problems/", problems.problem_list, name="problem-list"),
    path("problems/new/", problems.problem_create, name="problem-create"),
    path("problems/department/", problems.department_home, name="problem-department-home"),
    path("problems/<id:pk>/", problems.problem_detail, name="problem-detail"),
    path("problems/<id:pk>/<slug:step>/", problems.problem_step, name="problem-step"),
    path("problems/photos/<id:pk>/", problems.problem_photo, name="problem-photo"),
    path("calendar/", problems.workday_calendar, name="workday-calendar"),
    path("calendar/<id:pk>/delete/", problems.workday_delete, name="workday-delete"),
    # 五个一 服务团队, 包帮
    path("carry/", teams.carry_overview, name="carry-overview"),
    path("carry/mine/", teams.carry_mine, name="carry-mine"),
    path("carry/leaders/<id:pk>/", teams.carry_leader, name="carry-leader"),
    path("carry/departments/<id:pk>/", teams.carry_department, name="carry-department"),
    path("carry/commissioners/<id:pk>/", teams.carry_commissioner, name="carry-commissioner"),
    path("projects/<id:pk>/team/", teams.team_edit, name="team-edit"),
    path("projects/<id:pk>/team/members/add/", teams.member_add, name="member-add"),
    path("team-members/<id:pk>/leave/", teams.member_leave, name="member-leave"),
    # 领导批示
    path(
        "projects/<id:pk>/instructions/new/",
        instructions.instruction_create,
        name="instruction-create",
    ),
    # 要素保障
    path("elements/", elements.element_overview, name="element-overview"),
    path("elements/quotas/", elements.quota_settings, name="element-quotas"),
    path("projects/<id:pk>/elements/request/", elements.need_request, name="element-request"),
    path("element-needs/<id:pk>/allocate/", elements.allocation_create, name="element-allocate"),
    # 服务指标 and 服务时效 (figures, the department service page, timings)
    path("figures/", figures.figures, name="figures"),
    path("figures/export.xlsx", figures.figures_xlsx, name="figures-xlsx"),
    path("departments/<id:pk>/", figures.department, name="department"),
    path("departments/mine/", figures.my_department, name="my-department"),
    path("timings/", figures.timings, name="timings"),
]
