"""The importer: every error kind by row and column, encodings, date and amount forms,
all-or-nothing, upsert by 统一社会信用代码, audit (per record and bulk), background jobs."""

from __future__ import annotations

import datetime as dt
import gzip
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.tests.api_support import last_audit_id
from zhaoshang.core.tests.support import bomb, lying_dimension
from zhaoshang.enterprises.importing import service
from zhaoshang.enterprises.importing.service import import_job_create, import_job_run
from zhaoshang.enterprises.models import Enterprise, ImportJob, ImportStatus
from zhaoshang.enterprises.services import enterprise_create

from .conftest import bad_check_digit, csv_bytes, csv_file, make_uscc, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本(万元)",
    "成立日期",
    "行政区划代码",
]
A, B, C = make_uscc(101), make_uscc(102, "320505"), make_uscc(103, "110105")


def run(user, upload, *, dry_run=False):
    job = import_job_create(actor=user, file=upload, dry_run=dry_run)
    report = import_job_run(job=job, actor=user)
    job.refresh_from_db()
    return job, report


def errors(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


# On PostgreSQL every test runs twice: through the Python path and through the server-side path
# (`importing.postgres`), which must give the same report and the same records.
PATHS = (
    ["python", "server"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else ["python"]
)


@pytest.fixture(autouse=True, params=PATHS)
def import_path(request, settings):
    settings.ENTERPRISE_IMPORT_SERVER_MIN_ROWS = 0 if request.param == "server" else 10**9
    return request.param


@pytest.fixture
def city(users, all_tags):
    return users["city"]


# --- valid files ---------------------------------------------------------------------------------


def test_a_valid_csv_creates_every_enterprise_with_its_fields(city):
    rows = [
        [*HEADER, "所属行业", "经营范围", "注册地址", "标签", "人员规模", "创始人籍贯", "所属集团"],
        ["临清轴承有限公司", A, "张三", "5000", "2018-05-20", "371581", "C3451",
         "轴承的研发、生产、销售", "临清市烟店镇", "专精特新、高新技术企业", "300–1000人", "371502", "临清轴承集团"],
        ["苏州精密有限公司", B, "李四", "1,200.5", "2020/3/5", "320505", "3484", "", "", "上市", "120", "", ""],
    ]  # fmt: skip
    job, report = run(city, csv_file(rows))
    assert report.ok, report.as_dict()["errors"]
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    assert job.status == ImportStatus.IMPORTED and (job.created_count, job.updated_count) == (2, 0)
    bearing = Enterprise.objects.get(uscc=A)
    assert bearing.name == "临清轴承有限公司" and bearing.legal_representative == "张三"
    assert bearing.registered_capital_wan == Decimal("5000.00")
    assert bearing.founded_on == dt.date(2018, 5, 20)
    assert bearing.industry_code == "3451" and bearing.business_scope == "轴承的研发、生产、销售"
    assert bearing.is_local and bearing.province_code == "37"
    assert bearing.staff_band == "lt1000" and bearing.founder_native_code == "371502"
    assert bearing.group_name == "临清轴承集团"
    assert set(bearing.tags.values_list("code", flat=True)) == {"specialized", "high_tech"}
    precise = Enterprise.objects.get(uscc=B)
    assert precise.registered_capital_wan == Decimal("1200.50")
    assert precise.founded_on == dt.date(2020, 3, 5)
    assert not precise.is_local and precise.province_code == "32"
    assert precise.staff_band == "lt300" and list(precise.tags.values_list("code", flat=True)) == [
        "listed"
    ]


@pytest.mark.parametrize(
    "header, value, wan",
    [
        ("注册资本(万元)", "5000", "5000.00"),
        ("注册资本（万元）", "5000", "5000.00"),
        ("注册资本(亿元)", "2.5", "25000.00"),
        ("注册资本（亿元）", "０.５", "5000.00"),
        ("注册资本(元)", "12,345,678", "1234.57"),
        ("注册资本", "300万人民币", "300.00"),
        ("注册资金(万元)", "1亿", "10000.00"),
    ],
)
def test_capital_is_converted_to_wan_by_the_headers_unit(city, header, value, wan):
    rows = [["企业名称", "统一社会信用代码", header], ["某公司", A, value]]
    _job, report = run(city, csv_file(rows))
    assert report.ok, report.as_dict()["errors"]
    assert Enterprise.objects.get(uscc=A).registered_capital_wan == Decimal(wan)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024年3月5日",
        "20240305",
        "２０２４－０３－０５",
        "２０２４年３月５日",
    ],
)
def test_founding_dates_in_every_accepted_form(city, value):
    rows = [["名称", "信用代码", "成立时间"], ["某公司", A, value]]
    _job, report = run(city, csv_file(rows))
    assert report.ok, report.as_dict()["errors"]
    assert Enterprise.objects.get(uscc=A).founded_on == dt.date(2024, 3, 5)


