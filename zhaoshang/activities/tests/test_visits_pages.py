"""Visit pages: the entry form (conflicts shown with an acknowledgement, errors on the field),
the list's filters and calendar, the detail's 生成线索 (POST only), the city's window and the
enterprise's 请勿打扰 dialog."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.activities.models import LeaderLevel, Visit, VisitStatus
from zhaoshang.activities.services import ParticipantInput
from zhaoshang.core.concurrency import version_of
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def form_data(today: dt.date, *enterprises, **extra) -> dict:
    data = {
        "status": "done",
        "date": today.isoformat(),
        "enterprises": [e.pk for e in enterprises],
        "participant_0_name": "王科长",
        "participant_0_level": "staff",
        "outcome": "advancing",
        "purpose": "对接配套",
    }
    data.update(extra)
    return data


def test_a_county_enters_a_visit_and_lands_on_its_page(client, users, firms, today):
    client.force_login(users["linqing"])
    response = client.post(reverse("activities:visit-create"), form_data(today, firms["haier"]))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("activities:visit-detail", args=[visit.pk]) + "?saved=new"
    )
    assert (visit.unit.code, visit.created_by_id) == ("371581", users["linqing"].pk)
    page = client.get(response["Location"]).content.decode()
    assert 'data-draft-clear="visit-draft-new"' in page
    assert "生成线索：海尔集团" in page


def test_the_form_shows_errors_on_the_fields_and_saves_nothing(client, users, today):
    client.force_login(users["linqing"])
    response = client.post(
        reverse("activities:visit-create"),
        {"status": "done", "date": today.isoformat(), "outbound": "on"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["outcome"] == ["请选择拜访成效"]
    assert form.errors["enterprises"] == ["请选择拜访的企业，或登记商协会/机构"]
    assert form.errors["city"] == ["外出拜访请填写拜访城市"]
    assert "请至少填写一名拜访人员" in form.non_field_errors()
    assert Visit.objects.count() == 0


def test_a_conflict_is_shown_on_the_form_and_saved_only_once_acknowledged(
    client, users, firms, make_visit, today
):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=2))
    client.force_login(users["linqing"])
    data = form_data(today, firms["haier"])
    response = client.post(reverse("activities:visit-create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and Visit.objects.count() == 1
    assert "海尔集团：另一单位已于 2 天内拜访该企业" in page
    assert "东昌府区" not in page.split('id="visit-conflicts"')[1].split("</div>")[0]
    assert response.context["form"].errors["acknowledge_conflicts"] == ["请勾选确认后再保存"]
    response = client.post(
        reverse("activities:visit-create"), {**data, "acknowledge_conflicts": "on"}
    )
    assert response.status_code == 302 and Visit.objects.count() == 2


def test_the_city_sees_who_visited_and_may_open_that_visit(client, users, firms, make_visit, today):
    other = make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today)
    client.force_login(users["city"])
    response = client.post(
        reverse("activities:visit-create"),
        form_data(today, firms["haier"], unit=users["city"].unit_id),
    )
    page = response.content.decode()
    assert "海尔集团：东昌府区（dongchangfu科长）已于同一天拜访该企业" in page
    assert reverse("activities:visit-detail", args=[other.pk]) in page


def test_the_list_filters_by_leader_level_and_shows_the_planned_calendar(
    client, users, firms, make_visit, today
):
    make_visit(
        enterprises=[firms["haier"]],
        participants=[ParticipantInput(name="李市长", level=LeaderLevel.CITY_MAIN)],
    )
    make_visit(enterprises=[firms["other"]], outbound=True, city="深圳")
    make_visit(enterprises=[firms["other"]], on=today + dt.timedelta(days=4),
               status=VisitStatus.PLANNED)  # fmt: skip
    client.force_login(users["linqing"])
    response = client.get(reverse("activities:visit-list"), {"level": "city_main"})
    assert [v.target_label for v in response.context["page"]] == ["海尔集团"]
    response = client.get(reverse("activities:visit-list"), {"outbound": "true"})
    assert [v.city for v in response.context["page"]] == ["深圳"]
    day = today + dt.timedelta(days=4)
    assert [(d, [v.target_label for v in vs]) for d, vs in response.context["calendar"]] == [
        (day, ["远方材料"])
    ]
    client.force_login(users["dongchangfu"])
    response = client.get(reverse("activities:visit-list"))
    assert response.context["page"].paginator.count == 0


def test_a_lead_is_made_only_by_post_and_opens_the_new_project(
    client, users, firms, make_visit, today
):
    visit = make_visit(enterprises=[firms["haier"]])
    client.force_login(users["linqing"])
    url = reverse("activities:visit-lead", args=[visit.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"enterprise": firms["haier"].pk})
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert (project.stage, project.attraction_mode) == ("lead", "door_to_door")
    client.force_login(users["dongchangfu"])
    assert client.post(url, {"enterprise": firms["haier"].pk}).status_code == 404


def test_a_planned_visit_is_completed_in_its_dialog(client, users, firms, make_visit, today):
    visit = make_visit(enterprises=[firms["haier"]], on=today + dt.timedelta(days=1),
                       status=VisitStatus.PLANNED)  # fmt: skip
    client.force_login(users["linqing"])
    url = reverse("activities:visit-complete", args=[visit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "intent", "version": version_of(visit)})
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.status, visit.date, visit.outcome) == ("done", today, "intent")


def test_the_edit_form_masks_the_phone_and_keeps_it_when_sent_back(
    client, users, firms, make_visit, today
):
    visit = make_visit(enterprises=[firms["haier"]], met_name="李总", met_phone="13812345678")
    client.force_login(users["linqing"])
    url = reverse("activities:visit-edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    data = form_data(today, firms["haier"], met_name="李总", met_phone="138****5678",
                     notes="补充", version=version_of(visit))  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    visit.refresh_from_db()
    assert (visit.notes, visit.met_phone) == ("补充", "13812345678")
    assert (
        "13812345678"
        not in client.get(reverse("activities:visit-detail", args=[visit.pk])).content.decode()
    )


def test_the_city_sets_the_window_and_marks_an_enterprise_do_not_disturb(client, users, firms):
    client.force_login(users["city"])
    response = client.post(reverse("activities:visit-rules"), {"conflict_days": "14",
                                                              "version": "new"})  # fmt: skip
    assert response.status_code == 302
    firm = firms["haier"]
    url = reverse("enterprises:contact-rules", args=[firm.pk])
    response = client.post(url, {"do_not_disturb": "on", "contact_preference": "书面预约",
                                 "version": version_of(firm)})  # fmt: skip
    firm.refresh_from_db()
    assert response.status_code == 302 and (firm.do_not_disturb, firm.contact_preference) == (
        True, "书面预约",
    )  # fmt: skip
    page = client.get(reverse("enterprises:detail", args=[firm.pk])).content.decode()
    assert "联系偏好：书面预约" in page
    client.force_login(users["linqing"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("activities:visit-rules")).status_code == 403


def test_the_enterprise_search_lists_matches_with_their_do_not_disturb_mark(client, users, firms):
    client.force_login(users["linqing"])
    response = client.get(reverse("activities:enterprise-search"), {"enterprise_q": "静默"})
    page = response.content.decode()
    assert 'name="enterprises"' in page and "请勿打扰" in page
    assert "联系偏好：请先联系市投资促进局" in page
