"""A stale edit of an enterprise, a contact or a key target entry never overwrites another
user's save (issue 9 §5)."""

import pytest
from django.urls import reverse

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.tests.concurrency_harness import Edit, VersionedApiCases, VersionedFormCases
from zhaoshang.enterprises.services import (
    contact_create,
    contact_update,
    enterprise_create,
    enterprise_update,
    target_entry_create,
    target_entry_update,
)

from .conftest import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(users):
    return enterprise_create(
        actor=users["city"],
        name="临清轴承集团有限公司",
        uscc=make_uscc(1),
        division_code="371581",
        address="临清市工业园",
    )


class TestEnterpriseEdit(VersionedFormCases, VersionedApiCases):
    @pytest.fixture
    def edit(self, users, firm) -> Edit:
        return Edit(
            record=firm,
            user=users["linqing"],
            url=reverse("enterprises:edit", args=[firm.pk]),
            data={
                "name": firm.name,
                "uscc": firm.uscc,
                "division_code": "371581",
                "country": "CN",
                "address": "临清市经济开发区",
            },
            label="注册地址",
            mine="临清市经济开发区",
            theirs=lambda: enterprise_update(
                actor=users["city"], enterprise=firm, address="临清市烟店镇"
            ),
            api_url=f"/api/enterprises/{firm.pk}/",
            api_data={"address": "临清市经济开发区"},
        )


class TestContactEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users, firm) -> Edit:
        contact = contact_create(
            actor=users["city"], enterprise=firm, name="张经理", phone="13812345678"
        )
        return Edit(
            record=contact,
            user=users["city"],
            url=reverse("enterprises:contact-edit", args=[contact.pk]),
            data={"name": "张经理", "title": "总经理", "phone": "13812345678"},
            label="职务",
            mine="总经理",
            theirs=lambda: contact_update(actor=users["linqing"], contact=contact, title="董事长"),
        )


def test_a_contact_conflict_shows_the_phone_masked(client, users, firm):
    contact = contact_create(
        actor=users["city"], enterprise=firm, name="张经理", phone="13812345678"
    )
    client.force_login(users["city"])
    url = reverse("enterprises:contact-edit", args=[contact.pk])
    version = version_of(contact)
    contact_update(actor=users["linqing"], contact=contact, phone="13900001111")
    html = client.post(
        url, {"name": "张经理", "phone": "13822223333", "version": version}
    ).content.decode()
    assert "电话：您填写“138****3333”，他人已改为“139****1111”" in html
    assert "13900001111" not in html


class TestTargetEntryEdit(VersionedFormCases, VersionedApiCases):
    @pytest.fixture
    def edit(self, users, org, chain) -> Edit:
        firm = enterprise_create(actor=users["city"], name="苏州铝箔有限公司", uscc=make_uscc(11))
        entry = target_entry_create(
            actor=users["city"],
            year=2024,
            enterprise=firm,
            direction=chain["aluminium"],
            owner_unit=org["linqing"],
            next_step="三月登门拜访",
        )
        return Edit(
            record=entry,
            user=users["linqing"],
            url=reverse("enterprises:target-edit", args=[entry.pk]),
            data={"status": "contacted", "next_step": "四月洽谈用地", "next_step_due": ""},
            label="下一步",
            mine="四月洽谈用地",
            theirs=lambda: target_entry_update(
                actor=users["city"], entry=entry, next_step="改为五月市级对接"
            ),
            api_url=f"/api/target-entries/{entry.pk}/",
            api_data={"next_step": "四月洽谈用地"},
        )
