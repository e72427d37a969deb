"""服务记录: logging a service on a project, correcting one's own entry, the masked contact."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.core.audit import history_for
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditAction
from zhaoshang.service.models import ServiceKind, ServiceLog
from zhaoshang.service.services.servicelog import (
    service_log_add,
    service_log_reveal,
    service_log_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(make_project, users):
    return make_project(commissioner=users["commissioner"], is_key=True)


def kind(code: str) -> ServiceKind:
    return ServiceKind.objects.get(code=code)


def test_the_four_default_kinds_are_data_in_order():
    assert list(ServiceKind.objects.values_list("name", flat=True)) == [
        "走访",
        "电话",
        "协调",
        "帮办",
    ]


def test_commissioner_logs_a_visit_with_its_contact_and_the_audit_masks_the_phone(
    users, project, today
):
    entry = service_log_add(
        actor=users["commissioner"],
        project=project,
        on=today,
        kind=kind("visit"),
        note=" 到企业现场了解施工进度 ",
        contact_name="王经理",
        contact_phone="138 1234 5678",
        help_given="协调供电公司提前接电",
    )
    assert (entry.note, entry.contact_phone, entry.actor) == (
        "到企业现场了解施工进度",
        "13812345678",
        users["commissioner"],
    )
    audit = history_for(entry).get(action=AuditAction.CREATE)
    assert audit.after["contact_phone"] == "138****5678"


def test_bad_input_is_refused_field_by_field(users, project, today):
    inactive = ServiceKind.objects.create(code="old", name="旧方式", is_active=False)
    with pytest.raises(ValidationError) as exc:
        service_log_add(
            actor=users["commissioner"],
            project=project,
            on=today + dt.timedelta(days=1),
            kind=inactive,
            note="  ",
            contact_phone="12345",
        )
    assert exc.value.message_dict == {
        "on": ["日期不能晚于今天"],
        "kind": ["请选择服务方式"],
        "note": ["请填写服务内容"],
        "contact_phone": ["请填写11位手机号码或带区号的固定电话"],
    }
    assert not ServiceLog.objects.exists()


def test_a_unit_cannot_log_on_another_units_project_and_a_department_not_at_all(
    users, project, today
):
    for name in ("dongchangfu", "dept_land", "inspector", "auditor"):
        with pytest.raises(PermissionDenied):
            service_log_add(
                actor=users[name], project=project, on=today, kind=kind("call"), note="电话回访"
            )
    # The project's own unit may.
    service_log_add(
        actor=users["linqing"], project=project, on=today, kind=kind("call"), note="电话回访"
    )


def test_only_the_author_corrects_an_entry_and_a_masked_phone_keeps_the_stored_one(
    users, project, today
):
    entry = service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("call"),
        note="电话了解用工需求", contact_phone="13812345678",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        service_log_update(
            actor=users["linqing"], entry=entry, on=today, kind=kind("call"), note="改"
        )
    updated = service_log_update(
        actor=users["commissioner"],
        entry=entry,
        on=today,
        kind=kind("coordinate"),
        note="协调人社局组织专场招聘",
        contact_phone="138****5678",
        version=version_of(entry),
    )
    assert (updated.kind.code, updated.contact_phone) == ("coordinate", "13812345678")
    with pytest.raises(VersionConflict):
        service_log_update(
            actor=users["commissioner"], entry=entry, on=today, kind=kind("call"),
            note="旧页面提交", version=version_of(entry),
        )  # fmt: skip


def test_reveal_is_audited_and_refused_to_the_inspector(users, project, today):
    entry = service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("visit"),
        note="走访", contact_name="王经理", contact_phone="13812345678",
    )  # fmt: skip
    assert service_log_reveal(actor=users["linqing"], entry=entry) == "13812345678"
    assert history_for(entry).filter(action=AuditAction.REVEAL).count() == 1
    with pytest.raises(PermissionDenied):
        service_log_reveal(actor=users["inspector"], entry=entry)


# --- pages ----------------------------------------------------------------------------------------


def test_the_form_logs_an_entry_and_the_log_page_shows_the_phone_masked(
    client, users, project, today
):
    client.force_login(users["commissioner"])
    url = reverse("service:servicelog-create", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "on": today.isoformat(),
            "kind": kind("assist").pk,
            "note": "帮办施工许可证",
            "contact_name": "李总",
            "contact_phone": "13912345678",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("service:servicelog-project", args=[project.pk])).content.decode()
    assert "帮办施工许可证" in html and "139****5678" in html and "13912345678" not in html
    reveal = client.post(reverse("service:servicelog-reveal", args=[ServiceLog.objects.get().pk]))
    assert "13912345678" in reveal.content.decode()


def test_a_bad_date_is_a_chinese_error_on_the_field(client, users, project, today):
    client.force_login(users["commissioner"])
    response = client.post(
        reverse("service:servicelog-create", args=[project.pk]),
        {"on": "2024-13-40", "kind": kind("visit").pk, "note": "走访"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),  # to the login page
        ("norole", 403),
        ("dept_land", 403),
        ("auditor", 403),
        ("sysadmin", 403),
        ("dongchangfu", 404),  # another unit's project
        ("linqing", 200),
        ("commissioner", 200),
        ("inspector", 200),
        ("city", 200),
    ],
)
def test_log_page_permissions(client, users, project, who, status):
    if who:
        client.force_login(users[who])
    response = client.get(reverse("service:servicelog-project", args=[project.pk]))
    assert response.status_code == status


def test_entry_edit_by_someone_else_is_403_and_other_unit_404(client, users, project, today):
    entry = service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("visit"), note="走访"
    )
    url = reverse("service:servicelog-edit", args=[entry.pk])
    client.force_login(users["linqing"])
    assert client.get(url).status_code == 403
    client.force_login(users["dongchangfu"])
    assert client.get(url).status_code == 404
    client.force_login(users["commissioner"])
    assert client.get(url).status_code == 200
    client.force_login(users["inspector"])
    assert client.post(reverse("service:servicelog-reveal", args=[entry.pk])).status_code == 403


def test_reveal_is_post_only(client, users, project, today):
    entry = service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("visit"), note="走访",
        contact_phone="13812345678",
    )  # fmt: skip
    client.force_login(users["commissioner"])
    assert client.get(reverse("service:servicelog-reveal", args=[entry.pk])).status_code == 405


def test_the_first_contact_is_on_the_project_timeline_for_who_may_read_the_log(
    client, users, project, today
):
    service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("call"),
        note="首次电话联系企业负责人",
    )  # fmt: skip
    service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("visit"), note="走访"
    )
    url = reverse("projects:detail", args=[project.pk])
    client.force_login(users["linqing"])
    html = client.get(url).content.decode()
    assert html.count("首次服务：电话") == 1 and "首次服务：走访" not in html
    client.force_login(users["dept_land"])  # no project page at all for a department
    assert client.get(url).status_code in (403, 404)


def test_the_project_page_has_the_service_log_panel(client, users, project, today):
    service_log_add(
        actor=users["commissioner"], project=project, on=today, kind=kind("assist"),
        note="帮办环评手续", contact_phone="13812345678",
    )  # fmt: skip
    url = reverse("projects:detail", args=[project.pk])
    client.force_login(users["commissioner"])
    html = client.get(url).content.decode()
    assert 'id="panel-service_log"' in html and "帮办环评手续" in html
    assert "138****5678" in html and "13812345678" not in html
    assert reverse("service:servicelog-create", args=[project.pk]) + "?next=project" in html
    client.force_login(users["inspector"])  # reads the log, adds nothing, reveals nothing
    html = client.get(url).content.decode()
    assert "帮办环评手续" in html
    assert reverse("service:servicelog-create", args=[project.pk]) not in html
    assert reverse("service:servicelog-reveal", args=[1]).rsplit("1", 1)[0] not in html
