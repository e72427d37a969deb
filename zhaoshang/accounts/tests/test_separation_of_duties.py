"""三员分立: the system, security and audit administrators kept apart, each refusal in the
service (Chinese, field-keyed) and on the pages, every action audited."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from zhaoshang.accounts.models import ApprovalReason, User
from zhaoshang.accounts.roles import (
    ADMIN_DUTIES,
    ADMIN_ROLES,
    BUSINESS_DATA_PERMISSIONS,
    Role,
)
from zhaoshang.accounts.selectors import (
    label_matches,
    role_default_labels,
    role_permission_labels,
    role_rule_violations,
)
from zhaoshang.accounts.services import (
    role_groups_sync,
    role_permissions_restore,
    role_permissions_set,
    token_regenerate,
    user_approve,
    user_create,
    user_password_change,
    user_reject,
    user_set_password,
    user_update,
)
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.harness import Page, PagePermissionCases
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Shuicheng-2024-new!"
CHANGED = "Dongchang-2025-own!"
AUDITOR_LABEL = "审计管理员"


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def entries_on(user: User) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk))
        .exclude(action__in=["login", "logout", "login_failed"])
        .order_by("id")
    )


# --- the roles' permissions --------------------------------------------------------------------


def test_the_sysadmin_cannot_give_its_own_role_business_permissions(client, users):
    before = role_permission_labels(role=Role.SYSADMIN)
    wanted = [*before, "projects.view_fundsrecord", "enterprises.view_contact_phone"]
    with pytest.raises(PermissionDenied, match="只有安全管理员可以修改角色权限"):
        role_permissions_set(actor=users["sysadmin"], role=Role.SYSADMIN, permissions=wanted)
    client.force_login(users["sysadmin"])
    response = client.post("/accounts/roles/sysadmin/", {"permissions": wanted})
    assert response.status_code == 403
    assert role_permission_labels(role=Role.SYSADMIN) == before
    assert not fresh(users["sysadmin"]).has_perm("projects.view_fundsrecord")
    assert client.get("/projects/funds/").status_code == 403
    assert not AuditEntry.objects.filter(content_type__model="group").exists()


def test_the_secadmin_cannot_give_an_administrator_role_business_permissions(users):
    before = role_permission_labels(role=Role.SYSADMIN)
    with pytest.raises(ValidationError) as exc:
        role_permissions_set(
            actor=users["secadmin"],
            role=Role.SYSADMIN,
            permissions=[*before, "projects.view_fundsrecord", "core.view_auditentry"],
        )
    assert exc.value.message_dict == {
        "permissions": [
            "管理员角色不能拥有业务数据权限：projects.view_fundsrecord",
            "系统管理员的职责不包含这些权限：core.view_auditentry",
        ]
    }
    assert role_permission_labels(role=Role.SYSADMIN) == before
    # Within its duty the secadmin may narrow the sysadmin's role (audited).
    change = role_permissions_set(
        actor=users["secadmin"], role=Role.SYSADMIN, permissions=before - {"accounts.add_user"}
    )
    assert change.removed == ("accounts.add_user",) and change.entry.user == users["secadmin"]


def test_no_administrator_edits_its_own_role(client, users):
    before = role_permission_labels(role=Role.SECADMIN)
    with pytest.raises(ValidationError) as exc:
        role_permissions_set(
            actor=users["secadmin"], role=Role.SECADMIN, permissions=before - {"auth.view_group"}
        )
    assert exc.value.message_dict == {"role": ["不能修改自己所属角色的权限"]}
    with pytest.raises(ValidationError) as exc:
        role_permissions_restore(actor=users["secadmin"], role=Role.SECADMIN)
    assert exc.value.message_dict == {"role": ["不能修改自己所属角色的权限"]}
    client.force_login(users["secadmin"])
    response = client.get("/accounts/roles/secadmin/")
    assert response.context["can_edit"] is False
    assert "不能修改自己所属角色的权限" in response.content.decode()
    response = client.post("/accounts/roles/secadmin/", {"permissions": sorted(before)[:1]})
    assert response.status_code == 200
    assert "不能修改自己所属角色的权限" in response.content.decode()
    assert role_permission_labels(role=Role.SECADMIN) == before


def test_nobody_edits_the_auditor_role_in_the_app(client, users):
    before = role_permission_labels(role=Role.AUDITOR)
    superuser = User.objects.create_superuser("root", password="x-root-pass-123")
    for actor in (users["secadmin"], superuser):
        with pytest.raises(ValidationError) as exc:
            role_permissions_set(
                actor=actor, role=Role.AUDITOR, permissions=before - {"core.view_auditentry"}
            )
        assert exc.value.message_dict == {
            "role": [f"{AUDITOR_LABEL}的权限由系统固定，不能在系统中修改"]
        }
        with pytest.raises(ValidationError):
            role_permissions_restore(actor=actor, role=Role.AUDITOR)
    client.force_login(users["secadmin"])
    client.post("/accounts/roles/auditor/", {"permissions": []})
    client.post("/accounts/roles/auditor/restore/")
    assert role_permission_labels(role=Role.AUDITOR) == before
    client.force_login(users["auditor"])
    assert client.get("/audit/").status_code == 200


def test_a_business_role_cannot_be_given_administrator_permissions(users):
    before = role_permission_labels(role=Role.CITY_ADMIN)
    with pytest.raises(ValidationError) as exc:
        role_permissions_set(
            actor=users["secadmin"],
            role=Role.CITY_ADMIN,
            permissions=[*before, "accounts.add_user", "auth.change_group"],
        )
    assert exc.value.message_dict == {
        "permissions": ["业务角色不能拥有管理员权限：accounts.add_user、auth.change_group"]
    }
    assert role_permission_labels(role=Role.CITY_ADMIN) == before


def test_every_role_default_keeps_the_rules_and_no_administrator_holds_business_data(users):
    for role in Role:
        assert role_rule_violations(role=role, labels=role_default_labels(role=role)) == []
    for role in ADMIN_ROLES:
        held = role_permission_labels(role=role)
        assert [p for p in held if label_matches(p, BUSINESS_DATA_PERMISSIONS)] == []
        assert ("core.view_auditentry" in held) == (role == Role.AUDITOR)
    inspector = role_permission_labels(role=Role.INSPECTOR)
    business = [p for p in inspector if label_matches(p, BUSINESS_DATA_PERMISSIONS)]
    assert "projects.view_fundsrecord" in business and all(".view_" in p for p in business)
    assert "enterprises.view_contact_phone" not in inspector
    assert "core.view_auditentry" not in inspector
    assert {"sysadmin", "secadmin", "auditor"} == ADMIN_ROLES
    assert ADMIN_DUTIES[Role.SECADMIN].edits == (
        "city_admin", "unit_staff", "leader", "commissioner", "dept_staff", "inspector", "sysadmin"
    )  # fmt: skip


def test_a_deploy_takes_back_what_an_administrator_role_should_not_hold(users):
    Group.objects.get(name="sysadmin").permissions.add(
        perm("projects.view_fundsrecord"),
        perm("enterprises.view_contact_phone"),
        perm("auth.change_group"),
    )
    Group.objects.get(name="auditor").permissions.remove(perm("core.view_auditentry"))
    role_groups_sync()
    assert role_permission_labels(role=Role.SYSADMIN) == role_default_labels(role=Role.SYSADMIN)
    assert role_permission_labels(role=Role.AUDITOR) == role_default_labels(role=Role.AUDITOR)
    auditor, sysadmin = AuditEntry.objects.filter(content_type__model="group").order_by("id")
    assert sysadmin.user is None and sysadmin.note == "按三员分立规则校正管理员角色的权限"
    assert set(sysadmin.before["permissions"]) - set(sysadmin.after["permissions"]) == {
        "projects.view_fundsrecord",
        "enterprises.view_contact_phone",
        "auth.change_group",
    }
    assert set(auditor.after["permissions"]) - set(auditor.before["permissions"]) == {
        "core.view_auditentry"
    }
    role_groups_sync()
    assert AuditEntry.objects.filter(content_type__model="group").count() == 2


def test_the_data_migration_gives_an_old_database_the_secadmin_and_corrected_roles(users):
    migration = importlib.import_module(
        "zhaoshang.accounts.migrations.0005_three_administrators_data"
    )
    Group.objects.get(name="secadmin").delete()
    Group.objects.get(name="sysadmin").permissions.add(
        perm("auth.change_group"), perm("projects.view_fundsrecord")
    )
    Group.objects.get(name="auditor").permissions.remove(perm("core.view_auditentry"))
    editor = type("Editor", (), {"connection": connection})()
    migration.forwards(apps, editor)
    assert role_permission_labels(role=Role.SECADMIN) == role_default_labels(role=Role.SECADMIN)
    assert role_permission_labels(role=Role.SYSADMIN) == role_default_labels(role=Role.SYSADMIN)
    assert role_permission_labels(role=Role.AUDITOR) == role_default_labels(role=Role.AUDITOR)


# --- accounts: approval ------------------------------------------------------------------------


def test_an_account_the_sysadmin_creates_waits_for_the_secadmin(client, users, org):
    created = user_create(
        actor=users["sysadmin"],
        username="city_new",
        password=NEW,
        role=Role.CITY_ADMIN,
        unit=org["city"],
    )
    assert (created.is_active, created.approval_pending, created.approval_reason) == (
        False,
        True,
        ApprovalReason.CREATED,
    )
    assert created.must_change_password is True
    assert not created.has_perm("projects.view_fundsrecord")
    assert client.login(username="city_new", password=NEW) is False
    page = client.post(reverse("accounts:login"), {"username": "city_new", "password": NEW})
    assert "该账号正在等待安全管理员审核，审核通过后方可登录。" in page.content.decode()
    wrong = client.post(reverse("accounts:login"), {"username": "city_new", "password": "x"})
    assert "等待安全管理员审核" not in wrong.content.decode()

    client.force_login(users["secadmin"])
    queue = client.get(reverse("accounts:approval-queue"))
    assert [u.username for u in queue.context["pending"]] == ["city_new"]
    assert "新建账号" in queue.content.decode()
    response = client.post(reverse("accounts:user-approve", args=[created.pk]))
    assert response.status_code == 302
    approved = fresh(created)
    assert (approved.is_active, approved.approval_pending, approved.approval_reason) == (
        True,
        False,
        "",
    )
    create, verify = entries_on(created)
    assert (create.action, create.user, create.after["is_active"]) == (
        AuditAction.CREATE,
        users["sysadmin"],
        False,
    )
    assert (verify.action, verify.user, verify.note) == (
        AuditAction.VERIFY,
        users["secadmin"],
        "安全管理员审核通过：新建账号",
    )
    assert (verify.before["is_active"], verify.after["is_active"]) == (False, True)
    # It logs in, and is first sent to change the password the sysadmin set.
    client.logout()
    assert client.login(username="city_new", password=NEW)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("accounts:password-change")


def test_the_installation_and_superusers_create_active_accounts(users, org):
    boot = user_create(actor=None, username="boot", password=NEW, role=Role.SECADMIN)
    assert (boot.is_active, boot.approval_pending, boot.must_change_password) == (
        True,
        False,
        False,
    )
    root = User.objects.create_superuser("root", password="x-root-pass-123")
    made = user_create(
        actor=root, username="made", password=NEW, role=Role.UNIT_STAFF, unit=org["linqing"]
    )
    assert made.is_active and not made.approval_pending and made.must_change_password


def test_only_the_secadmin_approves_and_never_its_own_account(users, org):
    waiting = user_create(
        actor=users["sysadmin"],
        username="waiting",
        password=NEW,
        role=Role.UNIT_STAFF,
        unit=org["linqing"],
    )
    for who in ("sysadmin", "city", "auditor", "linqing"):
        with pytest.raises(PermissionDenied, match="只有安全管理员可以审核账号"):
            user_approve(actor=users[who], user=waiting)
    with pytest.raises(ValidationError) as exc:
        user_approve(actor=users["secadmin"], user=users["secadmin"])
    assert exc.value.message_dict == {"user": ["不能审核自己的账号"]}
    with pytest.raises(ValidationError) as exc:
        user_approve(actor=users["secadmin"], user=users["linqing"])
    assert exc.value.message_dict == {"user": ["账号 linqing 没有待审核的事项"]}
    assert not fresh(waiting).is_active


def test_the_secadmin_refuses_an_account_with_a_reason_and_it_stays_inactive(client, users, org):
    waiting = user_create(
        actor=users["sysadmin"],
        username="waiting",
        password=NEW,
        role=Role.CITY_ADMIN,
        unit=org["city"],
    )
    with pytest.raises(ValidationError) as exc:
        user_reject(actor=users["secadmin"], user=waiting, reason="  ")
    assert exc.value.message_dict == {"reason": ["请填写不予通过的原因"]}
    client.force_login(users["secadmin"])
    client.post(reverse("accounts:user-reject", args=[waiting.pk]), {"reason": "未经单位申请"})
    refused = fresh(waiting)
    assert (refused.is_active, refused.approval_pending) == (False, False)
    entry = entries_on(waiting)[-1]
    assert (entry.action, entry.note) == (AuditAction.REJECT, "安全管理员不予通过：未经单位申请")
    # Refused, it cannot be enabled by the sysadmin alone.
    user_update(actor=users["sysadmin"], user=refused, is_active=True)
    again = fresh(waiting)
    assert (again.is_active, again.approval_pending, again.approval_reason) == (
        False,
        True,
        ApprovalReason.ENABLED,
    )


def test_a_new_role_or_unit_from_the_sysadmin_waits_but_contact_details_do_not(users, org):
    linqing = users["linqing"]
    user_update(actor=users["sysadmin"], user=linqing, display_name="临清招商")
    assert fresh(linqing).is_active
    user_update(actor=users["sysadmin"], user=linqing, unit=org["city"])
    moved = fresh(linqing)
    assert (moved.is_active, moved.approval_pending, moved.approval_reason) == (
        False,
        True,
        ApprovalReason.CHANGED,
    )
    assert moved.scope == "none"
    # Switching it on again while it waits changes nothing.
    user_update(actor=users["sysadmin"], user=moved, is_active=True)
    assert not fresh(linqing).is_active and fresh(linqing).approval_pending
    user_approve(actor=users["secadmin"], user=moved)
    assert fresh(linqing).scope == "all"
    # An account kept switched off while re-bound is not queued (approval would switch it on).
    dongchangfu = users["dongchangfu"]
    user_update(actor=users["sysadmin"], user=dongchangfu, is_active=False)
    user_update(actor=users["sysadmin"], user=dongchangfu, unit=org["chiping"])
    off = fresh(dongchangfu)
    assert (off.is_active, off.approval_pending) == (False, False)


def test_the_sysadmin_cannot_re_bind_itself_into_the_approval_queue(users, org):
    with pytest.raises(ValidationError) as exc:
        user_update(actor=users["sysadmin"], user=users["sysadmin"], unit=org["city"])
    assert exc.value.message_dict == {"unit": ["不能修改自己绑定的单位或部门"]}
    me = fresh(users["sysadmin"])
    assert (me.is_active, me.approval_pending, me.unit) == (True, False, None)


def test_a_reset_password_waits_for_approval_and_must_be_changed_at_first_login(client, users):
    linqing = users["linqing"]
    user_set_password(actor=users["sysadmin"], user=linqing, password=NEW)
    assert client.login(username="linqing", password=NEW) is False
    user_approve(actor=users["secadmin"], user=linqing)
    assert client.login(username="linqing", password=NEW)

    change = reverse("accounts:password-change")
    for path in ("/", "/projects/", "/accounts/me/"):
        response = client.get(path)
        assert (response.status_code, response.url) == (302, change), path
    assert client.get("/projects/", HTTP_HX_REQUEST="true")["HX-Redirect"] == change
    api = client.get("/api/projects/")
    assert api.status_code == 403
    assert api.json() == {"detail": "请先修改初始密码或管理员重置的密码，再使用本平台"}
    token = client.__class__().post("/api/auth/token/", {"username": "linqing", "password": NEW})
    assert token.status_code == 403

    page = client.get(change)
    assert page.status_code == 200 and "请先修改密码再使用本平台" in page.content.decode()
    wrong = client.post(
        change, {"old_password": "nope", "new_password1": CHANGED, "new_password2": CHANGED}
    )
    assert wrong.context["form"].errors == {"old_password": ["原密码不正确"]}
    weak = client.post(
        change, {"old_password": NEW, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "new_password1" in weak.context["form"].errors
    same = client.post(change, {"old_password": NEW, "new_password1": NEW, "new_password2": NEW})
    assert same.context["form"].errors == {"new_password1": ["新密码不能与原密码相同"]}
    assert fresh(linqing).check_password(NEW)

    done = client.post(
        change, {"old_password": NEW, "new_password1": CHANGED, "new_password2": CHANGED}
    )
    assert (done.status_code, done.url) == (302, reverse("portal:home"))
    assert client.get("/projects/").status_code == 200  # the session survives the change
    after = fresh(linqing)
    assert after.check_password(CHANGED) and not after.must_change_password
    reset, approve, own = entries_on(linqing)
    assert (reset.user, reset.note, reset.after["must_change_password"]) == (
        users["sysadmin"],
        "重置密码",
        True,
    )
    assert (approve.user, approve.note) == (users["secadmin"], "安全管理员审核通过：重置密码")
    assert (own.user, own.action, own.note) == (linqing, AuditAction.UPDATE, "用户修改本人密码")
    assert (own.before["must_change_password"], own.after["must_change_password"]) == (True, False)
    assert NEW not in str(AuditEntry.objects.values_list("before", "after", "note"))


def test_nobody_resets_their_own_password_on_the_admin_page(users):
    with pytest.raises(ValidationError) as exc:
        user_set_password(actor=users["sysadmin"], user=users["sysadmin"], password=NEW)
    assert exc.value.message_dict == {
        "password": ["不能在此重置自己的密码，请在“修改密码”页面修改"]
    }


def test_every_user_changes_their_own_password(client, users):
    for who in ("linqing", "sysadmin", "secadmin", "auditor"):
        client.force_login(users[who])
        account = client.get("/accounts/me/").content.decode()
        assert reverse("accounts:password-change") in account
        with pytest.raises(ValidationError):
            user_password_change(actor=fresh(users[who]), old_password="x", new_password=CHANGED)
        user_password_change(actor=fresh(users[who]), old_password=PASSWORD, new_password=CHANGED)
        assert fresh(users[who]).check_password(CHANGED)


# --- the auditor's page of administrator actions -------------------------------------------------


def test_the_auditor_sees_the_administrators_actions_on_their_own_page(client, users, org):
    made = user_create(
        actor=users["sysadmin"], username="new_city", password=NEW, role=Role.CITY_ADMIN,
        unit=org["city"],
    )  # fmt: skip
    user_approve(actor=users["secadmin"], user=made)
    role_permissions_set(
        actor=users["secadmin"],
        role=Role.LEADER,
        permissions=role_permission_labels(role=Role.LEADER) - {"goals.view_goal"},
    )
    user_password_change(actor=users["linqing"], old_password=PASSWORD, new_password=CHANGED)
    # A business user's own login and token are on their account but not an admin's action.
    client.force_login(users["linqing"])
    token_regenerate(actor=users["city"])

    client.force_login(users["auditor"])
    response = client.get(reverse("core:audit-admin"))
    assert response.status_code == 200
    rows = response.context["rows"]
    listed = [(r["entry"].username, r["entry"].action, r["entry"].note) for r in rows]
    assert listed == [
        ("auditor", "login", ""),
        ("linqing", "update", "用户修改本人密码"),
        ("secadmin", "update", "修改角色权限：新增 0 项，取消 1 项"),
        ("secadmin", "verify", "安全管理员审核通过：新建账号"),
        ("sysadmin", "create", ""),
    ]
    html = response.content.decode()
    assert "管理员操作" in html and 'href="/audit/administrators/"' in html
    # The whole log still has everything.
    assert client.get("/audit/").context["page"].paginator.count > len(listed)
    # Its filters work on the page too.
    only = client.get(reverse("core:audit-admin"), {"user": "sysadmin"})
    assert only.status_code == 200
    assert [r["entry"].action for r in only.context["rows"]] == ["create"]


# --- pages -----------------------------------------------------------------------------------------


@pytest.fixture
def objects(users, org):
    waiting = user_create(
        actor=users["sysadmin"], username="waiting", password=NEW, role=Role.UNIT_STAFF,
        unit=org["linqing"],
    )  # fmt: skip
    return {"waiting": waiting}


NOT_SECADMIN = ("city", "linqing", "leader", "auditor", "sysadmin", "norole")


class TestApprovalPages(PagePermissionCases):
    pages = [
        Page("accounts:approval-queue", denied=NOT_SECADMIN),
        Page("accounts:user-approve", "waiting", write=True, denied=NOT_SECADMIN, post_only=True),
        Page("accounts:user-reject", "waiting", write=True, denied=NOT_SECADMIN, post_only=True),
    ]
    readers = ("secadmin",)
    writers = ("secadmin",)

    def footprint(self) -> tuple:
        return (*super().footprint(), User.objects.filter(approval_pending=True).count())


class TestOwnPasswordPage(PagePermissionCases):
    pages = [Page("accounts:password-change", write=True, denied=())]
    writers = ("linqing", "sysadmin", "secadmin", "auditor", "norole")


class TestAdministratorActionsPage(PagePermissionCases):
    pages = [Page("core:audit-admin", denied=("linqing", "sysadmin", "secadmin", "norole"))]
    readers = ("auditor", "city")
