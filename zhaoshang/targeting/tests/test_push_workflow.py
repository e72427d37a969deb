"""Pushed leads as a workflow (#11 §4): the city chooses the receiving unit explicitly, with a
note and a deadline, after a confirmation naming the enterprise and the unit; the unit's staff
are notified and reminded, see a 待接收 badge and a card on their home, and accept (the lead
project is created then) or decline (no project ever exists, so it counts nowhere); the city
sees the status and may withdraw a pending push."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhaoshang.accounts.models import User
from zhaoshang.accounts.roles import Role
from zhaoshang.conftest import PASSWORD
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.periods import year_period
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.workdays import add_workdays
from zhaoshang.goals.indicators import INDICATORS, evaluate
from zhaoshang.notices import reminders
from zhaoshang.notices.models import Notification
from zhaoshang.projects.figures import project_sums
from zhaoshang.projects.models import AttractionMode, Project, ProjectTotal, Stage
from zhaoshang.projects.selectors import home_figures
from zhaoshang.projects.services import project_create
from zhaoshang.projects.services.duplicates import duplicate_candidates
from zhaoshang.projects.services.project_totals import project_totals_diff
from zhaoshang.targeting import selectors, services
from zhaoshang.targeting.models import LeadPush, PushStatus

pytestmark = pytest.mark.django_db

PUSH = "/targeting/push/"


@pytest.fixture
def chiping_colleague(org) -> User:
    user = User(username="chiping2", role=Role.UNIT_STAFF, unit=org["chiping"])
    user.set_password(PASSWORD)
    user.save()
    return user


def _push(users, org, enterprise, node, **kwargs) -> LeadPush:
    return services.push_lead(
        actor=users["city"], enterprise=enterprise, unit=org["chiping"], node=node, **kwargs
    )


def _dialog_post(client, chain, **data):
    body = {
        "enterprise": chain.e1.pk, "node": chain.foil.pk, "ranking": "", "next": "/targeting/",
        "unit": "371503", "note": "", "deadline_kind": "workdays", "deadline_workdays": "10",
        **data,
    }  # fmt: skip
    return client.post(PUSH, body, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="modal-content")


# --- choosing the unit, the note and the deadline; the confirmation ----------------------------


def test_the_push_dialog_preselects_no_unit_and_refuses_a_missing_one(chain, users, client):
    client.force_login(users["city"])
    html = client.get(
        PUSH, {"enterprise": chain.e1.pk, "node": chain.foil.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<option value="" selected>请选择接收单位</option>' in html
    assert html.count(" selected>") == 1  # nothing else chosen for the city
    response = _dialog_post(client, chain, unit="", confirmed="1")
    assert response.status_code == 200
    assert 'id="id_unit_error_1">请选择接收单位</div>' in response.content.decode()
    assert not LeadPush.objects.exists()


def test_the_api_requires_the_unit(chain, users):
    response = client_for(users["city"]).post(
        "/api/targeting/push/", {"node": chain.foil.pk, "enterprise": chain.e1.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["unit"] == ["请选择接收单位"]
    assert not LeadPush.objects.exists()


def test_the_dialog_asks_for_a_confirmation_naming_the_enterprise_and_the_unit(
    chain, org, users, client
):
    client.force_login(users["city"])
    first = _dialog_post(client, chain, note="重点对接电池铝箔产线", deadline_workdays="5")
    html = first.content.decode()
    due = add_workdays(timezone.localdate(), 5)
    assert (
        "确认将「<strong>上海申铝箔材有限公司</strong>」推送至「<strong>茌平区</strong>」？" in html
    )
    assert f"接收期限：{due:%Y-%m-%d}" in html and ">确认推送</button>" in html
    assert not LeadPush.objects.exists()  # asking is not pushing

    done = _dialog_post(
        client, chain, note="重点对接电池铝箔产线", deadline_workdays="5", confirmed="1"
    )
    assert done["HX-Redirect"] == "/targeting/"
    push = LeadPush.objects.get()
    assert (push.unit, push.note, push.deadline, push.status) == (
        org["chiping"], "重点对接电池铝箔产线", due, PushStatus.PUSHED,
    )  # fmt: skip


def test_a_deadline_may_be_a_date_but_not_a_past_one(chain, org, users, client):
    today = timezone.localdate()
    client.force_login(users["city"])
    past = _dialog_post(
        client, chain, deadline_kind="date", deadline=(today - dt.timedelta(1)).isoformat()
    )
    assert "接收期限不能早于今天" in past.content.decode()
    missing = _dialog_post(client, chain, deadline_kind="date", deadline="")
    assert "请填写截止日期" in missing.content.decode()
    on = today + dt.timedelta(days=20)
    _dialog_post(client, chain, deadline_kind="date", deadline=on.isoformat(), confirmed="1")
    assert LeadPush.objects.get().deadline == on
    with pytest.raises(ValidationError) as exc:
        services.resolve_deadline(deadline=on, deadline_workdays=3)
    assert exc.value.message_dict == {"deadline": ["请填写截止日期或工作日数之一"]}


def test_the_api_saves_note_and_deadline_and_lists_them(chain, org, users):
    api = client_for(users["city"])
    on = timezone.localdate() + dt.timedelta(days=7)
    response = api.post(
        "/api/targeting/push/",
        {"node": chain.foil.pk, "unit": "371503", "enterprise": chain.e1.pk,
         "note": "请尽快联系", "deadline": on.isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    row = api.get("/api/targeting/pushes/").json()["results"][0]
    assert (row["note"], row["deadline"], row["days_left"], row["status"], row["project"]) == (
        "请尽快联系", on.isoformat(), 7, "pushed", None,
    )  # fmt: skip
    assert row["status_label"] == "待接收"


def test_an_enterprise_pending_at_one_unit_is_not_pushed_to_another(chain, org, users):
    _push(users, org, chain.e1, chain.foil)
    with pytest.raises(ValidationError) as exc:
        services.push_lead(
            actor=users["city"], enterprise=chain.e1, unit=org["linqing"], node=chain.foil
        )
    assert exc.value.messages == ["该企业已推送至茌平区，等待接收；不能同时推送给多个单位"]


# --- the county: badge, home card, notifications ----------------------------------------------


def test_the_county_sees_a_badge_counting_its_pending_pushes(
    chain, org, users, chiping_user, client
):
    _push(users, org, chain.e1, chain.foil)
    p2 = _push(users, org, chain.e3, chain.foil)
    services.push_lead(
        actor=users["city"], enterprise=chain.e2, unit=org["linqing"], node=chain.foil
    )
    client.force_login(chiping_user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/targeting/profiles/").content.decode()
    counts = [q["sql"] for q in queries if "targeting_leadpush" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()
    assert (
        '<span class="badge rounded-pill text-bg-warning" id="pushes-badge" title="待接收">2'
        in html
    )
    services.push_decline(actor=chiping_user, push=p2, reason="不符合定位")
    html = client.get("/targeting/profiles/").content.decode()
    assert 'id="pushes-badge" title="待接收">1' in html
    client.force_login(users["city"])  # the city awaits nothing
    assert 'id="pushes-badge"' not in client.get("/targeting/profiles/").content.decode()


def test_the_county_home_lists_pending_pushes_with_deadline_and_days_left(
    chain, org, users, chiping_user, client
):
    today = timezone.localdate()
    _push(users, org, chain.e1, chain.foil, deadline=today + dt.timedelta(days=3))
    late = _push(users, org, chain.e3, chain.foil, deadline=today)
    LeadPush.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=2))
    client.force_login(chiping_user)
    html = client.get("/").content.decode()
    card = html.split('id="pending-pushes"')[1].split("</section>")[0]
    assert "待接收的推送线索" in card
    # the overdue one first, then by deadline
    assert card.index("苏州吴中铝业有限公司") < card.index("上海申铝箔材有限公司")
    assert f"期限 {today - dt.timedelta(days=2):%Y-%m-%d}" in card and "逾期 2 天" in card
    assert f"期限 {today + dt.timedelta(days=3):%Y-%m-%d}" in card and "剩 3 天" in card
    client.force_login(users["city"])
    assert 'id="pending-pushes"' not in client.get("/").content.decode()


def test_a_push_notifies_the_units_staff_once_and_the_deadline_is_reminded_once(
    chain, org, users, chiping_user, chiping_colleague
):
    today = timezone.localdate()
    push = _push(users, org, chain.e1, chain.foil, deadline=today + dt.timedelta(days=1))
    sent = Notification.objects.filter(kind="targeting.push")
    assert sorted(sent.values_list("recipient__username", flat=True)) == ["chiping", "chiping2"]
    assert sent.first().url == f"/targeting/inbox/#push-{push.pk}"
    assert sent.first().title == "新推送线索待接收：上海申铝箔材有限公司"

    assert reminders.run(today=today, only=["targeting.push_deadline"]).total == 2
    assert reminders.run(today=today, only=["targeting.push_deadline"]).total == 0
    assert Notification.objects.filter(kind="targeting.push_due").count() == 2
    later = today + dt.timedelta(days=2)
    assert reminders.run(today=later, only=["targeting.push_deadline"]).total == 3
    assert reminders.run(today=later, only=["targeting.push_deadline"]).total == 0
    overdue = Notification.objects.filter(kind="targeting.push_overdue")
    assert sorted(overdue.values_list("recipient__username", flat=True)) == [
        "chiping", "chiping2", "city",
    ]  # fmt: skip

    services.push_accept(actor=chiping_user, push=push)
    decided = Notification.objects.filter(kind="targeting.push_decided")
    assert list(decided.values_list("recipient__username", flat=True)) == ["city"]
    assert reminders.run(today=later + dt.timedelta(1), only=["targeting.push_deadline"]).total == 0


# --- the city sees status only; withdraw ------------------------------------------------------


def test_the_city_sees_the_status_not_the_units_buttons(chain, org, users, chiping_user, client):
    pending = _push(users, org, chain.e1, chain.foil)
    late = _push(users, org, chain.e3, chain.foil)
    LeadPush.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(1))
    client.force_login(users["city"])
    html = client.get("/targeting/inbox/").content.decode()
    assert "接收</button>" not in html and "退回</button>" not in html
    assert html.count("撤回</button>") == 2
    row = html.split(f'id="push-{late.pk}"')[1].split("</tr>")[0]
    assert 'data-status="overdue"' in html and "逾期未接收" in row
    row = html.split(f'id="push-{pending.pk}"')[1].split("</tr>")[0]
    assert "待接收" in row and "等待" not in row  # withdraw offered instead
    overdue_only = client.get("/targeting/inbox/?status=overdue").content.decode()
    assert f'id="push-{late.pk}"' in overdue_only and f'id="push-{pending.pk}"' not in overdue_only

    assert client.post(f"/targeting/pushes/{pending.pk}/accept/", {"note": ""}).status_code == 403
    assert (
        client.post(f"/targeting/pushes/{pending.pk}/decline/", {"reason": "x"}).status_code == 403
    )
    api = client_for(users["city"])
    assert (
        api.post(f"/api/targeting/pushes/{pending.pk}/accept/", {}, format="json").status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.push_accept(actor=users["city"], push=pending)
    pending.refresh_from_db()
    assert pending.status == PushStatus.PUSHED and not Project.objects.exists()

    client.force_login(chiping_user)
    html = client.get("/targeting/inbox/").content.decode()
    assert html.count("接收</button>") == 2 and "撤回</button>" not in html


def test_the_city_withdraws_a_pending_push_with_a_reason_and_may_push_again(
    chain, org, users, chiping_user, client
):
    push = _push(users, org, chain.e1, chain.foil)
    client.force_login(chiping_user)
    assert client.post(f"/targeting/pushes/{push.pk}/withdraw/", {"reason": "x"}).status_code == 403
    client.force_login(users["city"])
    empty = client.post(
        f"/targeting/pushes/{push.pk}/withdraw/", {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert 'data-status="pushed"' in empty.content.decode()
    response = client.post(
        f"/targeting/pushes/{push.pk}/withdraw/", {"reason": "单位选错"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-status="withdrawn"' in response.content.decode()
    push.refresh_from_db()
    assert (push.status, push.reason, push.decided_by) == (
        PushStatus.WITHDRAWN, "单位选错", users["city"],
    )  # fmt: skip
    entry = AuditEntry.objects.filter(object_id=str(push.pk), action="update").get()
    assert entry.note == "撤回推送线索：单位选错"
    assert (
        Notification.objects.filter(
            kind="targeting.push_decided",
            recipient=chiping_user,
            title__startswith="推送线索已撤回",
        ).count()
        == 1
    )
    assert 'id="pushes-badge"' not in client.get("/").content.decode()
    again = services.push_lead(
        actor=users["city"], enterprise=chain.e1, unit=org["linqing"], node=chain.foil
    )
    assert again.status == PushStatus.PUSHED
    with pytest.raises(ValidationError):  # accepted or withdrawn: nothing left to withdraw
        services.push_withdraw(actor=users["city"], push=push, reason="再次撤回")


# --- decline counts nowhere, accept creates the project ----------------------------------------


def test_a_declined_push_leaves_no_project_anywhere(chain, org, users, chiping_user, client):
    push = _push(users, org, chain.e1, chain.foil)
    services.push_decline(actor=chiping_user, push=push, reason="企业无意向")
    year = timezone.localdate().year

    assert not Project.objects.exists()
    figures = home_figures(user=chiping_user, year=year)
    assert (figures["projects_total"], figures["projects_active"]) == (0, 0)
    assert dict((v, n) for v, _label, n in figures["by_stage"])["dropped"] == 0
    assert project_sums(chiping_user) == []
    assert not ProjectTotal.objects.filter(project_count__gt=0).exists()
    for key in INDICATORS:
        assert evaluate(key, year_period(year)).values == {}, key
    client.force_login(chiping_user)
    assert "上海申铝箔材有限公司" not in client.get("/projects/").content.decode()
    assert "上海申铝箔材有限公司" not in client.get("/projects/?stage=dropped").content.decode()
    assert duplicate_candidates(name="申铝箔材铝箔项目", investors=[chain.e1], unit_id=None) == []
    assert selectors.pipeline_for([chain.e1.pk], user=users["city"]) == {}


def test_accepting_puts_the_lead_in_the_countys_pipeline(chain, org, users, chiping_user, client):
    push = _push(users, org, chain.e1, chain.foil)
    client.force_login(chiping_user)
    response = client.post(
        f"/targeting/pushes/{push.pk}/accept/", {"note": "本周走访"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-status="accepted"' in response.content.decode()
    project = Project.objects.get()
    assert (project.stage, project.attraction_mode, list(project.investors.all())) == (
        Stage.LEAD, AttractionMode.DIGITAL, [chain.e1],
    )  # fmt: skip
    assert f'href="/projects/{project.pk}/"' in response.content.decode()
    assert home_figures(user=chiping_user, year=timezone.localdate().year)["projects_active"] == 1
    assert project_totals_diff() == []
    assert "上海申铝箔材有限公司·铝箔招商线索" in client.get("/projects/").content.decode()


def test_accept_is_refused_when_another_unit_took_the_enterprise_on_meanwhile(
    chain, org, users, chiping_user, make_project
):
    push = _push(users, org, chain.e1, chain.foil)
    make_project("linqing", name="申铝合作项目", investors=[chain.e1])
    with pytest.raises(ValidationError) as exc:
        services.push_accept(actor=chiping_user, push=push)
    assert exc.value.messages == [
        "该企业已在其他单位的招商项目中，不能推送；如需协调，请联系市投资促进局"
    ]
    push.refresh_from_db()
    assert push.status == PushStatus.PUSHED and Project.objects.count() == 1


# --- pushes made before: their projects removed by the data migration ----------------------------


def test_the_migration_removes_the_projects_of_unaccepted_legacy_pushes(
    chain, org, users, chiping_user
):
    migration = importlib.import_module(
        "zhaoshang.targeting.migrations.0005_pushed_projects_on_accept"
    )

    def legacy(enterprise, status, *, work=False):
        project = project_create(
            actor=users["city"], name=f"{enterprise.name}·铝箔招商线索", unit=org["chiping"],
            industry=chain.direction.industry, direction=chain.direction,
            investors=[enterprise], attraction_mode=AttractionMode.DIGITAL,
            total_investment_wan=0, description="x",
        )  # fmt: skip
        if work:
            from zhaoshang.projects.models import ProgressUpdate

            ProgressUpdate.objects.create(
                project=project, on=timezone.localdate(), content="已走访", actor=chiping_user
            )
        return LeadPush.objects.create(
            enterprise=enterprise, unit=org["chiping"], project=project, status=status,
            node=chain.foil, explanation="x", pushed_by=users["city"],
        )  # fmt: skip

    pending = legacy(chain.e1, PushStatus.PUSHED)
    worked = legacy(chain.e2, PushStatus.PUSHED, work=True)
    accepted = legacy(chain.e3, PushStatus.ACCEPTED)

    assert migration.detach_unaccepted_projects(apps, None) == 1

    pending.refresh_from_db()
    worked.refresh_from_db()
    accepted.refresh_from_db()
    assert pending.project is None
    assert worked.project is not None and accepted.project is not None
    assert Project.objects.count() == 2
    assert project_totals_diff() == []
