"""Evidence beside the queue's row: PDF and images shown inline, safely, by their content."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import EvidenceFile, funds_submit, project_advance_stage
from zhaoshang.projects.views.evidence import INLINE_POLICY, sniffed_type

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    """A real 1×1 PNG (a browser draws it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\x33\x33")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def record(make_project, users, today):
    project = make_project(name="高端轴承基地", total_investment_wan=Decimal("20000"))
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("20000"),
    )
    return funds_submit(
        actor=users["linqing"],
        project=project,
        period=today,
        amount_wan=Decimal("5000"),
        source="own",
        evidence=[
            EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file("进账单.pdf")),
            EvidenceFile(
                EvidenceKind.BANK_RECEIPT,
                SimpleUploadedFile("回单.png", png_bytes(), content_type="image/png"),
            ),
            EvidenceFile(EvidenceKind.CAPITAL_VERIFICATION, pdf_file("fake.pdf")),
        ],
    )


@pytest.fixture
def files(record):
    """By name; fake.pdf's stored content is then made plain text (whatever the upload check)."""
    by_name = {e.original_name: e for e in record.evidence.all()}
    with open(by_name["fake.pdf"].file.path, "wb") as handle:
        handle.write(b"just some text, not a PDF at all\n")
    return by_name


def download(client, evidence, **params):
    return client.get(reverse("projects:evidence", args=[evidence.pk]), params)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"XXXX\x24\x00\x00\x00WEBPVP8 ", None),
        (b"<svg xmlns='http", None),
        (b"<html><script>", None),
        (b"PK\x03\x04", None),
        (b"just text", None),
        (b"", None),
    ],
)
def test_the_inline_type_is_read_from_the_content(head, expected):
    assert sniffed_type(head) == expected


def test_a_pdf_is_shown_inline_sandboxed(client, users, files):
    client.force_login(users["city"])
    response = download(client, files["进账单.pdf"], inline="1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == INLINE_POLICY
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


def test_an_image_is_shown_inline_with_its_sniffed_type(client, users, files):
    client.force_login(users["city"])
    response = download(client, files["回单.png"], inline="1")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == INLINE_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_text_file_named_pdf_stays_an_attachment(client, users, files):
    client.force_login(users["city"])
    response = download(client, files["fake.pdf"], inline="1")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_without_inline_every_file_is_an_attachment(client, users, files):
    client.force_login(users["city"])
    for evidence in files.values():
        response = download(client, evidence)
        assert response["Content-Disposition"].startswith("attachment"), evidence.original_name
        assert "sandbox" not in response["Content-Security-Policy"]


def test_the_preview_frames_a_pdf_that_comes_sandboxed(client, users, files):
    client.force_login(users["city"])
    evidence = files["进账单.pdf"]
    url = reverse("projects:evidence-preview", args=[evidence.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    src = reverse("projects:evidence", args=[evidence.pk]) + "?inline=1"
    # no sandbox attribute on the frame (Chromium blocks a PDF in one): the response has it
    frame = f'<iframe class="evidence-frame w-100 border rounded bg-white" src="{src}" title='
    assert frame in html
    assert "<html" not in html and "<img" not in html
    assert download(client, evidence, inline="1")["Content-Security-Policy"] == INLINE_POLICY


def test_the_preview_shows_an_image_as_an_img(client, users, files):
    client.force_login(users["city"])
    evidence = files["回单.png"]
    html = client.get(
        reverse("projects:evidence-preview", args=[evidence.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    src = reverse("projects:evidence", args=[evidence.pk]) + "?inline=1"
    assert f'src="{src}" alt="预览：回单.png"' in html and "<iframe" not in html


def test_the_preview_of_another_type_offers_the_download_only(client, users, files):
    client.force_login(users["city"])
    evidence = files["fake.pdf"]
    html = client.get(
        reverse("projects:evidence-preview", args=[evidence.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "不能在页面内预览，请下载后查看" in html
    assert "<iframe" not in html and "<img" not in html and "?inline=1" not in html


def test_the_preview_without_htmx_is_a_page(client, users, files):
    client.force_login(users["city"])
    response = client.get(reverse("projects:evidence-preview", args=[files["进账单.pdf"].pk]))
    assert response.status_code == 200 and "<html" in response.content.decode()


def test_the_queue_links_each_file_to_its_preview_beside_the_row(client, users, files, record):
    client.force_login(users["city"])
    html = client.get(reverse("projects:verify-queue")).content.decode()
    for evidence in files.values():
        url = reverse("projects:evidence-preview", args=[evidence.pk])
        assert f'hx-get="{url}" hx-target="#evidence-panel-body"' in html
    assert 'id="evidence-panel"' in html


def test_the_queue_page_may_frame_our_own_files(client, users, record):
    client.force_login(users["city"])
    policy = client.get(reverse("projects:verify-queue"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-src" not in policy  # frames: 'self'


def test_another_units_evidence_is_not_found(client, users, files):
    client.force_login(users["dongchangfu"])
    for evidence in files.values():
        assert download(client, evidence, inline="1").status_code == 404
        url = reverse("projects:evidence-preview", args=[evidence.pk])
        assert client.get(url).status_code == 404


def test_the_units_own_staff_and_the_inspector_may_preview(client, users, files):
    for who in ("linqing", "inspector"):
        client.force_login(users[who])
        url = reverse("projects:evidence-preview", args=[files["进账单.pdf"].pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["sysadmin", "auditor"])
def test_administrators_may_not_read_evidence(client, users, files, who):
    client.force_login(users[who])
    evidence = files["进账单.pdf"]
    assert download(client, evidence, inline="1").status_code == 403
    assert client.get(reverse("projects:evidence-preview", args=[evidence.pk])).status_code == 403


def test_anonymous_is_sent_to_the_login(client, files):
    url = reverse("projects:evidence-preview", args=[files["进账单.pdf"].pk])
    assert client.get(url).status_code == 302
