"""Enterprise registry pages: filters, field errors from the service, scoped project lists."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stdnum.cn import uscc as uscc_std

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD
from zhaoshang.enterprises.models import Enterprise, Tag
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.enterprises.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

LIST = "/enterprises/"


def make_uscc(serial: int, division: str = "371581") -> str:
    body = f"91{division}MA{serial:07d}"
    return body + uscc_std.calc_check_digit(body)


def bad_check_digit(code: str) -> str:
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def tags(db):
    return {
        code: Tag.objects.create(code=code, name=name, sort_order=i)
        for i, (code, name) in enumerate(
            [("global500", "世界500强"), ("listed", "上市"), ("specialized", "专精特新")]
        )
    }


@pytest.fixture
def registry(users, tags):
    city = users["city"]
    return {
        "bearing": enterprise_create(
            actor=city,
            name="临清轴承集团有限公司",
            uscc=make_uscc(1),
            division_code="371581",
            tags=[tags["specialized"]],
        ),
        "glass": enterprise_create(
            actor=city,
            name="四川猛犸半导体科技有限公司",
            uscc=make_uscc(2, "510100"),
            division_code="510107",
            tags=[tags["listed"]],
        ),
        "steel": enterprise_create(
            actor=city,
            name="宝山钢铁股份有限公司",
            uscc=make_uscc(3, "310113"),
            division_code="310113",
            tags=[tags["global500"], tags["listed"]],
        ),
    }


def names(response) -> list[str]:
    return [row["enterprise"].name for row in response.context["rows"]]


def test_enterprise_urls_are_named():
    assert reverse("enterprises:list") == LIST
    assert reverse("enterprises:create") == "/enterprises/new/"
    assert reverse("enterprises:detail", args=[7]) == "/enterprises/7/"
    assert reverse("enterprises:edit", args=[7]) == "/enterprises/7/edit/"


def test_enterprise_list_shows_division_names_and_tags(client, users, registry):
    response = login(client, users["linqing"]).get(LIST)
    assert response.status_code == 200
    assert names(response) == [
        "临清轴承集团有限公司",
        "四川猛犸半导体科技有限公司",
        "宝山钢铁股份有限公司",
    ]
    html = response.content.decode()
    assert "山东省临清市" in html
    assert "专精特新" in html
    assert response.context["can_add"] is True


def test_enterprise_list_filters_by_name(client, users, registry):
    response = login(client, users["linqing"]).get(LIST, {"q": "轴承"})
    assert names(response) == ["临清轴承集团有限公司"]


def test_enterprise_list_filters_by_code_prefix_case_insensitively(client, users, registry):
    code = registry["glass"].uscc
    response = login(client, users["linqing"]).get(LIST, {"q": code.lower()})
    assert names(response) == ["四川猛犸半导体科技有限公司"]
    response = client.get(LIST, {"q": code[:10]})
    assert names(response) == ["四川猛犸半导体科技有限公司"]


def test_enterprise_list_filters_by_tag(client, users, registry):
    response = login(client, users["linqing"]).get(LIST, {"tag": "listed"})
    assert names(response) == ["四川猛犸半导体科技有限公司", "宝山钢铁股份有限公司"]


def test_enterprise_list_filters_by_local(client, users, registry):
    login(client, users["linqing"])
    assert names(client.get(LIST, {"is_local": "true"})) == ["临清轴承集团有限公司"]
    assert names(client.get(LIST, {"is_local": "false"})) == [
        "四川猛犸半导体科技有限公司",
        "宝山钢铁股份有限公司",
    ]


def test_enterprise_list_paginates(client, users):
    for i in range(PAGE_SIZE + 3):
        enterprise_create(actor=users["city"], name=f"企业{i:03d}")
    login(client, users["linqing"])
    first = client.get(LIST)
    assert len(first.context["rows"]) == PAGE_SIZE
    last = client.get(LIST, {"page": 2})
    assert names(last) == ["企业030", "企业031", "企业032"]


def test_sysadmin_cannot_open_enterprise_registry(client, users, registry):
    login(client, users["sysadmin"])
    assert client.get(LIST).status_code == 403
    assert (
        client.get(reverse("enterprises:detail", args=[registry["bearing"].pk])).status_code == 403
    )


def test_anonymous_is_sent_to_login(client, registry):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_enterprise_form_rejects_bad_check_digit_and_saves_nothing(client, users):
    login(client, users["linqing"])
    response = client.post(
        reverse("enterprises:create"),
        {"name": "聊城新材料有限公司", "uscc": bad_check_digit(make_uscc(9)), "country": "CN"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"uscc": ["统一社会信用代码校验位错误"]}
    html = response.content.decode()
    assert "统一社会信用代码校验位错误" in html
    assert "is-invalid" in html
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_enterprise_form_rejects_wrong_length_and_unknown_division(client, users):
    login(client, users["linqing"])
    response = client.post(
        reverse("enterprises:create"),
        {
            "name": "聊城新材料有限公司",
            "uscc": "91371500",
            "division_code": "379999",
            "country": "CN",
        },
    )
    assert response.context["form"].errors == {
        "uscc": ["统一社会信用代码应为18位"],
        "division_code": ["未知的行政区划代码：379999"],
    }
    assert not Enterprise.objects.exists()


def test_enterprise_form_rejects_duplicate_code(client, users, registry):
    login(client, users["linqing"])
    response = client.post(
        reverse("enterprises:create"),
        {"name": "重复登记", "uscc": registry["bearing"].uscc, "country": "CN"},
    )
    assert response.context["form"].errors == {"uscc": ["该统一社会信用代码的企业已存在"]}
    assert Enterprise.objects.count() == 3


def test_unit_staff_creates_enterprise_and_it_is_audited(client, users, tags):
    login(client, users["linqing"])
    code = make_uscc(42)
    response = client.post(
        reverse("enterprises:create"),
        {
            "name": " 临清烟店轴承有限公司 ",
            "uscc": code.lower(),
            "division_code": "371581",
            "country": "CN",
            "address": "临清市烟店镇",
            "tags": [tags["specialized"].pk],
        },
    )
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enterprises:detail", args=[enterprise.pk])
    assert (enterprise.name, enterprise.uscc, enterprise.is_local, enterprise.province_code) == (
        "临清烟店轴承有限公司",
        code,
        True,
        "37",
    )
    assert list(enterprise.tags.values_list("code", flat=True)) == ["specialized"]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert (entry.username, entry.object_id) == ("linqing", str(enterprise.pk))
    assert entry.after["tags"] == [tags["specialized"].pk]


def test_enterprise_edit_changes_tags_and_audits(client, users, registry, tags):
    enterprise = registry["bearing"]
    login(client, users["dongchangfu"])
    url = reverse("enterprises:edit", args=[enterprise.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "division_code": "371581",
            "country": "CN",
            "tags": [tags["specialized"].pk, tags["listed"].pk],
            "version": version_of(enterprise),
        },
    )
    assert response.status_code == 302
    assert sorted(enterprise.tags.values_list("code", flat=True)) == ["listed", "specialized"]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.before["tags"] == [tags["specialized"].pk]
    assert entry.after["tags"] == sorted([tags["specialized"].pk, tags["listed"].pk])


def test_enterprise_edit_with_bad_code_changes_nothing(client, users, registry):
    enterprise = registry["bearing"]
    login(client, users["linqing"])
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        {
            "name": "改名",
            "uscc": bad_check_digit(enterprise.uscc),
            "country": "CN",
            "version": version_of(enterprise),
        },
    )
    assert response.context["form"].errors == {"uscc": ["统一社会信用代码校验位错误"]}
    enterprise.refresh_from_db()
    assert enterprise.name == "临清轴承集团有限公司"
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


@pytest.mark.parametrize("who", ["leader", "commissioner", "inspector", "dept_land"])
def test_read_only_roles_cannot_create_or_edit_enterprises(client, users, registry, who):
    login(client, users[who])
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("enterprises:create")).status_code == 403
    response = client.post(reverse("enterprises:create"), {"name": "越权企业", "country": "CN"})
    assert response.status_code == 403
    assert client.get(reverse("enterprises:edit", args=[registry["bearing"].pk])).status_code == 403
    assert not Enterprise.objects.filter(name="越权企业").exists()


def test_enterprise_detail_shows_division_name_and_history(client, users, registry):
    enterprise = registry["bearing"]
    response = login(client, users["linqing"]).get(
        reverse("enterprises:detail", args=[enterprise.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "山东省临清市" in html and "371581" in html
    assert enterprise.uscc in html
    assert [item["entry"].action for item in response.context["history"]] == ["create"]


def test_enterprise_detail_lists_only_projects_visible_to_user(
    client, users, registry, make_project
):
    enterprise = registry["bearing"]
    make_project("linqing", name="临清轴承扩产项目", investors=[enterprise])
    make_project("dongchangfu", name="东昌府保持架项目", investors=[enterprise])
    url = reverse("enterprises:detail", args=[enterprise.pk])

    response = login(client, users["linqing"]).get(url)
    assert [p.name for p in response.context["projects"]] == ["临清轴承扩产项目"]
    assert "东昌府保持架项目" not in response.content.decode()

    response = login(client, users["city"]).get(url)
    assert sorted(p.name for p in response.context["projects"]) == [
        "东昌府保持架项目",
        "临清轴承扩产项目",
    ]

    response = login(client, users["dept_land"]).get(url)
    assert list(response.context["projects"]) == []


def test_missing_enterprise_is_404_in_chinese(client, users):
    response = login(client, users["linqing"]).get(reverse("enterprises:detail", args=[99999]))
    assert response.status_code == 404
    assert "页面或记录不存在" in response.content.decode()


def test_division_lookup_names_the_code(client, users):
    login(client, users["linqing"])
    url = reverse("enterprises:division")
    assert "山东省临清市" in client.get(url, {"division_code": "371581"}).content.decode()
    assert "未知的行政区划代码" in client.get(url, {"division_code": "379999"}).content.decode()
    assert "已撤销" in client.get(url, {"division_code": "371523"}).content.decode()


BEARING, GLASS, STEEL = "临清轴承集团有限公司", "四川猛犸半导体科技有限公司", "宝山钢铁股份有限公司"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=轴承", [BEARING]),
        ("q=%E5%AE%9D%E5%B1%B1", [STEEL]),
        ("tag=listed", [GLASS, STEEL]),
        ("tag=listed&tag=specialized&is_local=false", [GLASS, STEEL]),
        ("is_local=true", [BEARING]),
        ("is_local=false&province=51", [GLASS]),
        ("tag=specialized&q=临清", [BEARING]),
        ("q=临清&is_local=false", []),
        ("", [BEARING, GLASS, STEEL]),
    ],
)
def test_the_list_page_and_the_api_find_the_same_enterprises_for_one_query_string(
    client, users, registry, query, expected
):
    from zhaoshang.core.tests.api_support import client_for

    page = login(client, users["linqing"]).get(f"{LIST}?{query}")
    api = client_for(users["linqing"]).get(f"/api/enterprises/?{query}&ordering=name")
    assert api.status_code == 200
    assert names(page) == expected
    assert [e["name"] for e in api.json()["results"]] == expected
