"""The full record: placements (manual wins), contacts masked on every path and the audited
reveal, relations in both directions, signals with decayed weights, 乡贤, group/parent."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.core.concurrency import version_of
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import client_for, last_audit_id
from zhaoshang.enterprises.models import (
    Placement,
    PlacementSource,
    PlacementStatus,
    Signal,
    SignalKind,
    Tag,
)
from zhaoshang.enterprises.services import (
    contact_create,
    contact_reveal,
    contact_update,
    enterprise_create,
    enterprise_update,
    placement_decide,
    relation_create,
    signal_create,
)
from zhaoshang.enterprises.signals import DECAY, decayed_weight, momentum, risk
from zhaoshang.enterprises.tags import TAG_SPECS, tags_setup

from .conftest import make_uscc

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED = "138****5678"
EMAIL = "li.jingli@example.com"
MASKED_EMAIL = "l***@example.com"


@pytest.fixture
def firm(users):
    return enterprise_create(
        actor=users["city"],
        name="聊城信源铝业有限公司",
        uscc=make_uscc(1, "371503"),
        division_code="371503",
        legal_representative="张三",
        registered_capital_wan=Decimal("50000"),
        founded_on=dt.date(2001, 6, 18),
        industry_code="C3216",
        business_scope="电解铝、铝板带的生产、销售",
        revenue_band="ge1e6",
        staff_band="ge5000",
        annual_output_wan=Decimal("3200000"),
        founder_native_code="371503",
        group_name="信源集团",
    )


@pytest.fixture
def contact(users, firm):
    return contact_create(
        actor=users["linqing"],
        enterprise=firm,
        name="李经理",
        title="投资总监",
        phone=PHONE,
        email=EMAIL,
    )


# --- tags ----------------------------------------------------------------------------------------


def test_tags_setup_creates_every_tag_once_and_keeps_the_citys_names(db):
    tags = tags_setup()
    assert set(tags) == {spec.code for spec in TAG_SPECS}
    assert {"high_tech", "unicorn", "global500", "little_giant", "chain_leader"} <= set(tags)
    assert tags["high_tech"].name == "高新技术企业" and tags["unicorn"].name == "独角兽企业"
    Tag.objects.filter(code="listed").update(name="境内外上市公司")
    again = tags_setup()
    assert Tag.objects.count() == len(TAG_SPECS)
    assert again["listed"].name == "境内外上市公司"


# --- the full record on the page -----------------------------------------------------------------


def test_detail_page_shows_the_full_record(client, users, firm):
    parent = enterprise_create(
        actor=users["city"], name="信源集团有限公司", uscc=make_uscc(2, "371503")
    )
    enterprise_update(actor=users["city"], enterprise=firm, parent=parent)
    client.force_login(users["linqing"])
    html = client.get(reverse("enterprises:detail", args=[firm.pk])).content.decode()
    for text in ("张三", "50,000.00 万元", "2001-06-18", "C3216", "电解铝、铝板带的生产、销售",
                 "100亿元以上", "5000人以上", "3,200,000.00 万元", "山东省茌平区", "聊城乡贤",
                 "信源集团", "信源集团有限公司"):  # fmt: skip
        assert text in html, text
    parent_html = client.get(reverse("enterprises:detail", args=[parent.pk])).content.decode()
    assert "下属企业" in parent_html and "聊城信源铝业有限公司" in parent_html


def test_edit_page_saves_every_field_and_shows_service_errors_at_their_fields(client, users, firm):
    client.force_login(users["linqing"])
    url = reverse("enterprises:edit", args=[firm.pk])
    data = {
        "name": firm.name, "uscc": firm.uscc, "division_code": "371503", "country": "CN",
        "address": "茌平区信发街道", "legal_representative": "王五", "registered_capital_wan": "-5",
        "founded_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
        "industry_code": "A3216", "business_scope": "x", "revenue_band": "", "staff_band": "lt50",
        "annual_output_wan": "", "founder_native_code": "999999", "group_name": "",
        "parent_uscc": firm.uscc, "version": version_of(firm),
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["registered_capital_wan"] == ["注册资本不能为负数"]
    assert form.errors["founded_on"] == ["成立日期不能晚于今天"]
    assert form.errors["industry_code"] == ["行业门类与代码不符：A3216（32 属于门类 C）"]
    assert form.errors["founder_native_code"] == ["未知的行政区划代码：999999"]
    assert form.errors["parent_uscc"] == ["母公司不能是本企业或其下属企业"]
    firm.refresh_from_db()
    assert firm.legal_representative == "张三"
    data.update(registered_capital_wan="800", founded_on="2001-06-18", industry_code="3216",
                founder_native_code="371581", parent_uscc="")  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    firm.refresh_from_db()
    assert (firm.legal_representative, firm.registered_capital_wan, firm.staff_band) == (
        "王五", Decimal("800.00"), "lt50",
    )  # fmt: skip
    assert firm.founder_native_code == "371581" and firm.address == "茌平区信发街道"


# --- placements ----------------------------------------------------------------------------------


def test_a_person_confirms_rejects_or_adds_a_placement_and_it_wins(users, firm, chain):
    ingot, sheet, wheel = (chain["nodes"][k] for k in ("ingot", "sheet", "wheel"))
    auto = Placement.objects.create(
        enterprise=firm, node=ingot, source=PlacementSource.AUTO, confidence=Decimal("0.62")
    )
    since = last_audit_id()
    confirmed = placement_decide(
        actor=users["city"], enterprise=firm, node=ingot, status=PlacementStatus.CONFIRMED
    )
    assert confirmed.pk == auto.pk
    assert (confirmed.source, confirmed.status, confirmed.confidence) == (
        PlacementSource.MANUAL, PlacementStatus.CONFIRMED, Decimal("1"),
    )  # fmt: skip
    assert confirmed.decided_by == users["city"] and confirmed.decided_at is not None
    added = placement_decide(
        actor=users["city"], enterprise=firm, node=sheet, status=PlacementStatus.CONFIRMED
    )
    rejected = placement_decide(
        actor=users["city"], enterprise=firm, node=wheel, status=PlacementStatus.REJECTED
    )
    assert added.source == rejected.source == PlacementSource.MANUAL
    assert rejected.confidence == 0
    actions = list(
        AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )
    assert actions == [AuditAction.UPDATE, AuditAction.CREATE, AuditAction.CREATE]
    with pytest.raises(ValidationError, match="只能确认或否定"):
        placement_decide(actor=users["city"], enterprise=firm, node=ingot, status="suggested")


def test_unit_staff_may_not_decide_placements(users, firm, chain):
    with pytest.raises(PermissionDenied, match="没有新增企业所在环节的权限"):
        placement_decide(
            actor=users["linqing"], enterprise=firm, node=chain["nodes"]["ingot"],
            status=PlacementStatus.CONFIRMED,
        )  # fmt: skip


def test_placements_are_listed_with_source_and_confidence(client, users, firm, chain):
    Placement.objects.create(
        enterprise=firm, node=chain["nodes"]["sheet"], source="auto", confidence=Decimal("0.734")
    )
    client.force_login(users["city"])
    html = client.get(reverse("enterprises:detail", args=[firm.pk])).content.decode()
    assert (
        "铝精深加工 · 铝板带箔" in html and "自动" in html and "0.73" in html and "待确认" in html
    )
    response = client.post(
        reverse("enterprises:placement", args=[firm.pk]),
        {"node": chain["nodes"]["sheet"].pk, "status": "confirmed"},
    )
    assert response.status_code == 302
    assert Placement.objects.get(node=chain["nodes"]["sheet"]).source == "manual"


# --- contacts: masking and the audited reveal ----------------------------------------------------


def full_details_in(text: str) -> bool:
    return PHONE in text or EMAIL in text


def test_phone_numbers_and_emails_are_masked_on_the_page_for_everyone(client, users, contact):
    for name, may_reveal in (("linqing", False), ("city", True)):
        client.force_login(users[name])
        page = reverse("enterprises:detail", args=[contact.enterprise.pk])
        html = client.get(page).content.decode()
        assert MASKED in html and MASKED_EMAIL in html and not full_details_in(html)
        assert ("显示号码" in html) is may_reveal


def test_each_reveal_shows_the_full_details_once_and_is_one_audit_entry(client, users, contact):
    client.force_login(users["city"])
    since = last_audit_id()
    response = client.post(
        reverse("enterprises:contact-reveal", args=[contact.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and PHONE in html and EMAIL in html
    [entry] = AuditEntry.objects.filter(id__gt=since)
    assert entry.action == AuditAction.REVEAL and entry.object_id == str(contact.pk)
    assert entry.user == users["city"] and "李经理" in entry.note
    assert not full_details_in(str(entry.before) + str(entry.after) + entry.note)
    client.post(reverse("enterprises:contact-reveal", args=[contact.pk]))
    assert AuditEntry.objects.filter(id__gt=since).count() == 2
    assert AuditEntry.objects.filter(id__gt=since, action=AuditAction.REVEAL).count() == 2


def test_reveal_is_refused_without_the_permission(client, users, contact):
    since = last_audit_id()
    client.force_login(users["linqing"])
    assert client.post(reverse("enterprises:contact-reveal", args=[contact.pk])).status_code == 403
    with pytest.raises(PermissionDenied, match="没有此项操作权限"):
        contact_reveal(actor=users["linqing"], contact=contact)
    assert not AuditEntry.objects.filter(id__gt=since, action=AuditAction.REVEAL).exists()
    client.logout()
    response = client.post(reverse("enterprises:contact-reveal", args=[contact.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_audit_log_never_holds_a_full_phone_number_or_email(users, contact):
    contact_update(
        actor=users["linqing"], contact=contact, phone="13900001111", email="wang@example.org"
    )
    entries = list(
        AuditEntry.objects.filter(
            object_id=str(contact.pk), object_repr__contains="李经理"
        ).order_by("id")
    )
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["phone"] == MASKED and entries[1].after["phone"] == "139****1111"
    assert entries[1].before["email"] == MASKED_EMAIL
    assert entries[1].after["email"] == "w***@example.org"
    for entry in entries:
        text = str(entry.before) + str(entry.after) + entry.note
        assert not full_details_in(text) and "13900001111" not in text and "wang@" not in text


def test_the_edit_form_shows_masked_values_and_keeps_the_stored_ones_unless_new_ones_are_typed(
    client, users, contact
):
    client.force_login(users["city"])
    url = reverse("enterprises:contact-edit", args=[contact.pk])
    html = client.get(url).content.decode()
    assert f'value="{MASKED}"' in html and f'value="{MASKED_EMAIL}"' in html
    assert not full_details_in(html)
    form = {"name": "李经理", "title": "总经理", "phone": MASKED, "email": MASKED_EMAIL}

    def save(data: dict) -> int:  # as a person does: open the form, then submit it
        version = client.get(url).context["form"]["version"].value()
        return client.post(url, {**data, "version": version}).status_code

    assert save(form) == 302
    contact.refresh_from_db()
    assert (contact.title, contact.phone, contact.email) == ("总经理", PHONE, EMAIL)
    assert save({**form, "phone": "13900001111"}) == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == ("13900001111", EMAIL)
    assert save({**form, "phone": "", "email": ""}) == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == ("", "")


def test_exports_mask_phones_for_everyone_and_are_audited(client, users, contact):
    for name in ("linqing", "city"):
        client.force_login(users[name])
        since = last_audit_id()
        response = client.get(reverse("enterprises:export"), {"q": "信源"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "企业名称" and rows[1][0] == "聊城信源铝业有限公司"
        assert rows[1][-1] == f"李经理 投资总监 {MASKED}"
        [entry] = AuditEntry.objects.filter(id__gt=since)
        assert entry.action == AuditAction.EXPORT and entry.object_repr == "企业库导出（1 条）"


def test_the_api_masks_contacts_for_everyone_and_reveals_with_one_audit_entry_each(users, contact):
    url = f"/api/enterprises/{contact.enterprise.pk}/contacts/"
    for name in ("linqing", "city"):
        [row] = client_for(users[name]).get(url).json()
        assert (row["phone"], row["phone_masked"], row["email"]) == (MASKED, True, MASKED_EMAIL)
    reveal = f"{url}{contact.pk}/reveal/"
    assert client_for(users["linqing"]).post(reveal).status_code == 403
    since = last_audit_id()
    city = client_for(users["city"])
    for _ in range(2):
        response = city.post(reveal)
        assert response.status_code == 200 and response.json() == {
            "contact": contact.pk,
            "phone": PHONE,
            "email": EMAIL,
        }
    assert list(AuditEntry.objects.filter(id__gt=since).values_list("action", flat=True)) == [
        "reveal",
        "reveal",
    ]


def test_a_new_number_that_masks_like_the_old_one_is_noted_in_the_audit_entry(users, contact):
    contact_update(actor=users["city"], contact=contact, phone="13800005678")
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).latest("id")
    assert entry.before["phone"] == entry.after["phone"] == MASKED
    assert entry.note == "电话已修改（已遮蔽）"


def test_a_contact_saved_with_its_masked_values_keeps_its_stored_ones(users, contact):
    contact_update(actor=users["city"], contact=contact, phone=MASKED, email=MASKED_EMAIL)
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == (PHONE, EMAIL)


def test_every_path_a_permitted_user_reads_shows_masked_details_until_one_audited_reveal(
    client, users, contact
):
    """As `city` (who may reveal): the enterprise page, the edit form, the API, the export and,
    as `auditor`, the audit log and its export never show the full number or address."""
    since = last_audit_id()
    client.force_login(users["city"])
    enterprise = contact.enterprise.pk
    bodies = [
        client.get(reverse("enterprises:detail", args=[enterprise])).content,
        client.get(reverse("enterprises:contact-edit", args=[contact.pk])).content,
        client.get(f"/api/enterprises/{enterprise}/contacts/").content,
        client.get(reverse("enterprises:list"), {"q": "信源"}).content,
    ]
    book = load_workbook(io.BytesIO(client.get(reverse("enterprises:export")).content))
    bodies.append(str(list(book.active.iter_rows(values_only=True))).encode())
    client.force_login(users["auditor"])
    bodies.append(client.get(reverse("core:audit-log")).content)
    book = load_workbook(io.BytesIO(client.get(reverse("core:audit-export")).content))
    bodies.append(str(list(book.active.iter_rows(values_only=True))).encode())
    assert [full_details_in(b.decode()) for b in bodies] == [False] * len(bodies)
    assert not AuditEntry.objects.filter(id__gt=since, action=AuditAction.REVEAL).exists()


def test_contact_phone_must_look_like_a_phone_number(users, firm):
    with pytest.raises(ValidationError) as info:
        contact_create(actor=users["linqing"], enterprise=firm, name="某人", phone="abc")
    assert info.value.message_dict == {"phone": ["电话号码应为 7–15 位数字（可含 - 和空格）"]}


# --- relations -----------------------------------------------------------------------------------


def test_relations_are_shown_from_both_ends(client, users, firm):
    maker = enterprise_create(
        actor=users["city"], name="苏州轮毂制造有限公司", uscc=make_uscc(3, "320505")
    )
    fund = enterprise_create(actor=users["city"], name="深圳某创投", uscc=make_uscc(4, "440305"))
    relation_create(
        actor=users["linqing"],
        source=firm,
        target=maker,
        kind="supplier",
        since=dt.date(2020, 1, 1),
    )
    relation_create(actor=users["linqing"], source=fund, target=firm, kind="investor")
    client.force_login(users["linqing"])
    rows = client.get(reverse("enterprises:detail", args=[firm.pk])).context["relations"]
    assert {(r.other.name, r.role, r.outgoing) for r in rows} == {
        ("苏州轮毂制造有限公司", "客户（本企业向其供货）", True),
        ("深圳某创投", "投资方", False),
    }
    rows = client.get(reverse("enterprises:detail", args=[maker.pk])).context["relations"]
    assert [(r.other.name, r.role) for r in rows] == [("聊城信源铝业有限公司", "供应商")]
    api = client_for(users["linqing"]).get(f"/api/enterprises/{maker.pk}/relations/").json()
    assert api[0]["role"] == "供应商" and api[0]["direction"] == "in"


def test_a_relation_is_registered_once_and_never_with_itself(users, firm):
    other = enterprise_create(actor=users["city"], name="乙", uscc=make_uscc(5))
    relation_create(actor=users["linqing"], source=firm, target=other, kind="customer")
    with pytest.raises(ValidationError, match="该关系已登记"):
        relation_create(actor=users["linqing"], source=firm, target=other, kind="customer")
    with pytest.raises(ValidationError, match="不能与本企业建立关系"):
        relation_create(actor=users["linqing"], source=firm, target=firm, kind="customer")


def test_the_relation_dialog_enters_either_direction(client, users, firm):
    other = enterprise_create(actor=users["city"], name="乙", uscc=make_uscc(6))
    client.force_login(users["linqing"])
    url = reverse("enterprises:relation-create", args=[firm.pk])
    response = client.post(url, {"kind": "in:subsidiary", "other_uscc": other.uscc.lower()})
    assert response.status_code == 302
    firm.refresh_from_db()
    relation = firm.relations_in.get()
    assert (relation.source, relation.kind) == (other, "subsidiary")
    response = client.post(url, {"kind": "supplier", "other_uscc": make_uscc(7)})
    assert response.context["form"].errors["other_uscc"] == ["企业库中没有该统一社会信用代码的企业"]


# --- signals -------------------------------------------------------------------------------------


def test_every_signal_kind_has_a_half_life_and_weights_halve_each_half_life(db):
    assert set(DECAY) == set(SignalKind.values)
    today = dt.date(2024, 6, 30)
    for kind, rule in DECAY.items():
        fresh = Signal(kind=kind, on=today)
        old = Signal(kind=kind, on=today - dt.timedelta(days=rule.half_life_days))
        older = Signal(kind=kind, on=today - dt.timedelta(days=2 * rule.half_life_days))
        assert decayed_weight(fresh, today) == pytest.approx(rule.base)
        assert decayed_weight(old, today) == pytest.approx(rule.base / 2)
        assert decayed_weight(older, today) == pytest.approx(rule.base / 4)
        future = Signal(kind=kind, on=today + dt.timedelta(days=9))
        assert decayed_weight(future, today) == pytest.approx(rule.base)
    assert DECAY[SignalKind.ABNORMAL_OPERATION].base < 0 and DECAY[SignalKind.LITIGATION].base < 0
    signals = [Signal(kind="expansion", on=today), Signal(kind="litigation", on=today)]
    assert momentum(signals, today) == pytest.approx(1.0)
    assert risk(signals, today) == pytest.approx(0.6)


def test_signals_are_listed_with_date_source_and_decayed_weight(client, users, firm):
    today = dt.date.today()
    signal_create(actor=users["linqing"], enterprise=firm, kind="expansion", on=today - dt.timedelta(days=365),
                  title="宣布新建 30 万吨铝板带项目", source="企业公告", amount_wan=Decimal("200000"))  # fmt: skip
    signal_create(actor=users["linqing"], enterprise=firm, kind="abnormal_operation", on=today,
                  title="被列入经营异常名录", source="国家企业信用信息公示系统")  # fmt: skip
    client.force_login(users["linqing"])
    response = client.get(reverse("enterprises:detail", args=[firm.pk]))
    rows = response.context["signals"]
    assert [r.signal.kind for r in rows] == ["abnormal_operation", "expansion"]
    assert rows[0].weight == pytest.approx(-1.0) and rows[1].weight == pytest.approx(0.5)
    html = response.content.decode()
    assert "企业公告" in html and "宣布新建 30 万吨铝板带项目" in html and "0.50" in html
    api = client_for(users["linqing"]).get(f"/api/enterprises/{firm.pk}/signals/").json()
    assert [(s["kind"], s["weight"], s["half_life_days"]) for s in api] == [
        ("abnormal_operation", -1.0, 180), ("expansion", 0.5, 365),
    ]  # fmt: skip


def test_signals_cannot_be_dated_in_the_future(users, firm):
    with pytest.raises(ValidationError) as info:
        signal_create(actor=users["linqing"], enterprise=firm, kind="financing",
                      on=dt.date.today() + dt.timedelta(days=1), title="B轮")  # fmt: skip
    assert info.value.message_dict == {"on": ["日期不能晚于今天"]}


# --- the list and its export ---------------------------------------------------------------------


def test_the_list_filters_by_province_and_industry_prefix(client, users, firm):
    enterprise_create(actor=users["city"], name="苏州精密", uscc=make_uscc(8, "320505"),
                      division_code="320505", industry_code="3484")  # fmt: skip
    client.force_login(users["linqing"])

    def names(**params):
        return [
            r["enterprise"].name
            for r in client.get(reverse("enterprises:list"), params).context["rows"]
        ]

    assert names(province="32") == ["苏州精密"]
    assert names(industry="C32") == ["聊城信源铝业有限公司"]
    assert names(industry="34") == ["苏州精密"]


def test_an_export_over_the_limit_is_refused_politely(client, users, firm, monkeypatch):
    from zhaoshang.enterprises import exports

    monkeypatch.setattr(exports, "EXPORT_MAX", 0)
    client.force_login(users["linqing"])
    response = client.get(reverse("enterprises:export"), follow=True)
    assert "超过单次导出上限" in response.content.decode()
