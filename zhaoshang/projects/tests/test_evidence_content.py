"""Evidence is checked by its content, not its name: a text file named fake.pdf is refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.core.tests.support import workbook_bytes
from zhaoshang.projects.models import Evidence, EvidenceKind, Stage
from zhaoshang.projects.services.content import content_error
from zhaoshang.projects.services.evidence import EvidenceFile, check_files


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("合同.pdf", b"%PDF-1.7\n..."),
        ("回单.JPG", b"\xff\xd8\xff\xe0\0\x10JFIF"),
        ("回单.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("回单.webp", b"RIFF\x24\0\0\0WEBPVP8 "),
        ("回单.heic", b"\0\0\0\x18ftypheic\0\0\0\0"),
        ("报告.docx", DOCX),
        ("报表.xlsx", workbook_bytes([["单位", "金额"]])),
        ("报告.doc", OLE2),
        ("报表.xls", OLE2),
        ("报告.wps", OLE2),
        ("发票.ofd", zipped({"OFD.xml": b"<ofd:OFD/>"})),
    ],
)
def test_a_file_whose_content_matches_its_extension_is_accepted(name, content):
    assert content_error(upload(name, content)) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"just some text\n", "文件内容不是 PDF：fake.pdf"),
        ("照片.jpg", b"%PDF-1.4 a pdf", "文件内容不是 JPEG 图片：照片.jpg"),
        ("照片.png", b"\xff\xd8\xff\xe0", "文件内容不是 PNG 图片：照片.png"),
        ("报告.docx", b"PK\x03\x04 broken zip", "文件内容不是 Word 文档：报告.docx"),
        ("报告.docx", zipped({"xl/workbook.xml": b"<x/>"}), "文件内容不是 Word 文档：报告.docx"),
        ("报表.xlsx", DOCX, "文件内容不是 Excel 表格：报表.xlsx"),
        ("报告.doc", b"plain text", "文件内容不是 Word 文档：报告.doc"),
    ],
)
def test_a_file_whose_content_is_not_its_extension_is_refused_by_name(name, content, message):
    assert content_error(upload(name, content)) == message


def test_a_zip_that_unzips_past_the_bound_is_refused(settings):
    from zhaoshang.core.tests.support import bomb

    problem = content_error(upload("报表.xlsx", bomb(300)))
    assert problem == "文件无法接受：报表.xlsx（解压后过大（上限 256 MB））"


def test_the_check_leaves_the_file_readable_from_its_start():
    item = upload("合同.pdf", b"%PDF-1.4 evidence")
    check_files([EvidenceFile(EvidenceKind.CONTRACT, item)])
    assert item.read() == b"%PDF-1.4 evidence"


def test_check_files_lists_only_the_files_in_error():
    with pytest.raises(ValidationError) as caught:
        check_files(
            [
                EvidenceFile(EvidenceKind.CONTRACT, pdf_file("投资合同.pdf")),
                EvidenceFile(EvidenceKind.OTHER, upload("fake.pdf", b"not a pdf")),
            ]
        )
    assert caught.value.message_dict == {"evidence": ["文件内容不是 PDF：fake.pdf"]}


@pytest.mark.django_db
def test_signing_with_a_text_file_named_like_a_pdf_is_refused_on_the_field(
    client, users, make_project, today
):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to": "signed",
            "on": today.isoformat(),
            "contracted_investment_wan": "18000",
            "evidence-0-kind": "contract",
            "evidence-0-file": upload("fake.pdf", b"just some text, not a contract\n"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == ["文件内容不是 PDF：fake.pdf"]
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert not Evidence.objects.exists()