def test_header_synonyms_are_recognised(city):
    rows = [
        [
            "公司名称",
            "社会信用代码",
            "法人",
            "注册资本（万元）",
            "成立时间",
            "行业代码",
            "地址",
            "区划代码",
        ],
        ["某公司", A, "王五", "10", "2019-01-01", "C3351", "聊城市", "371502"],
    ]
    _job, report = run(city, csv_file(rows))
    assert report.ok, report.as_dict()["errors"]
    e = Enterprise.objects.get(uscc=A)
    assert (e.name, e.legal_representative, e.industry_code, e.address, e.division_code) == (
        "某公司", "王五", "3351", "聊城市", "371502",
    )  # fmt: skip
    assert report.columns == rows[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_supported_encoding(city, encoding):
    rows = [HEADER, ["聊城鲁西化工有限公司", A, "赵六", "100", "2010-10-10", "371502"]]
    _job, report = run(city, csv_file(rows, encoding=encoding))
    assert report.ok, report.as_dict()["errors"]
    assert Enterprise.objects.get(uscc=A).name == "聊城鲁西化工有限公司"
    assert report.encoding == {"gbk": "gb18030", "utf-16": "utf-16"}.get(encoding, encoding)


def test_tab_separated_text_and_a_title_row_above_the_header(city):
    rows = [["2024年重点企业名单"], [], HEADER, ["某公司", A, "", "", "", ""]]
    _job, report = run(city, csv_file(rows, delimiter="\t"))
    assert report.ok, report.as_dict()["errors"]
    assert report.header_row == 3
    assert Enterprise.objects.filter(uscc=A).exists()


def test_xlsx_with_excel_dates_numbers_and_full_width_digits(city):
    rows = [
        HEADER,
        ["某公司", A, "张三", 5000, dt.datetime(2018, 5, 20), 371581],
        ["另一公司", B, "李四", "３００", "2019年7月1日", "３２０５０５"],
        ["第三公司", C, "王五", 12.5, 43831, "110105"],  # 43831 = 2020-01-01 as a serial
    ]
    _job, report = run(city, xlsx_file(rows, formats={(2, 5): "yyyy-mm-dd"}))
    assert report.ok, report.as_dict()["errors"]
    assert report.kind == "xlsx"
    assert Enterprise.objects.get(uscc=A).founded_on == dt.date(2018, 5, 20)
    assert Enterprise.objects.get(uscc=A).division_code == "371581"
    assert Enterprise.objects.get(uscc=B).registered_capital_wan == Decimal("300.00")
    assert Enterprise.objects.get(uscc=B).division_code == "320505"
    assert Enterprise.objects.get(uscc=C).founded_on == dt.date(2020, 1, 1)


def test_an_xlsx_whose_sheet_claims_one_row_imports_every_row(city):
    """The sheet's <dimension> said A1:B1: every row after the header was silently dropped."""
    rows = [
        HEADER,
        ["某公司", A, "", "", "", ""],
        ["乙", B, "", "", "", ""],
        ["丙", C, "", "", "", ""],
    ]
    upload = SimpleUploadedFile("企业.xlsx", lying_dimension(rows))

    _job, report = run(city, upload)

    assert report.ok, report.as_dict()["errors"]
    assert report.rows == 3
    assert sorted(Enterprise.objects.values_list("uscc", flat=True)) == sorted([A, B, C])


def test_an_xlsx_bomb_is_refused_as_a_whole_before_it_is_loaded(city):
    _job, report = run(city, SimpleUploadedFile("企业.xlsx", bomb(300)))

    assert report.file_error == (
        "Excel 文件解压后过大（约 300 MB，上限 256 MB），请拆分后分批导入，或另存为 CSV"
    )
    assert Enterprise.objects.count() == 0


def test_blank_rows_are_skipped_and_lower_case_codes_accepted(city):
    rows = [
        HEADER,
        ["某公司", A.lower(), "", "", "", ""],
        ["", "", "", "", "", ""],
        ["乙", B, "", "", "", ""],
    ]
    _job, report = run(city, csv_file(rows))
    assert report.ok and report.rows == 2
    assert Enterprise.objects.filter(uscc=A).exists()


# --- every error kind, by row and column ---------------------------------------------------------


def test_a_bad_check_digit_is_reported_at_its_row_and_column(city):
    rows = [HEADER, ["甲", A, "", "", "", ""], ["乙", bad_check_digit(B), "", "", "", ""]]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [(3, "统一社会信用代码", "统一社会信用代码校验位错误")]


def test_an_unknown_division_is_reported(city):
    rows = [HEADER, ["甲", A, "", "", "", "999999"]]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [(2, "行政区划代码", "未知的行政区划代码：999999")]


def test_an_unparseable_date_is_reported(city):
    rows = [HEADER, ["甲", A, "", "", "2024年13月1日", ""], ["乙", B, "", "", "去年", ""]]
    _job, report = run(city, csv_file(rows))
    found = errors(report)
    assert [(r, c) for r, c, _ in found] == [(2, "成立日期"), (3, "成立日期")]
    assert found[0][2] == "日期不存在：2024年13月1日"
    assert found[1][2].startswith("无法识别的日期：去年")


def test_a_future_founding_date_is_reported(city):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    rows = [HEADER, ["甲", A, "", "", tomorrow.isoformat(), ""]]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [(2, "成立日期", f"成立日期晚于今天：{tomorrow.isoformat()}")]


def test_a_negative_capital_is_reported(city):
    rows = [HEADER, ["甲", A, "", "-100", "", ""]]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [(2, "注册资本(万元)", "金额不能为负数：-100")]


def test_a_duplicate_code_inside_the_file_is_reported_with_the_first_row(city):
    rows = [
        HEADER,
        ["甲", A, "", "", "", ""],
        ["乙", B, "", "", "", ""],
        ["丙", A.lower(), "", "", "", ""],
    ]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [
        (4, "统一社会信用代码", f"文件内重复的统一社会信用代码 {A}（与第 2 行相同）")
    ]


def test_an_unknown_header_is_reported_and_nothing_is_read(city):
    rows = [[*HEADER, "备注说明"], ["甲", A, "", "", "", "", "x"]]
    _job, report = run(city, csv_file(rows))
    assert report.rows == 0
    [(row, column, message)] = errors(report)
    assert (row, column) == (1, "备注说明")
    assert message.startswith("无法识别的列名：备注说明（可用列名：企业名称、统一社会信用代码")


def test_a_missing_required_column_and_duplicate_columns_are_reported(city):
    rows = [["企业名称", "名称", "法定代表人"], ["甲", "乙", "丙"]]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [
        (1, "名称", "列“名称”与“企业名称”重复"),
        (1, "统一社会信用代码", "缺少必填列：统一社会信用代码"),
    ]


def test_empty_required_cells_unknown_tags_and_bad_industry_codes_are_reported(city):
    rows = [
        ["企业名称", "统一社会信用代码", "标签", "所属行业", "人员规模"],
        ["", A, "专精特新、隐形冠军", "A3351", "很多人"],
        ["乙", "", "", "", ""],
    ]
    _job, report = run(city, csv_file(rows))
    assert errors(report) == [
        (2, "企业名称", "企业名称不能为空"),
        (2, "标签", "未知的标签：隐形冠军"),
        (2, "所属行业", "行业门类与代码不符：A3351（33 属于门类 C）"),
        (
            2,
            "人员规模",
            "无法识别的人员规模：很多人（可填：50人以下、50–300人、300–1000人、1000–5000人、5000人以上，或人数）",
        ),
        (3, "统一社会信用代码", "统一社会信用代码不能为空"),
    ]


def test_every_bad_cell_of_a_row_is_reported_not_only_the_first(city):
    rows = [HEADER, ["甲", bad_check_digit(A), "", "-1", "2024.2.30", "123456"]]
    _job, report = run(city, csv_file(rows))
    assert [c for _, c, _ in errors(report)] == [
        "统一社会信用代码",
        "注册资本(万元)",
        "成立日期",
        "行政区划代码",
    ]


def test_unreadable_files_are_reported_as_a_whole(city):
    _job, report = run(city, SimpleUploadedFile("旧.xls", b"\xd0\xcf\x11\xe0garbage"))
    assert report.file_error.startswith("不支持旧版 .xls 文件")
    _job, report = run(city, SimpleUploadedFile("空.csv", b""))
    assert report.file_error == "文件为空"
    _job, report = run(city, SimpleUploadedFile("坏.xlsx", b"PK\x03\x04broken"))
    assert report.file_error.startswith("无法读取 Excel 文件")
    assert report.as_dict()["errors"][0]["row"] == 0


# --- all or nothing ------------------------------------------------------------------------------


def test_a_file_with_any_error_imports_nothing(city):
    rows = [HEADER] + [[f"企业{i}", make_uscc(200 + i), "", "", "", ""] for i in range(50)]
    rows.append(["坏", bad_check_digit(make_uscc(999)), "", "", "", ""])
    job, report = run(city, csv_file(rows))
    assert not report.ok and report.error_count == 1
    assert job.status == ImportStatus.INVALID
    assert not Enterprise.objects.exists()
    assert (job.created_count, job.updated_count) == (0, 0)


def test_a_failure_while_writing_rolls_back_every_row(city, monkeypatch):
    existing = enterprise_create(actor=city, name="原名", uscc=B)
    rows = [HEADER, ["新企业", A, "", "", "", ""], ["改名", B, "", "", "", ""]]

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.audit, "record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run(city, csv_file(rows))
    assert not Enterprise.objects.filter(uscc=A).exists()
    existing.refresh_from_db()
    assert existing.name == "原名"
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "导入失败，未写入任何数据" in job.report["errors"][0]["message"]


def test_a_failure_on_the_bulk_path_rolls_back_every_row(city, monkeypatch, settings):
    settings.ENTERPRISE_IMPORT_AUDIT_EACH_MAX = 2
    rows = [HEADER] + [[f"企业{i}", make_uscc(300 + i), "", "", "", ""] for i in range(5)]

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.audit, "record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run(city, csv_file(rows))
    assert not Enterprise.objects.exists()


def test_a_dry_run_writes_nothing_and_counts_what_would_change(city):
    enterprise_create(actor=city, name="已有", uscc=A)
    rows = [HEADER, ["甲", A, "", "", "", ""], ["乙", B, "", "", "", ""], ["丙", C, "", "", "", ""]]
    job, report = run(city, csv_file(rows), dry_run=True)
    assert report.ok and (report.created, report.updated) == (2, 1)
    assert job.status == ImportStatus.VALIDATED
    assert Enterprise.objects.count() == 1
    assert [p["uscc"] for p in report.preview] == [A, B, C]


# --- upsert --------------------------------------------------------------------------------------


def test_reimport_upserts_by_code_and_empty_cells_keep_stored_values(city, all_tags):
    first = [
        [*HEADER, "标签"],
        ["甲公司", A, "张三", "100", "2010-01-01", "371581", "上市公司"],
        ["乙公司", B, "李四", "200", "2011-01-01", "320505", "专精特新"],
    ]
    run(city, csv_file(first))
    second = [
        [*HEADER, "标签"],
        ["甲公司（更名）", A, "", "150", "", "", "链主、高企"],
        ["丙公司", C, "王五", "", "", "", ""],
    ]
    _job, report = run(city, csv_file(second))
    assert report.ok and (report.created, report.updated) == (1, 1)
    a = Enterprise.objects.get(uscc=A)
    assert a.name == "甲公司（更名）" and a.legal_representative == "张三"
    assert a.registered_capital_wan == Decimal("150.00") and a.founded_on == dt.date(2010, 1, 1)
    assert a.division_code == "371581" and a.is_local
    assert set(a.tags.values_list("code", flat=True)) == {"chain_leader", "high_tech"}
    b = Enterprise.objects.get(uscc=B)
    assert b.legal_representative == "李四" and list(b.tags.values_list("code", flat=True)) == [
        "specialized"
    ]
    assert Enterprise.objects.count() == 3


def test_the_bulk_path_upserts_the_same_way(city, all_tags, settings):
    settings.ENTERPRISE_IMPORT_AUDIT_EACH_MAX = 1
    run(
        city,
        csv_file(
            [
                [*HEADER, "标签"],
                ["甲", A, "张三", "100", "2010-01-01", "371581", "上市"],
                ["乙", B, "", "", "", "", ""],
            ]
        ),
    )
    _job, report = run(
        city,
        csv_file(
            [
                [*HEADER, "标签"],
                ["甲（更名）", A, "", "150", "", "", "链主"],
                ["丙", C, "王五", "", "", "110105", ""],
            ]
        ),
    )
    assert report.audit == "bulk"
    assert report.ok and (report.created, report.updated) == (1, 1)
    a = Enterprise.objects.get(uscc=A)
    assert (a.name, a.legal_representative, a.registered_capital_wan) == (
        "甲（更名）",
        "张三",
        Decimal("150.00"),
    )
    assert a.founded_on == dt.date(2010, 1, 1) and a.is_local and a.province_code == "37"
    assert list(a.tags.values_list("code", flat=True)) == ["chain_leader"]
    c = Enterprise.objects.get(uscc=C)
    assert c.division_code == "110105" and not c.is_local and c.province_code == "11"
    assert c.country == "CN" and not c.is_sample and c.created_at is not None


# --- audit ---------------------------------------------------------------------------------------


def test_a_small_import_writes_one_entry_per_enterprise_and_a_summary(city):
    enterprise_create(actor=city, name="已有", uscc=B)
    since = last_audit_id()
    job, report = run(
        city, csv_file([HEADER, ["甲", A, "", "", "", ""], ["乙", B, "", "", "", ""]])
    )
    assert report.audit == "each"
    entries = list(AuditEntry.objects.filter(id__gt=since).order_by("id"))
    assert [e.action for e in entries] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.IMPORT,
    ]
    assert entries[0].object_repr == "甲" and entries[1].before["name"] == "已有"
    assert entries[1].after["name"] == "乙"
    assert all(f"任务 #{job.pk}" in e.note for e in entries)
    summary = entries[-1]
    assert summary.object_id == str(job.pk) and summary.after["created"] == 1
    assert summary.after["updated"] == 1 and summary.after["audit"] == "each"
    assert len(summary.after["file_sha256"]) == 64


