"""The security administrator edits role permissions in the app: pages, service, audit, deploys,
and 三员分立: what no administrator may do to a role."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from zhaoshang.accounts.models import RoleDefaultGrant, User
from zhaoshang.accounts.roles import ROLE_PERMISSIONS, Role
from zhaoshang.accounts.selectors import role_default_labels, role_permission_labels
from zhaoshang.accounts.services import (
    role_groups_sync,
    role_permissions_restore,
    role_permissions_set,
)
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = "/accounts/roles/"
UNIT_STAFF = "/accounts/roles/unit_staff/"
RESTORE = "/accounts/roles/unit_staff/restore/"


def role_version(role: str = "unit_staff") -> str:
    """The version of the role's permissions, as its page carries it."""
    return version_of(Group.objects.get(name=role))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_audit() -> list[AuditEntry]:
    group_type = ContentType.objects.get_for_model(Group)
    return list(AuditEntry.objects.filter(content_type=group_type).order_by("id"))


def fresh(user: User) -> User:
    """The user as a new request loads them (role permissions are cached per instance)."""
    return User.objects.get(pk=user.pk)


def test_role_urls_are_named():
    assert reverse("accounts:role-list") == ROLES
    assert reverse("accounts:role-edit", args=["unit_staff"]) == UNIT_STAFF
    assert reverse("accounts:role-restore", args=["unit_staff"]) == RESTORE


@pytest.mark.parametrize(
    "who", ["city", "linqing", "leader", "commissioner", "dept_land", "auditor", "norole"]
)
def test_role_pages_are_403_for_everyone_but_the_administrators(client, users, who):
    before = role_permission_labels(role=Role.UNIT_STAFF)
    login(client, users[who])
    assert client.get(ROLES).status_code == 403
    assert client.get(UNIT_STAFF).status_code == 403
    assert client.post(UNIT_STAFF, {"permissions": ["projects.view_project"]}).status_code == 403
    assert client.post(RESTORE).status_code == 403
    assert role_permission_labels(role=Role.UNIT_STAFF) == before
    assert role_audit() == []
    with pytest.raises(PermissionDenied, match="只有安全管理员可以修改角色权限"):
        role_permissions_set(actor=users[who], role=Role.UNIT_STAFF, permissions=[])
    with pytest.raises(PermissionDenied, match="只有安全管理员可以修改角色权限"):
        role_permissions_restore(actor=users[who], role=Role.UNIT_STAFF)


def test_the_sysadmin_reads_the_roles_but_cannot_change_any(client, users):
    before = role_permission_labels(role=Role.UNIT_STAFF)
    login(client, users["sysadmin"])
    assert client.get(ROLES).status_code == 200
    response = client.get(UNIT_STAFF)
    assert response.status_code == 200 and response.context["can_edit"] is False
    assert client.post(UNIT_STAFF, {"permissions": ["projects.view_project"]}).status_code == 403
    assert client.post(RESTORE).status_code == 403
    assert role_permission_labels(role=Role.UNIT_STAFF) == before
    with pytest.raises(PermissionDenied, match="只有安全管理员可以修改角色权限"):
        role_permissions_set(actor=users["sysadmin"], role=Role.SYSADMIN, permissions=[])
    assert role_audit() == []


def test_anonymous_is_sent_to_login(client, users):
    response = client.get(ROLES)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post(UNIT_STAFF, {}).status_code == 302
    assert role_audit() == []


def test_navbar_links_the_role_page_for_the_administrators_only(client, users):
    for who in ("secadmin", "sysadmin"):
        html = login(client, users[who]).get("/accounts/me/").content.decode()
        assert f'href="{ROLES}">角色权限</a>' in html
        client.logout()
    html = login(client, users["city"]).get("/accounts/me/").content.decode()
    assert ROLES not in html


def test_role_list_shows_every_role_at_its_defaults(client, users):
    response = login(client, users["secadmin"]).get(ROLES)
    assert response.status_code == 200
    rows = {r.role: r for r in response.context["roles"]}
    assert list(rows) == list(Role.values)
    assert rows["unit_staff"].users == 2
    assert rows["sysadmin"].users == 1
    assert all(not r.customised for r in rows.values())
    assert rows["sysadmin"].permissions == len(ROLE_PERMISSIONS[Role.SYSADMIN])


