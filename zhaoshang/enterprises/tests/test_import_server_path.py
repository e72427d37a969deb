"""The server-side path of a large CSV import (`importing.postgres`) gives what the Python path
gives: the same records, the same row report, for the forms SQL accepts and for those it hands
back to `RowValidator`. The comparisons run on PostgreSQL; the byte scan runs anywhere."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from zhaoshang.enterprises.importing import service
from zhaoshang.enterprises.importing.postgres import CleanScan
from zhaoshang.enterprises.importing.service import import_job_create, import_job_run
from zhaoshang.enterprises.models import Enterprise

from .conftest import bad_check_digit, csv_file, make_uscc

needs_postgres = pytest.mark.postgresql  # the server-side path is PostgreSQL's

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本(亿元)",
    "成立日期",
    "行政区划代码",
]
HEADER += ["所属行业", "经营范围", "注册地址", "标签", "人员规模", "营收规模", "所属集团"]
FIELDS = [
    "uscc",
    "name",
    "legal_representative",
    "registered_capital_wan",
    "founded_on",
    "division_code",
    "industry_code",
    "business_scope",
    "address",
    "revenue_band",
    "staff_band",
    "group_name",
    "is_local",
    "province_code",
]


def _row(i: int, **cells: str) -> list[str]:
    base = {
        "name": f"聊城样例{i}有限公司",
        "uscc": make_uscc(7000 + i),
        "legal": "张三",
        "capital": "1.25",
        "founded": "2019-06-30",
        "division": "371581",
        "industry": "C3451",
        "scope": "轴承的研发、生产、销售",
        "address": "临清市烟店镇",
        "tags": "",
        "staff": "50–300人",
        "revenue": "",
        "group": "",
    }
    base.update(cells)
    return list(base.values())


TRICKY = [
    _row(1),
    _row(2, name="聊城\u3000样例有限公司"),  # an ideographic space: folded to one space
    _row(3, name="  前后有空格有限公司 "),  # spaces at the edges: stripped
    _row(4, scope="轴承\n滚子的生产"),  # a line break inside a quoted cell
    _row(5, legal="李\t四"),  # a tab inside a cell
    _row(6, capital="０.５", founded="2024年3月5日"),  # full-width digits, a Chinese date
    _row(7, uscc=make_uscc(7007).lower()),  # a lower-case code
    _row(8, tags="专精特新、高新技术企业"),  # two tags in one cell
    _row(9, tags="高新技术企业", revenue="1亿–10亿元"),
    _row(10, address="临清市\u00a0烟店镇", group="无"),  # NBSP; a placeholder for blank
    _row(11, name="Liaocheng  Double Space Co."),  # two spaces inside: kept as they are
    _row(12, capital="", founded="", industry="3351", staff="1200", division="110105"),
    _row(13, industry="C33", capital="12,000.5"),
]


def _import(user, rows, *, server: bool, settings, dry_run: bool = False):
    settings.ENTERPRISE_IMPORT_SERVER_MIN_ROWS = 0 if server else 10**9
    job = import_job_create(actor=user, file=csv_file([HEADER, *rows]), dry_run=dry_run)
    return import_job_run(job=job, actor=user)


def _stored() -> list[tuple]:
    return [
        (*(getattr(e, f) for f in FIELDS), tuple(sorted(e.tags.values_list("code", flat=True))))
        for e in Enterprise.objects.order_by("uscc")
    ]


def _comparable(report) -> dict:
    data = report.as_dict()
    for key in ("checked_by", "seconds"):
        data.pop(key)
    return data


@needs_postgres
@pytest.mark.django_db
def test_the_server_path_stores_what_the_python_path_stores_for_unusual_cells(
    users, all_tags, settings
):
    city = users["city"]
    python = _import(city, TRICKY, server=False, settings=settings)
    stored = _stored()
    Enterprise.objects.all().delete()
    server = _import(city, TRICKY, server=True, settings=settings)
    assert server.checked_by == "server" and python.checked_by == "python"
    assert server.ok and (server.created, server.rows) == (13, 13)
    assert _stored() == stored
    assert _comparable(server)["preview"] == _comparable(python)["preview"]
    names = {e.uscc: e.name for e in Enterprise.objects.all()}
    assert names[make_uscc(7002)] == "聊城 样例有限公司"
    assert names[make_uscc(7003)] == "前后有空格有限公司"
    assert names[make_uscc(7011)] == "Liaocheng  Double Space Co."


@needs_postgres
@pytest.mark.django_db
def test_the_server_path_reports_every_error_as_the_python_path_does(users, all_tags, settings):
    city = users["city"]
    code = make_uscc(7100)
    rows = [
        _row(0, uscc=code),
        _row(1, uscc=bad_check_digit(make_uscc(7101))),
        _row(2, founded="2024-02-30", capital="-5"),
        _row(3, division="999999", industry="X12"),
        _row(4, uscc=code),  # a duplicate of row 2, in the same form
        _row(5, uscc=code.lower(), tags="不存在的标签"),  # the same code written otherwise
        _row(6, name="", staff="很多人"),
        ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # a blank row: skipped
        _row(8, founded="2999-01-01"),
    ]
    python = _import(city, rows, server=False, settings=settings, dry_run=True)
    server = _import(city, rows, server=True, settings=settings, dry_run=True)
    assert server.checked_by == "server"
    assert _comparable(server) == _comparable(python)
    assert server.rows == 8 and not Enterprise.objects.exists()
    messages = [(e.row, e.message) for e in server.errors]
    assert (6, f"文件内重复的统一社会信用代码 {code}（与第 2 行相同）") in messages
    assert (7, f"文件内重复的统一社会信用代码 {code}（与第 2 行相同）") in messages


@needs_postgres
@pytest.mark.django_db
def test_many_rows_of_one_division_are_each_imported_once(users, all_tags, settings):
    rows = [_row(i) for i in range(60)]
    report = _import(users["city"], rows, server=True, settings=settings)
    assert report.checked_by == "server" and report.ok
    assert (report.created, report.updated) == (60, 0)
    assert Enterprise.objects.filter(division_code="371581").count() == 60


@needs_postgres
@pytest.mark.django_db
def test_a_quote_inside_an_unquoted_cell_sends_the_file_to_python(users, all_tags, settings):
    content = "企业名称,统一社会信用代码\r\n" + f'某"星"科技有限公司,{make_uscc(7200)}\r\n'
    settings.ENTERPRISE_IMPORT_SERVER_MIN_ROWS = 0
    upload = SimpleUploadedFile("引号.csv", content.encode("utf-8"))
    job = import_job_create(actor=users["city"], file=upload, dry_run=False)
    report = import_job_run(job=job, actor=users["city"])
    assert report.checked_by == "python" and report.ok
    assert Enterprise.objects.get().name == '某"星"科技有限公司'


@pytest.mark.parametrize(
    ("data", "clean"),
    [
        ("甲公司,91370000MA0000000X,张三\r\n".encode(), True),
        ('"甲公司",91370000MA0000000X\n'.encode(), False),  # a quoted cell
        ("甲\u3000公司,1\n".encode(), False),  # an ideographic space
        ("甲公司, 1\n".encode(), False),  # a space at a cell's edge
        ("甲公司 ,1\n".encode(), False),
        (b"A  B,1\n", False),  # two spaces in a row
        (b"A B,1\n", True),  # one space inside a cell
        ("甲\t公司,1\n".encode(), False),  # a tab in a comma-separated file
        ("甲\u00a0公司,1\n".encode(), False),  # a no-break space
        ("《甲》、“乙”…—,1\n".encode(), True),  # punctuation sharing the lead bytes
    ],
)
def test_the_byte_scan_finds_what_text_would_change(data, clean):
    scan = CleanScan(delimiter=",", encoding="utf-8")
    scan.feed(data)
    assert scan.clean is clean


def test_the_byte_scan_sees_a_sequence_cut_between_blocks():
    data = "甲公司,乙\u3000丙\n".encode()
    cut = data.index("\u3000".encode()) + 1
    scan = CleanScan(delimiter=",", encoding="utf-8")
    scan.feed(data[:cut])
    scan.feed(data[cut:])
    assert scan.clean is False


@pytest.fixture
def bulk(settings):
    """Tiny files take the bulk path, and any load at least the library's size rebuilds."""
    settings.ENTERPRISE_IMPORT_AUDIT_EACH_MAX = 1
    settings.ENTERPRISE_IMPORT_REBUILD_MIN_ROWS = 1
    return settings