def test_a_large_import_writes_one_summary_entry_and_keeps_the_before_images(city, settings):
    settings.ENTERPRISE_IMPORT_AUDIT_EACH_MAX = 2
    enterprise_create(actor=city, name="旧名", uscc=A, address="旧地址")
    since = last_audit_id()
    rows = (
        [HEADER]
        + [["新名", A, "", "", "", ""]]
        + [[f"企业{i}", make_uscc(400 + i), "", "", "", ""] for i in range(4)]
    )
    job, report = run(city, csv_file(rows))
    assert report.audit == "bulk" and (report.created, report.updated) == (4, 1)
    [summary] = AuditEntry.objects.filter(id__gt=since)
    assert summary.action == AuditAction.IMPORT and summary.object_id == str(job.pk)
    assert (
        summary.note == f"企业导入：新增 4 家，更新 1 家（任务 #{job.pk}，文件 企业.csv，共 5 行）"
    )
    assert summary.after["before_rows"] == 1 and len(summary.after["before_sha256"]) == 64
    with default_storage.open(summary.after["before_file"], "rb") as handle:
        before = gzip.decompress(handle.read()).decode("utf-8")
    assert "旧名" in before and "旧地址" in before and A in before


def test_the_uploaded_file_is_kept_as_the_jobs_evidence(city):
    content = csv_bytes([HEADER, ["甲", A, "", "", "", ""]])
    job, _ = run(city, SimpleUploadedFile("名单.csv", content))
    with job.file.open("rb") as handle:
        assert handle.read() == content
    assert job.original_name == "名单.csv"


