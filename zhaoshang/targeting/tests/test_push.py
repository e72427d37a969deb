"""Pushing a recommendation as a lead: once per enterprise and unit; the unit accepts (the lead
project is created then) or declines with a reason (no project ever exists); pipeline
enterprises are shown with their project and stage, not pushed again. Every write is audited."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.projects.models import AttractionMode, Project, Stage
from zhaoshang.targeting import selectors, services
from zhaoshang.targeting.models import LeadPush, PushStatus, RecommendationRun

pytestmark = pytest.mark.django_db

RECS = "/api/targeting/recommendations/"
PUSH = "/api/targeting/push/"


def test_push_records_the_explanation_and_accepting_creates_the_digital_lead(
    chain, org, users, chiping_user
):
    run = selectors.recommendation(user=users["city"], unit=org["chiping"], node=chain.foil)
    push = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil, run=run
    )
    assert push.project is None and not Project.objects.exists()
    assert push.explanation.startswith(
        "精准招商推荐：上海申铝箔材有限公司 → 铝精深加工 · 铝箔（茌平区）"
    )
    assert "· 产业链匹配 +32.00：自动归入「铝箔」（置信度0.80）" in push.explanation
    assert (push.status, push.run, push.node, str(push.score)) == (
        PushStatus.PUSHED, run, chain.foil, "59.41",
    )  # fmt: skip
    assert AuditEntry.objects.filter(object_id=str(push.pk), action="create").exists()

    services.push_accept(actor=chiping_user, push=push)
    push.refresh_from_db()
    project = push.project
    assert (project.unit, project.stage) == (org["chiping"], Stage.LEAD)
    assert project.attraction_mode == AttractionMode.DIGITAL
    assert list(project.investors.all()) == [chain.e1]
    assert project.direction == chain.direction
    assert project.created_by == chiping_user
    assert push.explanation == project.description
    assert AuditEntry.objects.filter(object_id=str(project.pk), action="create").exists()


def test_pushing_the_same_enterprise_to_the_same_unit_twice_is_refused(chain, org, users):
    services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
    )
    projects = Project.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.push_lead(
            actor=users["city2"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
        )
    assert "不能重复推送" in exc.value.message_dict["enterprise"][0]
    assert Project.objects.count() == projects
    assert LeadPush.objects.count() == 1
    # the database refuses it too
    from django.db import IntegrityError, transaction

    push = LeadPush.objects.get()
    with pytest.raises(IntegrityError, match="leadpush"), transaction.atomic():
        LeadPush.objects.create(
            enterprise=chain.e1, unit=org["chiping"], explanation="x", pushed_by=users["city"]
        )
    assert LeadPush.objects.get() == push


def test_the_api_push_answers_the_pending_push_and_refuses_a_second_push(chain, org, users):
    client = client_for(users["city"])
    body = {"node": chain.foil.pk, "unit": "371503", "enterprise": chain.e1.pk}
    response = client.post(PUSH, body, format="json")
    assert response.status_code == 201, response.content
    push = LeadPush.objects.get()
    assert response.json() == {
        "project": None, "push": push.pk, "status": "pushed",
        "deadline": push.deadline.isoformat(),
    }  # fmt: skip
    assert not Project.objects.exists()
    again = client.post(PUSH, body, format="json")
    assert again.status_code == 400
    assert "不能重复推送" in again.json()["enterprise"][0]


def test_pipeline_enterprises_show_project_and_stage_and_are_not_pushed(
    chain, org, users, make_project
):
    project = make_project("linqing", name="中原铝箔合作项目", investors=[chain.e2])
    data = client_for(users["city"]).get(RECS, {"node": chain.foil.pk, "unit": "371503"}).json()
    item = next(i for i in data["items"] if i["enterprise"]["id"] == chain.e2.pk)
    assert item["pipeline"] == {
        "project": project.pk, "stage": "lead", "stage_label": "线索", "name": "中原铝箔合作项目",
        "unit": "临清市", "visible": True,
    }  # fmt: skip
    assert (
        next(i for i in data["items"] if i["enterprise"]["id"] == chain.e1.pk)["pipeline"] is None
    )
    with pytest.raises(ValidationError) as exc:
        services.push_lead(
            actor=users["city"], enterprise=chain.e2, unit=org["chiping"], node=chain.foil
        )
    assert "已在招商项目中：临清市「中原铝箔合作项目」（线索）" in exc.value.messages[0]
    assert not LeadPush.objects.exists()


def test_another_units_project_is_not_named_to_a_unit_that_may_not_see_it(
    chain, org, users, make_project, chiping_user
):
    """茌平区 asks for its recommendations: 临清市's project with e2 shows only as another
    unit's, and the push error names neither the project, its unit nor its stage."""
    make_project("linqing", name="中原铝箔合作项目", investors=[chain.e2])

    data = client_for(chiping_user).get(RECS, {"node": chain.foil.pk, "unit": "371503"}).json()

    item = next(i for i in data["items"] if i["enterprise"]["id"] == chain.e2.pk)
    assert item["pipeline"] == {
        "project": None, "stage": "", "stage_label": "", "name": "", "unit": "其他单位",
        "visible": False,
    }  # fmt: skip
    assert "中原铝箔合作项目" not in json.dumps(data, ensure_ascii=False)
    with pytest.raises(ValidationError) as exc:
        services.push_lead(
            actor=chiping_user, enterprise=chain.e2, unit=org["chiping"], node=chain.foil
        )
    assert exc.value.messages == [
        "该企业已在其他单位的招商项目中，不能推送；如需协调，请联系市投资促进局"
    ]
    assert not LeadPush.objects.exists()


