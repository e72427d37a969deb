"""The enterprise API: creation and edits through the services, code validation, filters."""

import pytest

from zhaoshang.core.models import AuditAction
from zhaoshang.core.tests.api_support import audit_actions, client_for, last_audit_id, make_uscc
from zhaoshang.enterprises.models import Enterprise, Tag
from zhaoshang.enterprises.services import enterprise_create

pytestmark = pytest.mark.django_db

LIST = "/api/enterprises/"


@pytest.fixture
def tags(db):
    return {
        "global500": Tag.objects.create(code="global500", name="世界500强"),
        "listed": Tag.objects.create(code="listed", name="上市"),
    }


def test_unit_staff_registers_an_enterprise_and_it_is_audited(users, tags):
    code = make_uscc(11, "371581")
    since = last_audit_id()
    response = client_for(users["linqing"]).post(
        LIST,
        {
            "name": "临清轴承有限公司",
            "uscc": code.lower(),
            "division_code": "371581",
            "tags": ["listed"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == code
    assert body["is_local"] is True and body["province_code"] == "37"
    assert body["division_name"].endswith("临清市")
    assert body["tags"] == ["listed"]
    assert audit_actions(since) == [AuditAction.CREATE]


def test_a_wrong_check_digit_is_a_field_error_on_uscc(users):
    code = make_uscc(12)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client_for(users["linqing"]).post(
        LIST, {"name": "校验位错误公司", "uscc": wrong}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["uscc"] == ["统一社会信用代码校验位错误"]
    assert not Enterprise.objects.exists()


def test_unknown_division_and_duplicate_code_are_field_errors(users):
    code = make_uscc(13)
    client = client_for(users["linqing"])
    assert client.post(LIST, {"name": "甲", "uscc": code}, format="json").status_code == 201
    dup = client.post(LIST, {"name": "乙", "uscc": code}, format="json")
    assert dup.status_code == 400 and "uscc" in dup.json()
    bad = client.post(LIST, {"name": "丙", "division_code": "999999"}, format="json")
    assert bad.status_code == 400 and "division_code" in bad.json()
    assert Enterprise.objects.count() == 1


def test_patch_edits_through_the_service_and_is_audited(users, tags):
    enterprise = enterprise_create(actor=users["city"], name="某公司", division_code="110105")
    since = last_audit_id()
    response = client_for(users["linqing"]).patch(
        f"{LIST}{enterprise.pk}/",
        {"division_code": "371502", "tags": ["global500"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_local"] is True
    assert response.json()["tags"] == ["global500"]
    assert response.json()["name"] == "某公司"
    assert audit_actions(since) == [AuditAction.UPDATE]


def test_leader_and_inspector_cannot_write_enterprises(users):
    enterprise = enterprise_create(actor=users["city"], name="某公司")
    for name in ("leader", "inspector"):
        client = client_for(users[name])
        assert client.get(f"{LIST}{enterprise.pk}/").status_code == 200
        assert client.post(LIST, {"name": "新公司"}, format="json").status_code == 403
        patch = client.patch(f"{LIST}{enterprise.pk}/", {"name": "改名"}, format="json")
        assert patch.status_code == 403
    assert Enterprise.objects.get().name == "某公司"


def test_enterprise_filters_name_uscc_local_and_tag(users, tags):
    city = users["city"]
    local = enterprise_create(
        actor=city, name="聊城铝业", uscc=make_uscc(21), division_code="371503",
        tags=[tags["listed"]],
    )  # fmt: skip
    outside = enterprise_create(
        actor=city, name="北京某集团", uscc=make_uscc(22, "110105"), division_code="110105",
        tags=[tags["global500"], tags["listed"]],
    )  # fmt: skip
    client = client_for(users["linqing"])

    def listed(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert listed(name="铝业") == {local.pk}
    assert listed(q=outside.uscc[:10].lower()) == {outside.pk}
    assert listed(uscc=outside.uscc.lower()) == {outside.pk}
    assert listed(is_local="true") == {local.pk}
    assert listed(is_local="false") == {outside.pk}
    assert listed(tag="global500") == {outside.pk}
    assert listed(tag="listed") == {local.pk, outside.pk}