# --- background jobs and progress ----------------------------------------------------------------


def test_a_large_file_runs_as_a_background_job_with_progress(
    city, settings, monkeypatch, import_path
):
    settings.ENTERPRISE_IMPORT_BACKGROUND_ROWS = 10
    monkeypatch.setattr(service, "PROGRESS_EVERY", 7)
    seen: list[int] = []
    original = service._progress_saver

    def spy(job):
        save = original(job)

        def wrapped(done, total):
            seen.append(ImportJob.objects.get(pk=job.pk).processed_rows)
            save(done, total)

        return wrapped

    monkeypatch.setattr(service, "_progress_saver", spy)
    rows = [HEADER] + [[f"企业{i}", make_uscc(500 + i), "", "", "", ""] for i in range(30)]
    job = import_job_create(actor=city, file=csv_file(rows), dry_run=False)
    assert service.import_job_start(actor=city, job=job) is True  # huey: immediate in tests
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
    assert (job.total_rows, job.processed_rows, job.created_count) == (30, 30, 30)
    # Python saves progress every PROGRESS_EVERY rows; the server path once the file is in
    # PostgreSQL (half way) and when every row is checked.
    assert seen[1:4] == ([7, 14, 21] if import_path == "python" else [15])
    assert Enterprise.objects.count() == 30


