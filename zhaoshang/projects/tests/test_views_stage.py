"""The stage-change dialog: htmx fragment or full page, evidence uploads, field errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.conftest import pdf_file
from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.projects.models import Evidence, Stage, StageChange

pytestmark = pytest.mark.django_db


def test_get_returns_the_dialog_fragment_for_htmx_and_a_page_otherwise(client, users, make_project):
    project = make_project()
    url = reverse("projects:stage", args=[project.pk])
    client.force_login(users["linqing"])
    fragment = client.get(
        url, {"to": "signed"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="modal-content"
    )
    html = fragment.content.decode()
    assert "<html" not in html and 'class="modal-header"' in html
    assert "签约</strong>需要：" in html and "证明材料（投资合同）" in html
    assert 'name="contracted_investment_wan"' in html
    assert 'name="evidence-0-file"' in html and 'value="contract" selected' in html
    page = client.get(url)
    assert "<html" in page.content.decode()
    assert page.context["form"].initial["to"] == Stage.NEGOTIATING


def test_post_with_a_contract_moves_the_project_to_signed(client, users, make_project, today):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to": "signed",
            "on": today.isoformat(),
            "contracted_investment_wan": "18000",
            "note": "在聊城签约",
            "evidence-0-kind": "contract",
            "evidence-0-file": pdf_file("投资合同.pdf"),
            "evidence-1-kind": "other",
            "evidence-1-file": [pdf_file("附件一.pdf"), pdf_file("附件二.pdf")],
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[project.pk])
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.signed_on == today
    assert project.contracted_investment_wan == Decimal("18000.00")
    change = StageChange.objects.get(project=project, to_stage=Stage.SIGNED)
    assert change.note == "在聊城签约"
    assert sorted((e.kind, e.original_name) for e in change.evidence.all()) == [
        ("contract", "投资合同.pdf"),
        ("other", "附件一.pdf"),
        ("other", "附件二.pdf"),
    ]


def test_htmx_post_success_redirects_the_page_behind_the_dialog(client, users, make_project, today):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {"to": "negotiating", "on": today.isoformat()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="modal-content",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("projects:detail", args=[project.pk])


def test_post_without_evidence_shows_the_field_error_and_changes_nothing(
    client, users, make_project, today
):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {"to": "signed", "on": today.isoformat(), "contracted_investment_wan": "18000"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["evidence"] == ["签约需上传证明材料：投资合同"]
    assert "签约需上传证明材料：投资合同" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.LEAD and project.contracted_investment_wan is None
    assert StageChange.objects.filter(project=project).count() == 1
    assert not Evidence.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.STAGE).exists()


def test_future_date_and_missing_amount_land_on_their_fields(client, users, make_project, today):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to": "signed",
            "on": (today + dt.timedelta(days=3)).isoformat(),
            "evidence-0-kind": "contract",
            "evidence-0-file": pdf_file(),
        },
    )
    errors = response.context["form"].errors
    assert errors["on"] == ["日期不能晚于今天"]
    assert errors["contracted_investment_wan"] == ["签约须填写合同投资（万元）"]


def test_county_staff_cannot_choose_going_back(client, users, make_project):
    project = make_project()
    client.force_login(users["linqing"])
    choices = dict(
        client.get(reverse("projects:stage", args=[project.pk]))
        .context["form"]
        .fields["to"]
        .choices
    )
    assert "lead" not in choices and "signed" in choices and "dropped" in choices


def test_a_forward_move_says_only_the_city_can_move_the_stage_back(client, users, make_project):
    project = make_project()
    client.force_login(users["linqing"])
    url = reverse("projects:stage", args=[project.pk])
    html = client.get(url, {"to": "signed"}, HTTP_HX_REQUEST="true").content.decode()
    assert "阶段一经推进，只有市级可以回退" in html
    assert "阶段一经推进" in client.get(url, {"to": "dropped"}).content.decode()


def test_a_backward_move_by_the_city_has_no_such_notice(client, users, make_project, today):
    project = make_project()
    client.force_login(users["city"])
    url = reverse("projects:stage", args=[project.pk])
    client.post(url, {"to": "negotiating", "on": today.isoformat()})
    html = client.get(url, {"to": "lead"}).content.decode()
    assert "（退回）" in html and "阶段一经推进" not in html