def test_role_page_groups_permissions_by_app_and_model_in_chinese(client, users):
    response = login(client, users["secadmin"]).get(UNIT_STAFF)
    assert response.status_code == 200
    sections = {s.app_label: s for s in response.context["sections"]}
    assert sections["projects"].name == "招商项目"
    assert sections["auth"].name == "角色权限"
    assert not {"admin", "sessions", "contenttypes", "authtoken", "axes"} & set(sections)
    rows = {r.name: r for r in sections["projects"].rows}
    view, add, change, delete = rows["招商项目"].actions
    assert (view.label, view.name, view.checked, view.default) == (
        "projects.view_project",
        "查看",
        True,
        True,
    )
    assert (add.name, add.checked, change.name, change.checked) == ("新增", True, "修改", True)
    assert (delete.label, delete.name, delete.checked) == ("projects.delete_project", "删除", False)
    others = {c.label: c for c in rows["到位资金"].others}
    assert others["projects.verify_fundsrecord"].name == "核实到位资金"
    assert others["projects.verify_fundsrecord"].checked is False
    html = response.content.decode()
    assert "Can view" not in html
    assert 'value="projects.view_project"' in html
    assert response.context["can_edit"] is True


def test_removing_a_permission_takes_the_page_away_from_the_role(client, users):
    linqing_client = login(client.__class__(), users["linqing"])
    assert linqing_client.get("/projects/").status_code == 200
    wanted = sorted(role_permission_labels(role=Role.UNIT_STAFF) - {"projects.view_project"})
    response = login(client, users["secadmin"]).post(
        UNIT_STAFF, {"permissions": wanted, "version": role_version()}
    )
    assert response.status_code == 302 and response.url == UNIT_STAFF
    assert linqing_client.get("/projects/").status_code == 403
    assert not fresh(users["linqing"]).has_perm("projects.view_project")
    # Other roles keep it.
    assert fresh(users["city"]).has_perm("projects.view_project")


def test_adding_a_permission_grants_it_to_every_user_of_the_role(client, users):
    assert not fresh(users["leader"]).has_perm("projects.change_project")
    wanted = sorted(role_permission_labels(role=Role.LEADER) | {"projects.change_project"})
    login(client, users["secadmin"]).post(
        "/accounts/roles/leader/", {"permissions": wanted, "version": role_version("leader")}
    )
    assert fresh(users["leader"]).has_perm("projects.change_project")
    assert fresh(users["linqing_leader"]).has_perm("projects.change_project")


def test_a_save_writes_one_audit_entry_with_the_codenames_before_and_after(client, users):
    before = sorted(role_permission_labels(role=Role.UNIT_STAFF))
    after = sorted(
        (set(before) - {"projects.view_project", "projects.add_project"})
        | {"projects.delete_project"}
    )
    login(client, users["secadmin"]).post(
        UNIT_STAFF, {"permissions": after, "version": role_version()}
    )
    [entry] = role_audit()
    group = Group.objects.get(name="unit_staff")
    assert entry.action == AuditAction.UPDATE
    assert (entry.user, entry.username) == (users["secadmin"], "secadmin")
    assert entry.object_id == str(group.pk)
    assert entry.object_repr == "角色：县市区/功能区招商人员"
    assert entry.before == {"permissions": before}
    assert entry.after == {"permissions": after}
    assert entry.note == "修改角色权限：新增 1 项，取消 2 项"


def test_saving_unchanged_permissions_writes_nothing(client, users):
    current = sorted(role_permission_labels(role=Role.UNIT_STAFF))
    response = login(client, users["secadmin"]).post(
        UNIT_STAFF, {"permissions": current, "version": role_version()}
    )
    assert response.status_code == 302
    assert role_audit() == []


