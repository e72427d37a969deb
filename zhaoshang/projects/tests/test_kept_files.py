"""A dialog sent back with errors keeps the files chosen (a browser cannot re-fill a file input)
and marks only the rows whose files are in error; kept files are owned, bounded and swept."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhaoshang.conftest import pdf_file
from zhaoshang.projects.models import Evidence, Stage, StagedUpload
from zhaoshang.projects.services import staging

pytestmark = pytest.mark.django_db


def kept_ids(html: str, row: int) -> list[int]:
    return [int(v) for v in re.findall(rf'name="evidence-{row}-kept" value="(\d+)"', html)]


def test_a_failed_stage_dialog_keeps_the_good_files_and_marks_only_the_bad_row(
    client, users, make_project, today
):
    project = make_project()
    client.force_login(users["linqing"])
    url = reverse("projects:stage", args=[project.pk])
    data = {
        "to": "signed",
        "on": today.isoformat(),
        "contracted_investment_wan": "18000",
        "evidence-0-kind": "contract",
        "evidence-0-file": pdf_file("投资合同.pdf"),
        "evidence-1-kind": "other",
        "evidence-1-file": SimpleUploadedFile("fake.pdf", b"just text, not a pdf\n"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["evidence"] == ["文件内容不是 PDF：fake.pdf"]
    html = response.content.decode()
    assert "已选择：投资合同.pdf" in html and len(kept_ids(html, 0)) == 1
    assert kept_ids(html, 1) == []
    assert html.count("is-invalid") == 1  # the fake file's row, nothing else
    assert re.search(r'class="form-control is-invalid" name="evidence-1-file"', html)
    assert not re.search(r'class="form-control is-invalid" name="evidence-0-file"', html)
    assert StagedUpload.objects.filter(owner=users["linqing"]).count() == 1
    assert not Evidence.objects.exists()

    again = client.post(
        url,
        {
            "to": "signed",
            "on": today.isoformat(),
            "contracted_investment_wan": "18000",
            "evidence-0-kind": "contract",
            "evidence-0-kept": str(kept_ids(html, 0)[0]),
        },
    )
    assert again.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    evidence = Evidence.objects.get(stage_change__to_stage=Stage.SIGNED)
    assert (evidence.kind, evidence.original_name) == ("contract", "投资合同.pdf")
    assert evidence.file.read() == b"%PDF-1.4 evidence"
    assert not StagedUpload.objects.exists()  # used, then removed


def test_another_persons_kept_file_cannot_be_used(client, users, make_project, today):
    theirs = staging.keep(owner=users["dongchangfu"], kind="contract", upload=pdf_file("他人.pdf"))
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to": "signed",
            "on": today.isoformat(),
            "contracted_investment_wan": "18000",
            "evidence-0-kind": "contract",
            "evidence-0-kept": str(theirs.pk),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == ["暂存的文件已过期，请重新选择"]
    project.refresh_from_db()
    assert project.stage == Stage.LEAD and not Evidence.objects.exists()
    assert StagedUpload.objects.get().owner == users["dongchangfu"]


def test_kept_files_older_than_a_day_or_beyond_twenty_are_swept(users):
    old = staging.keep(owner=users["linqing"], kind="contract", upload=pdf_file("旧.pdf"))
    StagedUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    path = old.file.path
    for i in range(21):
        staging.keep(owner=users["linqing"], kind="contract", upload=pdf_file(f"{i}.pdf"))
    names = set(StagedUpload.objects.values_list("original_name", flat=True))
    assert names == {f"{i}.pdf" for i in range(1, 21)}  # the oldest beyond 20 and the stale one
    import os

    assert not os.path.exists(path)


def test_a_failed_funds_dialog_keeps_the_receipt(client, users, make_project, today):
    from zhaoshang.projects.services import project_advance_stage
    from zhaoshang.projects.services.evidence import EvidenceFile

    project = make_project()
    project_advance_stage(
        project=project, to=Stage.SIGNED, on=today, actor=users["linqing"],
        evidence=[EvidenceFile("contract", pdf_file())], contracted_investment_wan=100,
    )  # fmt: skip
    client.force_login(users["linqing"])
    url = reverse("projects:funds-create", args=[project.pk])
    response = client.post(
        url,
        {
            "period": f"{today:%Y-%m}",
            "amount_wan": "-5",
            "source": "own",
            "evidence-0-kind": "bank_receipt",
            "evidence-0-file": pdf_file("进账单.pdf"),
        },
    )
    html = response.content.decode()
    assert "已选择：进账单.pdf" in html
    data = {
        "period": f"{today:%Y-%m}",
        "amount_wan": "50",
        "source": "own",
        "evidence-0-kind": "bank_receipt",
        "evidence-0-kept": str(kept_ids(html, 0)[0]),
    }
    assert client.post(url, data).status_code == 302
    assert Evidence.objects.filter(funds_record__isnull=False).get().original_name == "进账单.pdf"
    assert not StagedUpload.objects.exists()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_a_refused_file_is_marked_and_the_contract_need_not_be_chosen_again(
    page, live_server, users, make_project, tmp_path
):
    from playwright.sync_api import expect

    from .test_e2e_lifecycle import login

    project = make_project()
    contract = tmp_path / "投资合同.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"just some text\n")
    login(page, live_server.url, "linqing")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="变更阶段").click()
    dialog = page.locator("#modal-content")
    dialog.locator("select[name=to]").select_option("signed")
    expect(dialog.locator("#stage-no-return")).to_contain_text("阶段一经推进，只有市级可以回退")
    dialog.locator("input[name=contracted_investment_wan]").fill("18000")
    dialog.locator("select[name='evidence-0-kind']").select_option("contract")
    dialog.locator("input[name='evidence-0-file']").set_input_files(str(contract))
    dialog.locator("select[name='evidence-1-kind']").select_option("other")
    dialog.locator("input[name='evidence-1-file']").set_input_files(str(fake))
    dialog.get_by_role("button", name="确认变更").click()
    expect(dialog.locator("[data-row='1'] .invalid-feedback")).to_have_text(
        "文件内容不是 PDF：fake.pdf"
    )
    expect(dialog.locator("[data-row='0'] .is-invalid")).to_have_count(0)
    expect(
        dialog.get_by_label("已选择：投资合同.pdf（已保留，无需重新选择；取消勾选则不提交）")
    ).to_be_checked()
    dialog.get_by_role("button", name="确认变更").click()
    expect(page.locator("#modal")).not_to_be_visible()
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert [e.original_name for e in Evidence.objects.all()] == ["投资合同.pdf"]


def test_the_sweep_command_removes_only_the_stale_kept_files(users):
    from io import StringIO

    from django.core.management import call_command

    stale = staging.keep(owner=users["linqing"], kind="contract", upload=pdf_file("旧.pdf"))
    fresh = staging.keep(owner=users["linqing"], kind="contract", upload=pdf_file("新.pdf"))
    StagedUpload.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    out = StringIO()
    call_command("sweep_staged_uploads", stdout=out)
    assert out.getvalue() == "已删除暂存上传文件 1 个\n"
    assert list(StagedUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