def test_the_page_does_not_name_another_units_project_either(
    chain, org, users, make_project, chiping_user, client
):
    make_project("linqing", name="中原铝箔合作项目", investors=[chain.e2])
    client.force_login(chiping_user)

    html = client.get("/targeting/", {"node": chain.foil.pk, "unit": "371503"}).content.decode()

    row_e2 = html.split(f'data-enterprise="{chain.e2.pk}"')[1].split("</tr>")[0]
    assert "其他单位在谈" in row_e2 and "/targeting/push/?" not in row_e2
    assert "中原铝箔合作项目" not in html and "临清市「" not in html


def test_the_page_shows_the_pipeline_instead_of_a_push_button(
    chain, org, users, make_project, client
):
    make_project("linqing", name="中原铝箔合作项目", investors=[chain.e2])
    client.force_login(users["city"])
    html = client.get("/targeting/", {"node": chain.foil.pk, "unit": "371503"}).content.decode()
    row_e2 = html.split(f'data-enterprise="{chain.e2.pk}"')[1].split("</tr>")[0]
    assert "已在项目库" in row_e2 and "中原铝箔合作项目" in row_e2
    assert "/targeting/push/?" not in row_e2
    row_e1 = html.split(f'data-enterprise="{chain.e1.pk}"')[1].split("</tr>")[0]
    assert f"/targeting/push/?enterprise={chain.e1.pk}&amp;node={chain.foil.pk}" in row_e1


def test_accept_creates_the_lead_project(chain, org, users, chiping_user):
    push = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
    )
    response = client_for(chiping_user).post(
        f"/api/targeting/pushes/{push.pk}/accept/", {"note": "安排走访"}, format="json"
    )
    assert response.status_code == 200, response.content
    push.refresh_from_db()
    assert (push.status, push.reason, push.decided_by) == (
        PushStatus.ACCEPTED,
        "安排走访",
        chiping_user,
    )
    assert (push.project.stage, push.project.unit) == (Stage.LEAD, org["chiping"])
    assert response.json()["project"] == push.project_id
    assert response.json()["project_stage"] == "lead"
    assert AuditEntry.objects.filter(object_id=str(push.pk), action="update").exists()
    again = client_for(chiping_user).post(
        f"/api/targeting/pushes/{push.pk}/decline/", {"reason": "x"}
    )
    assert again.status_code == 400
    assert Project.objects.count() == 1


