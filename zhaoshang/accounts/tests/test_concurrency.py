"""A stale edit of an account or of a role's permissions never overwrites another
administrator's save (issue 9 §5)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.selectors import role_permission_labels
from zhaoshang.accounts.services import role_permissions_set, user_update
from zhaoshang.core.tests.concurrency_harness import Edit, VersionedFormCases

pytestmark = pytest.mark.django_db


class TestUserEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users) -> Edit:
        target = users["linqing"]
        return Edit(
            record=target,
            user=users["sysadmin"],
            url=reverse("accounts:user-edit", args=[target.pk]),
            data={
                "display_name": target.display_name,
                "title": "副科长",
                "phone": target.phone,
                "email": target.email,
                "role": target.role,
                "unit": target.unit_id,
                "department": "",
                "is_active": "on",
            },
            label="职务",
            mine="副科长",
            theirs=lambda: user_update(actor=users["sysadmin"], user=target, title="科长"),
        )


class TestRolePermissionsEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users) -> Edit:
        current = role_permission_labels(role=Role.UNIT_STAFF)
        return Edit(
            record=Group.objects.get(name=Role.UNIT_STAFF),
            user=users["secadmin"],
            url=reverse("accounts:role-edit", args=[Role.UNIT_STAFF]),
            data={"permissions": sorted(current - {"projects.view_project"})},
            label=str(Group._meta.get_field("permissions").verbose_name),
            theirs=lambda: role_permissions_set(
                actor=users["secadmin"],
                role=Role.UNIT_STAFF,
                permissions=sorted(current - {"projects.add_project"}),
            ),
        )
