"""User management: the system administrator manages accounts; nobody else changes them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.accounts.models import Department, User
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.services import user_set_password, user_update
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "/accounts/users/"
NEW_PASSWORD = "Shuicheng-2024!"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def edit_url(user):
    return reverse("accounts:user-edit", args=[user.pk])


def edit_data(user, **changes):
    data = {
        "display_name": user.display_name,
        "title": user.title,
        "phone": user.phone,
        "email": user.email,
        "role": user.role,
        "unit": user.unit_id or "",
        "department": user.department_id or "",
        "is_active": "on" if user.is_active else "",
        "version": version_of(User.objects.get(pk=user.pk)),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_user_management_urls_are_named():
    assert reverse("accounts:user-list") == LIST
    assert reverse("accounts:user-create") == "/accounts/users/new/"


def test_sysadmin_lists_all_users(client, users):
    response = login(client, users["sysadmin"]).get(LIST)
    assert response.status_code == 200
    listed = [u.username for u in response.context["page"].object_list]
    assert listed == sorted(u.username for u in users.values())
    assert response.context["can_manage"] is True
    assert edit_url(users["linqing"]) in response.content.decode()


def test_user_list_filters_by_role_unit_and_text(client, users, org):
    login(client, users["sysadmin"])
    response = client.get(LIST, {"role": Role.UNIT_STAFF})
    assert [u.username for u in response.context["page"].object_list] == ["dongchangfu", "linqing"]
    response = client.get(LIST, {"unit": org["linqing"].pk})
    assert [u.username for u in response.context["page"].object_list] == [
        "linqing",
        "linqing_leader",
    ]
    response = client.get(LIST, {"q": "dept"})
    assert [u.username for u in response.context["page"].object_list] == ["dept_land"]


def test_user_list_masks_phone_numbers(client, users):
    users["linqing"].phone = "13812345678"
    users["linqing"].save()
    html = login(client, users["sysadmin"]).get(LIST).content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_city_admin_views_user_list_but_cannot_edit(client, users):
    login(client, users["city"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert edit_url(users["linqing"]) not in response.content.decode()
    assert client.get(edit_url(users["linqing"])).status_code == 403
    assert client.get(reverse("accounts:user-create")).status_code == 403
    response = client.post(edit_url(users["linqing"]), edit_data(users["linqing"], role="auditor"))
    assert response.status_code == 403
    users["linqing"].refresh_from_db()
    assert users["linqing"].role == Role.UNIT_STAFF


@pytest.mark.parametrize("who", ["linqing", "leader", "commissioner", "dept_land", "norole"])
def test_business_users_cannot_see_user_list(client, users, who):
    assert login(client, users[who]).get(LIST).status_code == 403


def test_sysadmin_creates_unit_staff_user_and_it_is_audited(client, users, org):
    login(client, users["sysadmin"])
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "gaotang01",
            "display_name": "王敏",
            "title": "招商专员",
            "phone": "13900001111",
            "role": Role.UNIT_STAFF,
            "unit": org["chiping"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    created = User.objects.get(username="gaotang01")
    assert response.status_code == 302
    assert response.url == edit_url(created)
    assert (created.role, created.unit, created.display_name, created.phone) == (
        Role.UNIT_STAFF,
        org["chiping"],
        "王敏",
        "13900001111",
    )
    assert created.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(created.pk))
    assert entry.username == "sysadmin"
    assert entry.after["role"] == "unit_staff"
    assert entry.after["unit_id"] == org["chiping"].pk
    assert "password" not in entry.after


def test_create_unit_staff_without_unit_is_field_error_and_saves_nothing(client, users):
    login(client, users["sysadmin"])
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "nounit",
            "role": Role.UNIT_STAFF,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"unit": ["该角色必须绑定单位"]}
    assert "该角色必须绑定单位" in response.content.decode()
    assert not User.objects.filter(username="nounit").exists()
    assert AuditEntry.objects.count() == before


def test_create_user_refuses_weak_password_and_duplicate_username(client, users):
    login(client, users["sysadmin"])
    response = client.post(
        reverse("accounts:user-create"),
        {"username": "LINQING", "role": Role.AUDITOR, "password1": "123", "password2": "123"},
    )
    errors = response.context["form"].errors
    assert errors["username"] == ["该用户名已被使用"]
    assert "password1" in errors
    assert User.objects.filter(username__iexact="linqing").count() == 1


def test_sysadmin_changes_role_and_binding_and_it_is_audited(client, users, org):
    target = users["linqing"]
    login(client, users["sysadmin"])
    response = client.post(
        edit_url(target), edit_data(target, role=Role.LEADER, unit=org["dongchangfu"].pk)
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.unit) == (Role.LEADER, org["dongchangfu"])
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert (entry.before["role"], entry.after["role"]) == ("unit_staff", "leader")
    assert (entry.before["unit_id"], entry.after["unit_id"]) == (
        org["linqing"].pk,
        org["dongchangfu"].pk,
    )
    assert "password" not in entry.before and "password" not in entry.after


def test_sysadmin_binds_department_staff_to_a_department(client, users):
    land = Department.objects.get(code="zrzy")
    target = users["norole"]
    login(client, users["sysadmin"])
    response = client.post(edit_url(target), edit_data(target, role=Role.DEPT_STAFF))
    assert response.context["form"].errors == {"department": ["职能部门人员必须绑定部门"]}
    response = client.post(
        edit_url(target), edit_data(target, role=Role.DEPT_STAFF, department=land.pk)
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.department) == (Role.DEPT_STAFF, land)


def test_deactivated_user_cannot_log_in(client, users):
    target = users["linqing"]
    login(client, users["sysadmin"]).post(edit_url(target), edit_data(target, is_active=""))
    target.refresh_from_db()
    assert target.is_active is False
    client.logout()
    assert client.login(username="linqing", password=PASSWORD) is False
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)


def test_sysadmin_cannot_deactivate_self_or_change_own_role(client, users):
    me = users["sysadmin"]
    login(client, me)
    response = client.post(edit_url(me), edit_data(me, is_active="", role=Role.CITY_ADMIN))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "is_active": ["不能停用自己的账号"],
        "role": ["不能修改自己的角色"],
    }
    me.refresh_from_db()
    assert me.is_active and me.role == Role.SYSADMIN


def test_sysadmin_resets_password_and_it_is_audited_without_the_password(client, users):
    target = users["linqing"]
    login(client, users["sysadmin"])
    response = client.post(
        reverse("accounts:user-password", args=[target.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(target.pk))
    assert entry.note == "重置密码"
    changed = {k: (entry.before[k], v) for k, v in entry.after.items() if entry.before[k] != v}
    assert changed == {
        "is_active": (True, False),
        "approval_pending": (False, True),
        "approval_reason": ("", "reset"),
        "must_change_password": (False, True),
    }
    assert "password" not in entry.after
    assert NEW_PASSWORD not in str(AuditEntry.objects.values_list("note", "before", "after"))


def test_password_reset_mismatch_is_field_error(client, users):
    target = users["linqing"]
    login(client, users["sysadmin"])
    response = client.post(
        reverse("accounts:user-password", args=[target.pk]),
        {"password1": NEW_PASSWORD, "password2": "other-password-1"},
    )
    assert response.status_code == 200
    assert response.context["password_form"].errors == {"password2": ["两次输入的密码不一致"]}
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_sysadmin_cannot_read_business_data(client, users):
    login(client, users["sysadmin"])
    assert client.get(reverse("enterprises:list")).status_code == 403
    assert client.get(reverse("core:audit-log")).status_code == 403


def test_user_update_service_requires_change_permission(users):
    with pytest.raises(PermissionDenied, match="没有修改用户的权限"):
        user_update(actor=users["city"], user=users["linqing"], role=Role.AUDITOR)
    with pytest.raises(PermissionDenied, match="没有修改用户的权限"):
        user_set_password(actor=users["auditor"], user=users["linqing"], password=NEW_PASSWORD)
    assert not AuditEntry.objects.exists()


def test_user_update_service_refuses_other_fields(users):
    with pytest.raises(ValidationError) as exc:
        user_update(actor=users["sysadmin"], user=users["linqing"], is_superuser=True)
    assert exc.value.message_dict == {"is_superuser": ["该字段不能在此修改"]}
    users["linqing"].refresh_from_db()
    assert users["linqing"].is_superuser is False


def test_sysadmin_cannot_edit_a_superuser(users):
    root = User.objects.create_superuser("root", password="x-root-pass-123")
    with pytest.raises(PermissionDenied, match="只有超级管理员可以修改超级管理员账号"):
        user_update(actor=users["sysadmin"], user=root, is_active=False)


def test_user_update_without_changes_writes_no_entry(users):
    user_update(actor=users["sysadmin"], user=users["linqing"], title="")
    assert not AuditEntry.objects.exists()


def test_a_new_phone_number_that_masks_like_the_old_one_is_still_audited(users):
    target = users["linqing"]
    user_update(actor=users["sysadmin"], user=target, phone="13812345678")
    user_update(actor=users["sysadmin"], user=target, phone="13899995678")
    first, second = AuditEntry.objects.filter(action=AuditAction.UPDATE).order_by("id")
    assert first.after["phone"] == second.after["phone"] == "138****5678"
    assert second.before["phone"] == "138****5678" and second.note == "电话已修改（已遮蔽）"
    assert "13899995678" not in str(second.before) + str(second.after) + second.note


def test_the_edit_form_shows_a_masked_phone_and_keeps_the_stored_one_unless_a_new_one_is_typed(
    client, users
):
    target = users["linqing"]
    user_update(actor=users["sysadmin"], user=target, phone="13812345678")
    login(client, users["sysadmin"])
    html = client.get(edit_url(target)).content.decode()
    assert 'value="138****5678"' in html and "13812345678" not in html
    target.refresh_from_db()
    assert client.post(edit_url(target), edit_data(target, phone="138****5678")).status_code == 302
    target.refresh_from_db()
    assert target.phone == "13812345678"
    client.post(edit_url(target), edit_data(target, phone="13900001111"))
    target.refresh_from_db()
    assert target.phone == "13900001111"


def test_missing_user_is_404(client, users):
    assert login(client, users["sysadmin"]).get("/accounts/users/999999/").status_code == 404