def test_decline_needs_a_reason_and_leaves_no_project(chain, org, users, chiping_user):
    push = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
    )
    client = client_for(chiping_user)
    empty = client.post(f"/api/targeting/pushes/{push.pk}/decline/", {"reason": ""}, format="json")
    assert empty.status_code == 400
    response = client.post(
        f"/api/targeting/pushes/{push.pk}/decline/", {"reason": "企业无扩张意向"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    assert response.json()["project"] is None
    push.refresh_from_db()
    assert (push.status, push.reason, push.project) == (
        PushStatus.DECLINED, "企业无扩张意向", None,
    )  # fmt: skip
    assert not Project.objects.exists()
    # never pushed to 茌平区 again; no project, so no recent-contact deduction either
    with pytest.raises(ValidationError, match=r"该企业已于.*推送至茌平区（已退回），不能重复推送"):
        services.push_lead(
            actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
        )
    run = selectors.recommendation(user=users["city"], unit=org["chiping"], node=chain.foil)
    item = next(i for i in run.results if i["enterprise"]["id"] == chain.e1.pk)
    assert {f["name"]: f["contribution"] for f in item["factors"]}["recent_contact"] == 0


def test_the_inbox_page_accepts_and_declines(chain, org, users, chiping_user, client):
    p1 = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], node=chain.foil
    )
    p2 = services.push_lead(
        actor=users["city"], enterprise=chain.e3, unit=org["chiping"], node=chain.foil
    )
    client.force_login(chiping_user)
    html = client.get("/targeting/inbox/").content.decode()
    assert "上海申铝箔材有限公司" in html and "苏州吴中铝业有限公司" in html
    response = client.post(
        f"/targeting/pushes/{p1.pk}/accept/", {"note": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'data-status="accepted"' in response.content.decode()
    response = client.post(
        f"/targeting/pushes/{p2.pk}/decline/", {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert (
        "This field is required" in response.content.decode()
        or "必填" in response.content.decode()
        or "此字段" in response.content.decode()
    )
    p2.refresh_from_db()
    assert p2.status == PushStatus.PUSHED
    client.post(f"/targeting/pushes/{p2.pk}/decline/", {"reason": "不符合园区定位"})
    p2.refresh_from_db()
    assert (p2.status, p2.project) == (PushStatus.DECLINED, None)
    assert list(Project.objects.values_list("investors", flat=True)) == [chain.e1.pk]


def _confirmed_push(client, enterprise, node, ranking="", **extra):
    return client.post(
        "/targeting/push/",
        {
            "enterprise": enterprise.pk,
            "unit": "371503",
            "node": node.pk,
            "ranking": ranking,
            "deadline_kind": "workdays",
            "deadline_workdays": "10",
            "confirmed": "1",
            **extra,
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="modal-content",
    )


def test_viewing_recommendations_writes_nothing_and_a_push_stores_the_ranking_once(
    chain, org, users, client
):
    client.force_login(users["city"])
    page = f"/targeting/?node={chain.foil.pk}&unit=371503"
    html = client.get(page).content.decode()
    client.get(page, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="recommend-results")
    assert RecommendationRun.objects.count() == 0
    assert f"ranking=node%3D{chain.foil.pk}%26unit%3D371503" in html

    ranking = f"node={chain.foil.pk}&unit=371503"
    response = _confirmed_push(client, chain.e1, chain.foil, ranking)
    assert response.status_code == 200 and response["HX-Redirect"] == "/targeting/"
    run = RecommendationRun.objects.get()
    push = LeadPush.objects.get()
    assert (push.run, push.unit) == (run, org["chiping"])
    assert (run.node, run.unit, run.created_by) == (chain.foil, org["chiping"], users["city"])
    assert [i["enterprise"]["id"] for i in run.results] == [chain.e1.pk, chain.e3.pk, chain.e2.pk]

    _confirmed_push(client, chain.e2, chain.foil, ranking)
    assert LeadPush.objects.count() == 2
    assert list(RecommendationRun.objects.all()) == [run]
    assert LeadPush.objects.get(enterprise=chain.e2).run == run

    again = _confirmed_push(client, chain.e1, chain.foil)
    assert "不能重复推送" in again.content.decode()
    assert LeadPush.objects.count() == 2


def test_the_api_recommendations_are_a_read_and_a_push_with_the_query_stores_the_run(
    chain, org, users
):
    api = client_for(users["city"])
    query = {"node": chain.foil.pk, "unit": "371503", "limit": 2}
    shown = api.get(RECS, query)
    api.get(RECS, query)
    assert shown.status_code == 200 and "run" not in shown.json()
    assert RecommendationRun.objects.count() == 0

    pushed = api.post(
        PUSH, {"enterprise": chain.e1.pk, "unit": "371503", "ranking": query}, format="json"
    )
    assert pushed.status_code == 201
    run = RecommendationRun.objects.get()
    assert LeadPush.objects.get(pk=pushed.json()["push"]).run == run
    assert run.params["limit"] == 2
    assert [i["enterprise"]["id"] for i in run.results] == [
        i["enterprise"]["id"] for i in shown.json()["items"]
    ]


def test_push_from_a_gap_list_run_takes_the_node_the_enterprise_fits(
    chain, org, users, chiping_user
):
    run = selectors.recommendation(
        user=users["city"], unit=org["chiping"], direction=chain.direction
    )
    push = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["chiping"], run=run
    )
    assert push.node == chain.foil and push.run == run
    services.push_accept(actor=chiping_user, push=push)
    push.refresh_from_db()
    assert push.project.name == "上海申铝箔材有限公司·铝箔招商线索"