def test_a_small_file_runs_inline(city):
    job = import_job_create(
        actor=city, file=csv_file([HEADER, ["甲", A, "", "", "", ""]]), dry_run=True
    )
    assert service.import_job_start(actor=city, job=job) is False
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.report["ok"] is True


def test_confirming_turns_a_validated_preview_into_the_import(city):
    job = import_job_create(
        actor=city, file=csv_file([HEADER, ["甲", A, "", "", "", ""]]), dry_run=True
    )
    service.import_job_start(actor=city, job=job)
    job.refresh_from_db()
    service.import_job_confirm(actor=city, job=job)
    service.import_job_start(actor=city, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED and not job.dry_run
    assert Enterprise.objects.filter(uscc=A).exists()
    with pytest.raises(ValidationError, match="只有校验通过、尚未导入的文件可以确认导入"):
        service.import_job_confirm(actor=city, job=job)


def test_only_roles_that_create_and_change_enterprises_may_import(users):
    from django.core.exceptions import PermissionDenied

    for name in ("linqing", "leader", "inspector", "sysadmin", "dept_land"):
        with pytest.raises(PermissionDenied, match="没有新增企业导入任务的权限"):
            import_job_create(actor=users[name], file=csv_file([HEADER]), dry_run=True)
    assert not ImportJob.objects.exists()


def test_a_header_of_unknown_names_is_reported_on_its_own_row(city):
    _job, report = run(city, csv_file([["name", "code"], ["甲", A]]))
    assert [(r, c) for r, c, _ in errors(report)] == [
        (1, "name"),
        (1, "code"),
        (1, "企业名称"),
        (1, "统一社会信用代码"),
    ]


def test_a_file_of_blank_lines_has_no_header(city):
    _job, report = run(city, SimpleUploadedFile("空行.csv", b"\r\n,,\r\n\r\n"))
    assert report.file_error == "文件中没有数据：未找到列名行"
