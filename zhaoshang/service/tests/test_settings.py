"""服务设置: the city edits problem categories, 分管领导, element kinds, service kinds and the work
queue's thresholds — versioned, audited, refused to everyone else, with Chinese field errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.accounts.models import Department
from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import _make
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditEntry
from zhaoshang.notices import reminders
from zhaoshang.service.models import (
    ElementKind,
    ProblemCategory,
    ServiceKind,
    SupervisingLeader,
    WorkQueueRule,
)
from zhaoshang.service.services import settings as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def land():
    return Department.objects.get(code="zrzy")


def test_the_city_adds_a_category_and_it_routes_to_its_department(users, land):
    category = svc.problem_category_save(
        actor=users["city"], name="人才引进", department=land, limit_workdays=7, sort_order=90
    )
    stored = ProblemCategory.objects.get(name="人才引进")
    assert (stored.code.startswith("c"), stored.department, stored.limit_workdays) == (
        True, land, 7,
    )  # fmt: skip
    entry = AuditEntry.objects.filter(object_id=str(category.pk)).latest("id")
    assert (entry.action, entry.note) == ("create", "问题类别：人才引进 → 自然资源和规划局")


def test_a_category_edit_is_versioned_and_its_limit_bounded(users, land):
    category = ProblemCategory.objects.order_by("id").first()
    read = version_of(category)
    with pytest.raises(ValidationError) as caught:
        svc.problem_category_save(
            actor=users["city"], category=category, name=" ", department=land, limit_workdays=0,
            version=read,
        )  # fmt: skip
    assert caught.value.message_dict == {"name": ["请填写类别名称"]}
    with pytest.raises(ValidationError) as caught:
        svc.problem_category_save(
            actor=users["city"], category=category, name="土地", department=land,
            limit_workdays=61, version=read,
        )  # fmt: skip
    assert caught.value.message_dict == {"limit_workdays": ["办理时限须为1至60之间的整数"]}
    svc.problem_category_save(
        actor=users["city"], category=category, name=category.name, department=land,
        limit_workdays=9, version=read,
    )  # fmt: skip
    with pytest.raises(VersionConflict):  # a second form read before that save
        svc.problem_category_save(
            actor=users["city"], category=category, name=category.name, department=land,
            limit_workdays=3, version=read,
        )  # fmt: skip
    category.refresh_from_db()
    assert category.limit_workdays == 9


def test_only_the_city_edits_the_settings(users, land):
    category = ProblemCategory.objects.order_by("id").first()
    for who in ("linqing", "dept_land", "commissioner", "leader"):
        with pytest.raises(PermissionDenied):
            svc.problem_category_save(
                actor=users[who], category=category, name="土地", department=land,
                limit_workdays=5,
            )  # fmt: skip
        with pytest.raises(PermissionDenied):
            svc.work_queue_rule_set(actor=users[who], rule=WorkQueueRule.objects.first(), days=10)


def test_a_supervising_leader_is_a_city_leader_and_can_be_removed(users, land):
    with pytest.raises(ValidationError) as caught:
        svc.supervising_leader_set(
            actor=users["city"], department=land, leader=users["linqing_leader"]
        )
    assert caught.value.message_dict == {"leader": ["请选择在用的市级领导账号"]}
    row = svc.supervising_leader_set(actor=users["city"], department=land, leader=users["leader"])
    assert SupervisingLeader.objects.get(department=land).leader == users["leader"]
    assert (
        svc.supervising_leader_set(
            actor=users["city"], department=land, leader=None, version=version_of(row)
        )
        is None
    )
    assert not SupervisingLeader.objects.filter(department=land).exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(row.pk), content_type__model="supervisingleader")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]


def test_the_work_queue_rule_is_the_reminders_threshold(users):
    rule = WorkQueueRule.objects.get(code="stale_project_days")
    svc.work_queue_rule_set(actor=users["city"], rule=rule, days=45, version=version_of(rule))
    assert reminders.threshold("projects.stale", "days") == 45
    with pytest.raises(ValidationError) as caught:
        svc.work_queue_rule_set(actor=users["city"], rule=rule, days=0)
    assert caught.value.message_dict == {"days": ["天数须为1至365之间的整数"]}


def test_an_element_kind_may_be_allocated_by_the_city_itself(users):
    water = ElementKind.objects.get(code="water")
    saved = svc.element_kind_save(
        actor=users["city"], kind=water, name="用水", measure="吨/日", department=None,
        agenda_after_days=20, version=version_of(water),
    )  # fmt: skip
    assert (saved.department, saved.agenda_after_days) == (None, 20)


def test_a_service_kind_is_added_and_switched_off_not_deleted(users):
    kind = svc.service_kind_save(actor=users["city"], name="视频会商", sort_order=50)
    svc.service_kind_save(
        actor=users["city"], kind=kind, name="视频会商", is_active=False, sort_order=50,
        version=version_of(kind),
    )  # fmt: skip
    kind.refresh_from_db()
    assert (kind.is_active, ServiceKind.objects.filter(name="视频会商").count()) == (False, 1)


def test_the_settings_page_shows_every_section_and_its_dialogs_save(client, users, land):
    client.force_login(users["city"])
    page = client.get("/service/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("问题类别", "部门分管领导", "要素种类", "服务方式", "服务专员工作台提醒"):
        assert section in html
    rule = WorkQueueRule.objects.get(code="milestone_ahead_days")
    dialog = client.get(f"/service/settings/rules/{rule.pk}/")
    assert dialog.status_code == 200 and 'name="version"' in dialog.content.decode()
    response = client.post(
        f"/service/settings/rules/{rule.pk}/", {"days": "21", "version": version_of(rule)}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.days == 21
    bad = client.post(
        f"/service/settings/rules/{rule.pk}/", {"days": "0", "version": version_of(rule)}
    )
    assert bad.status_code == 200 and "确保该值大于或等于1。" in bad.content.decode()
    leader = client.post(
        f"/service/settings/leaders/{land.pk}/", {"leader": users["leader"].pk, "version": ""}
    )
    assert leader.status_code in (200, 302)
    other = _make("leader2", Role.LEADER, users["linqing"].unit)
    refused = client.post(f"/service/settings/leaders/{land.pk}/", {"leader": other.pk})
    assert "选择一个有效的选项" in refused.content.decode()


def test_a_county_cannot_open_the_settings(client, users):
    client.force_login(users["linqing"])
    assert client.get("/service/settings/rules/1/").status_code == 403