def test_htmx_save_returns_the_editor_with_what_changed(client, users):
    wanted = sorted(role_permission_labels(role=Role.UNIT_STAFF) - {"projects.view_project"})
    response = login(client, users["secadmin"]).post(
        UNIT_STAFF,
        {"permissions": wanted, "version": role_version()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="role-editor",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="role-editor">')
    assert "已保存：新增 0 项，取消 1 项" in html
    assert "<html" not in html


def test_a_permission_not_on_offer_is_refused_at_the_field(client, users):
    before = role_permission_labels(role=Role.UNIT_STAFF)
    with pytest.raises(ValidationError) as exc:
        role_permissions_set(
            actor=users["secadmin"],
            role=Role.UNIT_STAFF,
            permissions=[*before, "sessions.view_session"],
        )
    assert exc.value.message_dict == {"permissions": ["不能在此分配的权限：sessions.view_session"]}
    response = login(client, users["secadmin"]).post(
        UNIT_STAFF, {"permissions": [*before, "sessions.view_session"]}
    )
    assert response.status_code == 200
    assert "不能在此分配的权限：sessions.view_session" in response.content.decode()
    assert role_permission_labels(role=Role.UNIT_STAFF) == before
    assert role_audit() == []


def test_an_unknown_role_is_404_on_the_page_and_refused_by_the_service(client, users):
    assert login(client, users["secadmin"]).get("/accounts/roles/nobody/").status_code == 404
    with pytest.raises(ValidationError) as exc:
        role_permissions_set(actor=users["secadmin"], role="nobody", permissions=[])
    assert exc.value.message_dict == {"role": ["未知角色"]}


def test_permissions_the_page_does_not_offer_are_kept_on_save(users):
    group = Group.objects.get(name="unit_staff")
    group.permissions.add(perm("admin.view_logentry"))
    current = role_permission_labels(role=Role.UNIT_STAFF) - {"admin.view_logentry"}
    change = role_permissions_set(
        actor=users["secadmin"],
        role=Role.UNIT_STAFF,
        permissions=current - {"projects.view_project"},
    )
    assert change.removed == ("projects.view_project",)
    assert "admin.view_logentry" in role_permission_labels(role=Role.UNIT_STAFF)


def test_restore_defaults_resets_the_role_and_is_audited(client, users):
    defaults = role_default_labels(role=Role.UNIT_STAFF)
    role_permissions_set(
        actor=users["secadmin"],
        role=Role.UNIT_STAFF,
        permissions=(defaults - {"projects.view_project"}) | {"projects.delete_project"},
    )
    response = login(client, users["secadmin"]).post(RESTORE)
    assert response.status_code == 302 and response.url == UNIT_STAFF
    assert role_permission_labels(role=Role.UNIT_STAFF) == defaults
    assert fresh(users["linqing"]).has_perm("projects.view_project")
    assert not fresh(users["linqing"]).has_perm("projects.delete_project")
    edit, restore = role_audit()
    assert restore.note == "恢复默认权限：新增 1 项，取消 1 项"
    assert restore.before == edit.after
    assert restore.after == {"permissions": sorted(defaults)}


def test_restore_of_a_role_at_its_defaults_writes_nothing(users):
    change = role_permissions_restore(actor=users["secadmin"], role=Role.CITY_ADMIN)
    assert change.changed is False and change.entry is None
    assert role_audit() == []


# --- deploys: role_groups_sync (post_migrate, load_demo) ----------------------------------------


def test_a_deploy_does_not_give_back_a_permission_the_secadmin_removed(users):
    current = role_permission_labels(role=Role.UNIT_STAFF)
    role_permissions_set(
        actor=users["secadmin"],
        role=Role.UNIT_STAFF,
        permissions=(current - {"projects.view_project"}) | {"projects.delete_project"},
    )
    role_groups_sync()
    held = role_permission_labels(role=Role.UNIT_STAFF)
    assert "projects.view_project" not in held
    assert "projects.delete_project" in held


def test_a_deploy_grants_a_default_added_by_a_new_release_once(users, monkeypatch):
    added = [*ROLE_PERMISSIONS[Role.LEADER], "projects.change_milestone"]
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.LEADER, added)
    role_groups_sync()
    assert "projects.change_milestone" in role_permission_labels(role=Role.LEADER)
    assert RoleDefaultGrant.objects.filter(
        role="leader", permission="projects.change_milestone"
    ).exists()
    # Taken away afterwards, it stays away on the next deploy.
    role_permissions_set(
        actor=users["secadmin"],
        role=Role.LEADER,
        permissions=role_permission_labels(role=Role.LEADER) - {"projects.change_milestone"},
    )
    role_groups_sync()
    assert "projects.change_milestone" not in role_permission_labels(role=Role.LEADER)


def test_every_default_is_remembered_after_migrate(users):
    for role in Role:
        remembered = set(
            RoleDefaultGrant.objects.filter(role=role).values_list("permission", flat=True)
        )
        assert remembered == role_default_labels(role=role), role


def test_django_admin_shows_role_groups_read_only(users):
    superuser = User.objects.create_superuser("root", password="x-root-pass-123")
    request = RequestFactory().get("/")
    request.user = superuser
    admin = site._registry[Group]
    group = Group.objects.get(name="unit_staff")
    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request, group) is False
    assert admin.has_delete_permission(request, group) is False
    assert admin.has_view_permission(request, group) is True
