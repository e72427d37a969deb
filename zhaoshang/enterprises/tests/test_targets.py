"""Key target list (重点目标企业): the city curates, a unit updates its own entries (another
unit's is a 404), every write is audited; the same through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import client_for, last_audit_id
from zhaoshang.enterprises.models import TargetEntry, TargetStatus
from zhaoshang.enterprises.services import (
    enterprise_create,
    target_entry_create,
    target_entry_delete,
    target_entry_update,
)

from .conftest import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(users, org, chain):
    city = users["city"]
    ours = enterprise_create(actor=city, name="苏州铝箔有限公司", uscc=make_uscc(11, "320505"))
    theirs = enterprise_create(actor=city, name="无锡轴承有限公司", uscc=make_uscc(12, "320205"))
    return {
        "linqing": target_entry_create(
            actor=city, year=2024, enterprise=ours, direction=chain["aluminium"],
            node=chain["nodes"]["sheet"], owner_unit=org["linqing"], next_step="三月登门拜访",
        ),
        "dongchangfu": target_entry_create(
            actor=city, year=2024, enterprise=theirs, direction=chain["bearing"],
            owner_unit=org["dongchangfu"],
        ),
    }  # fmt: skip


def test_the_city_curates_the_list_and_every_change_is_audited(users, org, chain, entries):
    since = last_audit_id()
    entry = entries["linqing"]
    target_entry_update(actor=users["city"], entry=entry, owner_unit=org["chiping"])
    target_entry_delete(actor=users["city"], entry=entry, reason="已落地")
    actions = list(
        AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", "note")
    )
    assert actions == [(AuditAction.UPDATE, ""), (AuditAction.DELETE, "已落地")]
    assert not TargetEntry.objects.filter(pk=entry.pk).exists()


def test_an_enterprise_is_on_a_years_chain_list_once(users, org, chain, entries):
    with pytest.raises(ValidationError) as info:
        target_entry_create(
            actor=users["city"], year=2024, enterprise=entries["linqing"].enterprise,
            direction=chain["aluminium"], owner_unit=org["chiping"],
        )  # fmt: skip
    assert info.value.message_dict == {"enterprise": ["该企业已在本年度该产业链的重点目标名单中"]}


def test_the_node_must_belong_to_the_chain(users, org, chain, entries):
    with pytest.raises(ValidationError) as info:
        target_entry_create(
            actor=users["city"], year=2025, enterprise=entries["linqing"].enterprise,
            direction=chain["bearing"], node=chain["nodes"]["sheet"], owner_unit=org["linqing"],
        )  # fmt: skip
    assert info.value.message_dict == {"node": ["所选环节不属于该产业链"]}


def test_a_unit_updates_status_and_next_step_of_its_own_entry(users, entries):
    entry = entries["linqing"]
    target_entry_update(
        actor=users["linqing"], entry=entry, status=TargetStatus.CONTACTED,
        next_step="四月邀请来聊考察", next_step_due=dt.date(2024, 4, 30),
    )  # fmt: skip
    entry.refresh_from_db()
    assert (entry.status, entry.next_step) == ("contacted", "四月邀请来聊考察")


def test_a_unit_may_not_reassign_or_remove_entries(users, org, entries):
    entry = entries["linqing"]
    with pytest.raises(PermissionDenied, match="由市级调整"):
        target_entry_update(actor=users["linqing"], entry=entry, owner_unit=org["chiping"])
    with pytest.raises(PermissionDenied, match="没有删除重点目标企业的权限"):
        target_entry_delete(actor=users["linqing"], entry=entry)
    with pytest.raises(PermissionDenied, match="无权操作此重点目标企业"):
        target_entry_update(actor=users["dongchangfu"], entry=entry, status="contacted")


# --- pages ---------------------------------------------------------------------------------------


def test_a_unit_sees_only_its_own_entries_and_the_city_all(client, users, entries):
    client.force_login(users["linqing"])
    page = client.get(reverse("enterprises:targets")).context["page"]
    assert [e.enterprise.name for e in page] == ["苏州铝箔有限公司"]
    client.force_login(users["city"])
    page = client.get(reverse("enterprises:targets")).context["page"]
    assert {e.enterprise.name for e in page} == {"苏州铝箔有限公司", "无锡轴承有限公司"}
    page = client.get(
        reverse("enterprises:targets"), {"year": 2024, "status": "to_contact"}
    ).context["page"]
    assert len(page) == 2


def test_a_unit_edits_its_own_entry_on_the_page(client, users, entries):
    entry = entries["linqing"]
    client.force_login(users["linqing"])
    url = reverse("enterprises:target-edit", args=[entry.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"status", "next_step", "next_step_due", "version"}
    response = client.post(
        url,
        {
            "status": "negotiating",
            "next_step": "谈判用地",
            "next_step_due": "",
            "version": form["version"].value(),
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "negotiating"
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="update").exists()


def test_another_units_entry_is_404_on_the_page_and_in_the_api(client, users, entries):
    theirs = entries["dongchangfu"]
    client.force_login(users["linqing"])
    assert client.get(reverse("enterprises:target-edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("enterprises:target-edit", args=[theirs.pk]), {"status": "landed"}
        ).status_code
        == 404
    )
    api = client_for(users["linqing"])
    assert api.get(f"/api/target-entries/{theirs.pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/target-entries/{theirs.pk}/", {"status": "landed"}, format="json"
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == "to_contact"


def test_the_city_adds_an_entry_on_the_page(client, users, org, chain, entries):
    other = enterprise_create(actor=users["city"], name="宁波轮毂", uscc=make_uscc(13, "330203"))
    client.force_login(users["city"])
    response = client.post(
        reverse("enterprises:target-create"),
        {"year": 2024, "enterprise_uscc": other.uscc, "direction": chain["aluminium"].pk,
         "node": chain["nodes"]["wheel"].pk, "owner_unit": org["chiping"].pk,
         "status": "to_contact", "next_step": "", "next_step_due": ""},
    )  # fmt: skip
    assert response.status_code == 302
    entry = TargetEntry.objects.get(enterprise=other)
    assert entry.owner_unit == org["chiping"] and entry.node == chain["nodes"]["wheel"]
    response = client.post(
        reverse("enterprises:target-create"),
        {"year": 2024, "enterprise_uscc": other.uscc, "direction": chain["aluminium"].pk,
         "owner_unit": org["chiping"].pk, "status": "to_contact"},
    )  # fmt: skip
    assert response.context["form"].errors["enterprise_uscc"] == [
        "该企业已在本年度该产业链的重点目标名单中"
    ]


def test_units_leaders_and_inspectors_cannot_curate(client, users, entries):
    for name in ("linqing", "leader", "inspector"):
        client.force_login(users[name])
        assert client.post(reverse("enterprises:target-create"), {}).status_code == 403, name
        delete = reverse("enterprises:target-delete", args=[entries["linqing"].pk])
        assert client.post(delete).status_code == 403, name
    assert TargetEntry.objects.count() == 2


# --- API -----------------------------------------------------------------------------------------


def test_the_api_lists_updates_adds_and_removes_entries(users, org, chain, entries):
    linqing = client_for(users["linqing"])
    body = linqing.get("/api/target-entries/").json()
    assert [r["enterprise_name"] for r in body["results"]] == ["苏州铝箔有限公司"]
    assert body["results"][0]["owner_unit"] == "371581"
    entry = entries["linqing"]
    response = linqing.patch(
        f"/api/target-entries/{entry.pk}/", {"status": "contacted"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "contacted"
    response = linqing.patch(
        f"/api/target-entries/{entry.pk}/", {"owner_unit": "371503"}, format="json"
    )
    assert response.status_code == 403
    assert linqing.post("/api/target-entries/", {}, format="json").status_code == 403
    city = client_for(users["city"])
    other = enterprise_create(actor=users["city"], name="丙", uscc=make_uscc(14, "330203"))
    response = city.post(
        "/api/target-entries/",
        {
            "year": 2025,
            "enterprise": other.pk,
            "direction": chain["bearing"].pk,
            "owner_unit": "371503",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner_unit_name"] == "茌平区"
    assert (
        city.post(
            f"/api/target-entries/{entry.pk}/remove/", {"reason": "调整"}, format="json"
        ).status_code
        == 204
    )
    assert not TargetEntry.objects.filter(pk=entry.pk).exists()
    assert (
        linqing.post(f"/api/target-entries/{entries['dongchangfu'].pk}/remove/").status_code == 403
    )


def test_the_new_entry_form_prefills_a_known_enterprise_and_ignores_a_malformed_one(
    client, users, entries
):
    client.force_login(users["city"])
    enterprise = entries["linqing"].enterprise
    url = reverse("enterprises:target-create")
    page = client.get(url, {"enterprise": enterprise.pk})
    assert page.status_code == 200
    assert page.context["form"].initial == {"enterprise_uscc": enterprise.uscc}
    page = client.get(url, {"enterprise": "abc"})
    assert page.status_code == 200 and page.context["form"].initial == {}