def _index_definitions() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [Enterprise._meta.db_table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY conname",
            [Enterprise._meta.db_table],
        )
        return indexes + cursor.fetchall()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_builds_the_same_indexes_and_constraints_again(users, all_tags, bulk):
    before = _index_definitions()
    report = _import(users["city"], [_row(i) for i in range(5)], server=True, settings=bulk)
    assert report.ok and report.created == 5 and "build_indexes" in report.seconds
    assert _index_definitions() == before
    with (
        pytest.raises(IntegrityError, match="enterprises_enterprise_uscc_key"),
        transaction.atomic(),
    ):
        Enterprise.objects.create(name="重复", uscc=make_uscc(7000))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_leaves_the_indexes_and_the_library_as_they_were(
    users, all_tags, bulk, monkeypatch
):
    before = _index_definitions()

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.audit, "record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(users["city"], [_row(i) for i in range(5)], server=True, settings=bulk)
    assert _index_definitions() == before
    assert not Enterprise.objects.exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_refresh_of_the_whole_library_rebuilds_the_indexes_too(users, all_tags, bulk):
    before = _index_definitions()
    _import(users["city"], [_row(i) for i in range(4)], server=True, settings=bulk)
    again = [_row(i, legal="王五") for i in range(4)]
    report = _import(users["city"], again, server=True, settings=bulk)
    assert report.ok and (report.created, report.updated) == (0, 4)
    assert "build_indexes" in report.seconds and _index_definitions() == before
    assert set(Enterprise.objects.values_list("legal_representative", flat=True)) == {"王五"}


@needs_postgres
@pytest.mark.django_db
def test_a_file_smaller_than_the_library_keeps_the_indexes(users, all_tags, bulk):
    _import(users["city"], [_row(i) for i in range(6)], server=True, settings=bulk)
    report = _import(users["city"], [_row(i) for i in range(6, 9)], server=True, settings=bulk)
    assert report.ok and report.created == 3 and "build_indexes" not in report.seconds
