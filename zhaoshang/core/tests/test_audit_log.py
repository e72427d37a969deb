"""The auditors' audit log browser and its Excel export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.support import PASSWORD
from zhaoshang.core.views import AUDIT_PAGE_SIZE
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import enterprise_create, enterprise_update

pytestmark = pytest.mark.django_db

URL = "/audit/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def entries(users):
    """A creation and an update of an enterprise by 临清, and a login by the city."""
    enterprise = enterprise_create(actor=users["linqing"], name="聊城轴承有限公司")
    enterprise_update(actor=users["linqing"], enterprise=enterprise, name="聊城精密轴承有限公司")
    audit.record(actor=users["city"], action=AuditAction.LOGIN, obj=users["city"])
    return enterprise


def entry_ids(response) -> list[int]:
    return [row["entry"].pk for row in response.context["rows"]]


def test_audit_log_url_is_named():
    assert reverse("core:audit-log") == URL
    assert reverse("core:audit-export") == "/audit/export/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["sysadmin", "linqing", "leader", "dept_land", "norole"])
def test_only_auditors_and_city_admin_read_audit_log(client, users, who):
    response = login(client, users[who]).get(URL)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_sysadmin_cannot_read_audit_log(client, users, entries):
    response = login(client, users["sysadmin"]).get(URL)
    assert response.status_code == 403
    assert "聊城轴承有限公司" not in response.content.decode()


def test_sysadmin_cannot_export_audit_log(client, users, entries):
    response = login(client, users["sysadmin"]).get(reverse("core:audit-export"))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_auditor_reads_audit_log_newest_first(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL)
    assert response.status_code == 200
    actions = [row["entry"].action for row in response.context["rows"]]
    # The auditor's own login comes first, then the entries of the fixture, newest first.
    assert actions == ["login", "login", "update", "create"]
    html = response.content.decode()
    assert "聊城精密轴承有限公司" in html
    assert "审计日志" in html


def test_city_admin_reads_audit_log(client, users, entries):
    assert login(client, users["city"]).get(URL).status_code == 200


def test_auditor_filters_audit_log_by_action(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL, {"action": "update"})
    rows = response.context["rows"]
    assert [row["entry"].action for row in rows] == ["update"]
    assert rows[0]["entry"].object_id == str(entries.pk)
    assert response.context["page"].paginator.count == 1


def test_auditor_filters_audit_log_by_user(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL, {"user": "linqing"})
    assert [row["entry"].action for row in response.context["rows"]] == ["update", "create"]


def test_auditor_filters_audit_log_by_object_type_and_id(client, users, entries):
    other = enterprise_create(actor=users["dongchangfu"], name="东昌府化工有限公司")
    ct = ContentType.objects.get_for_model(Enterprise)
    login(client, users["auditor"])
    response = client.get(URL, {"content_type": ct.pk})
    assert sorted(row["entry"].object_id for row in response.context["rows"]) == sorted(
        [str(entries.pk), str(entries.pk), str(other.pk)]
    )
    response = client.get(URL, {"content_type": ct.pk, "object_id": str(other.pk)})
    assert [row["entry"].object_repr for row in response.context["rows"]] == ["东昌府化工有限公司"]


def test_auditor_filters_audit_log_by_request_id(client, users, entries):
    login(client, users["linqing"])
    client.post(
        reverse("enterprises:create"),
        {"name": "请求追踪测试企业", "country": "CN"},
        HTTP_X_REQUEST_ID="req-trace-42",
    )
    login(client, users["auditor"])
    response = client.get(URL, {"request_id": "req-trace-42"})
    rows = response.context["rows"]
    assert [(r["entry"].action, r["entry"].object_repr) for r in rows] == [
        ("create", "请求追踪测试企业")
    ]


def test_auditor_filters_audit_log_by_date_range_in_shanghai_time(client, users, entries):
    # Entries of the fixture were written now; a range ending yesterday excludes them.
    today = timezone.localdate()
    login(client, users["auditor"])
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    response = client.get(URL, {"date_from": "2000-01-01", "date_to": yesterday})
    assert response.context["page"].paginator.count == 0
    assert "没有符合条件的记录" in response.content.decode()
    response = client.get(URL, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert response.context["page"].paginator.count == 4


def test_audit_entry_expands_to_changed_fields_before_and_after(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL, {"action": "update"})
    row = response.context["rows"][0]
    assert row["changes"] == [
        {
            "field": "name",
            "label": "企业名称",
            "before": "聊城轴承有限公司",
            "after": "聊城精密轴承有限公司",
        }
    ]
    html = response.content.decode()
    assert f'id="entry-{row["entry"].pk}"' in html
    assert 'aria-controls="entry-' in html


def test_audit_log_times_are_shown_in_shanghai_time(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL, {"action": "update"})
    entry = response.context["rows"][0]["entry"]
    shown = timezone.localtime(entry.at, timezone.get_fixed_timezone(480)).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert shown in response.content.decode()


def test_audit_log_paginates(client, users):
    for i in range(AUDIT_PAGE_SIZE + 5):
        audit.record(actor=users["city"], action=AuditAction.EXPORT, note=f"导出 {i}")
    login(client, users["auditor"])
    first = client.get(URL, {"action": "export"})
    assert len(first.context["rows"]) == AUDIT_PAGE_SIZE
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(URL, {"action": "export", "page": 2})
    assert len(second.context["rows"]) == 5
    assert "action=export&amp;page=1" in second.content.decode()


def test_audit_export_is_excel_of_filtered_entries_and_is_audited(client, users, entries):
    login(client, users["auditor"])
    response = client.get(reverse("core:audit-export"), {"action": "update"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "时间（北京时间）",
        "用户名",
        "姓名（用户名）",
        "操作",
        "对象类型",
        "对象ID",
        "对象",
        "修改字段",
        "修改内容",
    )
    assert len(rows) == 2
    assert rows[1][1:9] == (
        "linqing",
        "linqing",
        "修改",
        "企业",
        str(entries.pk),
        "聊城精密轴承有限公司",
        "企业名称",
        "企业名称：聊城轴承有限公司 → 聊城精密轴承有限公司",
    )
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.username == "auditor"
    assert export.note == "导出审计日志 1 条；筛选条件：操作=修改"


def test_audit_export_keeps_formula_like_text_as_text(client, users):
    enterprise_create(actor=users["linqing"], name='=HYPERLINK("http://x")公司')
    login(client, users["auditor"])
    response = client.get(reverse("core:audit-export"), {"action": "create"})
    sheet = load_workbook(BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=7)
    assert cell.value == '=HYPERLINK("http://x")公司'
    assert cell.data_type == "s"


def test_audit_log_has_no_write_methods(client, users, entries):
    login(client, users["auditor"])
    assert client.post(URL, {"action": "x"}).status_code == 405
    assert client.post(reverse("core:audit-export")).status_code == 405


def test_audit_entry_shows_choice_labels_with_stored_values(client, users):
    from zhaoshang.accounts.services import user_update

    user_update(actor=users["sysadmin"], user=users["linqing"], role="auditor")
    login(client, users["auditor"])
    response = client.get(URL, {"action": "update", "user": "sysadmin"})
    changes = response.context["rows"][0]["changes"]
    assert [c for c in changes if c["field"] == "role"] == [
        {
            "field": "role",
            "label": "角色",
            "before": "县市区/功能区招商人员（unit_staff）",
            "after": "审计管理员（auditor）",
        }
    ]


def test_invalid_filter_is_shown_and_export_is_refused(client, users, entries):
    login(client, users["auditor"])
    response = client.get(URL, {"date_from": "2024-13-45"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()
    response = client.get(reverse("core:audit-export"), {"date_from": "2024-13-45"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
