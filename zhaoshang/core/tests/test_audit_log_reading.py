"""The audit log as an auditor reads it: Beijing time, people by name and login, record types and
fields in Chinese (raw keys kept in a title), personal data masked, the person filter and an
object id only within its type (issue 11 §5)."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.core import audit, auditchain
from zhaoshang.core.models import AuditAction, AuditEntry, PeriodClose

pytestmark = pytest.mark.django_db

URL = "/audit/"
AT = dt.datetime(2024, 3, 31, 16, 30, tzinfo=dt.UTC)  # 2024-04-01 00:30 in Beijing


@pytest.fixture
def named(users):
    """linqing is 张伟, city is 李娜."""
    get_user_model().objects.filter(username="linqing").update(display_name="张伟")
    get_user_model().objects.filter(username="city").update(display_name="李娜")
    for user in users.values():
        user.refresh_from_db()
    return users


def rows_of(response) -> list[dict]:
    return response.context["rows"]


def test_times_are_beijing_time_in_list_detail_and_export(client, named, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(auditchain.timezone, "now", lambda: AT)
        entry = audit.record(
            actor=named["city"],
            action=AuditAction.UPDATE,
            obj=named["linqing"],
            before={"last_login": None},
            after={"last_login": "2024-03-31T16:30:00+00:00"},
        )
    client.force_login(named["auditor"])
    response = client.get(URL, {"action": "update"})
    [row] = rows_of(response)
    assert row["entry"] == entry
    assert row["at"] == "2024-04-01 00:30:00"
    assert row["changes"] == [
        {"field": "last_login", "label": "上次登录", "before": "—", "after": "2024-04-01 00:30:00"}
    ]
    html = response.content.decode()
    assert '<time datetime="2024-04-01T00:30:00+08:00">2024-04-01 00:30:00</time>' in html
    assert "2024-03-31" not in html
    assert "16:30" not in html

    export = client.get(reverse("core:audit-export"), {"action": "update"})
    sheet = load_workbook(BytesIO(export.content)).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[0] == "时间（北京时间）"
    assert first[0] == "2024-04-01 00:30:00"
    assert first[header.index("修改内容")] == "上次登录：— → 2024-04-01 00:30:00"


def test_people_are_shown_by_name_and_login(client, named):
    audit.record(actor=named["linqing"], action=AuditAction.LOGIN, obj=named["linqing"])
    audit.record(actor=named["dongchangfu"], action=AuditAction.LOGIN, obj=named["dongchangfu"])
    audit.record(actor=None, action=AuditAction.LOGIN_FAILED, note="ghost", object_repr="ghost")
    client.force_login(named["auditor"])
    response = client.get(URL, {"action": ["login", "login_failed"]})
    # The auditor's own login (force_login) comes first.
    assert [row["person"] for row in rows_of(response)] == [
        "auditor",
        "—",
        "dongchangfu",
        "张伟（linqing）",
    ]
    assert "<td>张伟（linqing）</td>" in response.content.decode()

    export = client.get(reverse("core:audit-export"), {"action": "login"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [row[1:3] for row in rows[1:]] == [
        ("auditor", "auditor"),
        ("dongchangfu", "dongchangfu"),
        ("linqing", "张伟（linqing）"),
    ]


def test_types_and_fields_are_named_in_chinese_with_raw_keys_in_titles(client, named):
    close = PeriodClose.objects.create(
        label="2024-03",
        kind="month",
        start=dt.date(2024, 3, 1),
        end_exclusive=dt.date(2024, 4, 1),
        closed_at=AT,
        closed_by=named["linqing"],
    )
    audit.record_create(actor=named["city"], obj=close)
    client.force_login(named["auditor"])
    response = client.get(URL, {"action": "create"})
    [row] = rows_of(response)
    assert row["model_label"] == "期间关账"
    assert row["model_key"] == "core.periodclose"
    assert row["person"] == "李娜（city）"
    changes = {change["field"]: change for change in row["changes"]}
    assert changes["closed_by_id"] == {
        "field": "closed_by_id",
        "label": "关账人",
        "before": "",
        "after": "张伟（linqing）",
    }
    assert changes["closed_at"]["after"] == "2024-04-01 00:30:00"
    html = response.content.decode()
    assert '<td title="core.periodclose">期间关账</td>' in html
    assert '<th scope="row" class="fw-normal" title="closed_by_id">关账人</th>' in html
    assert ">closed_by_id<" not in html


def test_object_type_choices_are_chinese_names_only(client, named):
    client.force_login(named["auditor"])
    response = client.get(URL)
    choices = dict(response.context["filter"].form.fields["content_type"].choices)
    ct = ContentType.objects.get_for_model(PeriodClose)
    assert choices[ct.pk] == "期间关账"
    assert "accounts.roledefaultgrant" not in response.content.decode()


def test_personal_data_stays_masked_even_in_an_entry_written_without_a_snapshot(client, named):
    audit.record(
        actor=named["sysadmin"],
        action=AuditAction.UPDATE,
        obj=named["linqing"],
        before={"phone": "13812345678"},
        after={"phone": "13987654321"},
    )
    client.force_login(named["auditor"])
    response = client.get(URL, {"action": "update"})
    [change] = rows_of(response)[0]["changes"]
    assert (change["before"], change["after"]) == ("138****5678", "139****4321")
    html = response.content.decode()
    assert "13812345678" not in html and "13987654321" not in html
    export = client.get(reverse("core:audit-export"), {"action": "update"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert json.loads(rows[1][header.index("修改前")]) == {"phone": "138****5678"}
    assert json.loads(rows[1][header.index("修改后")]) == {"phone": "139****4321"}
    assert "13812345678" not in repr(rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", ["linqing-2", "linqing-1"]),
        ("LINQ", ["linqing-2", "linqing-1"]),
        ("city", ["city-1"]),  # city2 matches too, and wrote nothing
        ("ghost", ["ghost"]),
        ("gho", []),
    ],
)
def test_person_filter_matches_name_or_login(client, named, query, expected):
    audit.record(actor=named["linqing"], action=AuditAction.EXPORT, note="linqing-1")
    audit.record(actor=named["city"], action=AuditAction.EXPORT, note="city-1")
    audit.record(actor=named["linqing"], action=AuditAction.EXPORT, note="linqing-2")
    audit.record(actor=named["dongchangfu"], action=AuditAction.EXPORT, note="dongchangfu-1")
    failed = AuditEntry(username="ghost", action=AuditAction.LOGIN_FAILED, note="ghost")
    auditchain.append(failed)
    client.force_login(named["auditor"])
    response = client.get(URL, {"user": query, "action": ["export", "login_failed"]})
    assert [row["entry"].note for row in rows_of(response)] == expected


def test_object_id_filters_only_within_a_chosen_type(client, named):
    audit.record(actor=named["city"], action=AuditAction.UPDATE, obj=named["linqing"], note="u")
    client.force_login(named["auditor"])
    pk = str(named["linqing"].pk)
    response = client.get(URL, {"object_id": pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "按对象ID筛选时，请先选择对象类型（不同类型的记录ID会重复）" in html
    assert 'id="id_object_id_error"' in html
    assert not response.context["filter"].is_valid()
    export = client.get(reverse("core:audit-export"), {"object_id": pk})
    assert export["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    ct = ContentType.objects.get_for_model(get_user_model())
    response = client.get(URL, {"object_id": pk, "content_type": ct.pk, "action": "update"})
    assert [row["entry"].note for row in rows_of(response)] == ["u"]
