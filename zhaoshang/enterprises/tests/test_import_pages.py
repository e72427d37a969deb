"""Import pages (upload → preview → confirm, progress polling) and `POST /api/enterprises/import/`."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoshang.core.tests.api_support import client_for
from zhaoshang.enterprises.importing.service import import_job_create
from zhaoshang.enterprises.models import Enterprise, ImportJob, ImportStatus

from .conftest import bad_check_digit, csv_file, make_uscc, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "统一社会信用代码", "成立日期", "注册资本(亿元)"]
A, B = make_uscc(1), make_uscc(2, "320505")


@pytest.fixture
def city(client, users, all_tags):
    client.force_login(users["city"])
    return users["city"]


def test_upload_preview_then_confirm(client, city):
    response = client.post(
        reverse("enterprises:import"),
        {"file": csv_file([HEADER, ["甲", A, "2024年3月5日", "1.5"], ["乙", B, "", ""]])},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "enterprises:import-job", args=[job.pk]
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["can_confirm"] and "确认导入" in html
    assert "将新增" in html and "2 家" in html and "尚未写入" in html
    assert not Enterprise.objects.exists()
    response = client.post(reverse("enterprises:import-confirm", args=[job.pk]), follow=True)
    assert "导入完成：新增 2 家，更新 0 家" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
    assert Enterprise.objects.get(uscc=A).registered_capital_wan == 15000


def test_the_preview_lists_errors_by_row_and_column_and_offers_no_confirm(client, city):
    client.post(
        reverse("enterprises:import"),
        {"file": xlsx_file([HEADER, ["甲", bad_check_digit(A), "2024-3-5", "-1"]])},
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("enterprises:import-job", args=[job.pk]))
    html = page.content.decode()
    assert not page.context["can_confirm"] and "确认导入" not in html
    assert "统一社会信用代码校验位错误" in html and "金额不能为负数：-1" in html
    assert "未写入任何数据" in html
    assert (
        client.post(reverse("enterprises:import-confirm", args=[job.pk]), follow=True).status_code
        == 200
    )
    assert not Enterprise.objects.exists()


def test_a_running_job_shows_progress_and_reloads_when_done(client, city):
    job = import_job_create(actor=city, file=csv_file([HEADER, ["甲", A, "", ""]]), dry_run=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, processed_rows=5000, total_rows=20000
    )
    page = client.get(reverse("enterprises:import-job", args=[job.pk]))
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "25%" in html and "已处理 5000 行" in html
    progress = reverse("enterprises:import-progress", args=[job.pk])
    partial = client.get(progress, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial and "25%" in partial.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATED)
    partial = client.get(progress, HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"


def test_the_upload_form_refuses_other_file_types(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert "请上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_template_downloads_with_the_importers_headers_and_imports_cleanly(client, city):
    response = client.get(reverse("enterprises:import-template"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码")
    body = (
        client_for(city)
        .post(
            "/api/enterprises/import/",
            {"file": xlsx_file([list(rows[0]), list(rows[1])]), "dry_run": "true"},
            format="multipart",
        )
        .json()
    )
    assert body["ok"] is True, body["errors"]


def test_an_exported_list_imports_back_unchanged(client, city):
    client_for(city).post(
        "/api/enterprises/import/",
        {
            "file": csv_file([HEADER, ["甲", A, "2024-03-05", "1"], ["乙", B, "", ""]]),
            "dry_run": "false",
        },
        format="multipart",
    )
    exported = client.get(reverse("enterprises:export")).content
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    import_columns = [list(r[:15]) for r in rows]
    body = (
        client_for(city)
        .post(
            "/api/enterprises/import/",
            {"file": xlsx_file(import_columns), "dry_run": "true"},
            format="multipart",
        )
        .json()
    )
    assert body["ok"] is True, body["errors"]
    assert (body["created"], body["updated"]) == (0, 2)


# --- API -----------------------------------------------------------------------------------------


def test_api_dry_run_reports_without_writing(users, all_tags):
    client = client_for(users["city"])
    response = client.post(
        "/api/enterprises/import/",
        {"file": csv_file([HEADER, ["甲", A, "2024.3.5", "2"]]), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("ok", "rows", "created", "updated", "errors")} == {
        "ok": True, "rows": 1, "created": 1, "updated": 0, "errors": [],
    }  # fmt: skip
    assert body["dry_run"] is True and ImportJob.objects.filter(pk=body["job"]).exists()
    assert not Enterprise.objects.exists()


def test_api_import_writes_and_reports_counts(users, all_tags):
    client = client_for(users["city"])
    Enterprise.objects.create(name="已有", uscc=B)
    response = client.post(
        "/api/enterprises/import/",
        {"file": csv_file([HEADER, ["甲", A, "", ""], ["乙", B, "", ""]]), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    assert Enterprise.objects.get(uscc=B).name == "乙"


def test_api_a_file_with_any_error_imports_nothing_and_reports_each(users, all_tags):
    client = client_for(users["city"])
    rows = [
        HEADER,
        ["甲", A, "", ""],
        ["乙", bad_check_digit(B), "2024-02-30", ""],
        ["丙", A, "", ""],
    ]
    response = client.post(
        "/api/enterprises/import/", {"file": csv_file(rows), "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["created"] == 0 and body["updated"] == 0
    assert body["errors"] == [
        {"row": 3, "column": "统一社会信用代码", "message": "统一社会信用代码校验位错误"},
        {"row": 3, "column": "成立日期", "message": "日期不存在：2024-02-30"},
        {
            "row": 4,
            "column": "统一社会信用代码",
            "message": f"文件内重复的统一社会信用代码 {A}（与第 2 行相同）",
        },
    ]
    assert not Enterprise.objects.exists()


def test_api_import_requires_a_file_and_the_permission(users, all_tags):
    assert (
        client_for(users["city"])
        .post("/api/enterprises/import/", {}, format="multipart")
        .status_code
        == 400
    )
    for name in ("linqing", "inspector", "leader"):
        response = client_for(users[name]).post(
            "/api/enterprises/import/",
            {"file": csv_file([HEADER]), "dry_run": "true"},
            format="multipart",
        )
        assert response.status_code == 403, name
    assert not ImportJob.objects.exists()
