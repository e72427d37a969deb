"""Who sees which meeting, agenda item and decision, in pages and API; only the city writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.tests.harness import Page, PagePermissionCases
from zhaoshang.service.models import AgendaItem, Decision, JointMeeting, Task
from zhaoshang.service.services.meetings import (
    agenda_add,
    agenda_add_free,
    decision_record,
    meeting_hold,
    minutes_issue,
)

from .meetings_support import *  # noqa: F403  (the fixtures)
from .meetings_support import FAKE, spec

pytestmark = pytest.mark.django_db

D = dt.date
ADMINS = ("auditor", "sysadmin", "secadmin", "norole")
NOT_CITY = (
    "leader",
    "linqing",
    "linqing_leader",
    "dept_land",
    "inspector",
    "commissioner",
    *ADMINS,
)


@pytest.fixture
def objects(users, make_meeting, fake_source, departments, make_project, org):
    """A held meeting attended by 自然资源和规划局: an item about linqing's project (decided:
    tasks to 自然资源 and linqing) and a free item (decided: a task to 供电公司)."""
    project = make_project(name="高端轴承产业园", total_investment_wan=500000)
    fake_source.add(1, since=D(2024, 1, 2), project=project, title="轴承产业园用地")
    meeting = make_meeting(D(2024, 3, 5), departments=[departments["zrzy"]])
    about_linqing = agenda_add(actor=users["city"], meeting=meeting, kind=FAKE, object_id=1)
    free = agenda_add_free(actor=users["city"], meeting=meeting, title="园区供电规划")
    meeting_hold(actor=users["city"], meeting=meeting)
    land = decision_record(
        actor=users["city"],
        item=about_linqing,
        text="限期报批",
        tasks=[
            spec(departments["zrzy"], due_on=D(2024, 3, 31)),
            spec(unit=org["linqing"], due_on=D(2024, 4, 30)),
        ],
    )
    power = decision_record(
        actor=users["city"],
        item=free,
        text="编制供电规划",
        tasks=[spec(departments["gdgs"], due_on=D(2024, 4, 30))],
    )
    return {
        "meeting": meeting,
        "item": about_linqing,
        "free": free,
        "decision": land,
        "power": power,
    }


def _seen(model, user) -> set[int]:
    from zhaoshang.service.selectors.meetings import visible

    return set(visible(model, user).values_list("pk", flat=True))


def test_each_role_sees_the_meetings_items_and_decisions_its_scope_reaches(users, objects):
    meeting, item, free = objects["meeting"], objects["item"], objects["free"]
    land, power = objects["decision"], objects["power"]
    whole = ({meeting.pk}, {item.pk, free.pk}, {land.pk, power.pk})
    expected = {
        "city": whole,
        "leader": whole,  # a city leader sees the whole city
        "inspector": whole,
        "dept_land": whole,  # attends the meeting
        "linqing": ({meeting.pk}, {item.pk}, {land.pk}),  # its project's item only
        "linqing_leader": ({meeting.pk}, {item.pk}, {land.pk}),
        "dongchangfu": (set(), set(), set()),
        "commissioner": (set(), set(), set()),  # carries none of these projects
        **{who: (set(), set(), set()) for who in ADMINS},
    }
    seen = {
        who: (_seen(JointMeeting, users[who]), _seen(AgendaItem, users[who]), _seen(Decision, users[who]))
        for who in expected
    }  # fmt: skip
    assert seen == expected


def test_a_department_that_does_not_attend_sees_only_the_decision_it_owns(
    users, objects, departments
):
    from zhaoshang.accounts.models import User
    from zhaoshang.accounts.roles import Role

    power_staff = User.objects.create(
        username="dept_power", role=Role.DEPT_STAFF, department=departments["gdgs"]
    )
    assert _seen(JointMeeting, power_staff) == {objects["meeting"].pk}
    assert _seen(AgendaItem, power_staff) == {objects["free"].pk}
    assert _seen(Decision, power_staff) == {objects["power"].pk}


class TestMeetingPages(PagePermissionCases):
    readers = ("city", "leader", "inspector", "dept_land", "linqing", "linqing_leader")
    writers = ("city",)
    post_data = {"to": "1", "kind": FAKE, "object_id": "1", "text": "x", "title": "x"}
    pages = (
        Page("service:meeting-list", denied=ADMINS),
        Page("service:meeting-detail", "meeting", denied=ADMINS, scoped=True),
        Page("service:meeting-create", write=True, denied=NOT_CITY),
        Page("service:meeting-edit", "meeting", write=True, denied=NOT_CITY),
        Page("service:meeting-proposals", "meeting", denied=NOT_CITY),
        Page("service:meeting-agenda-add", "meeting", write=True, denied=NOT_CITY, post_only=True),
        Page("service:meeting-agenda-free", "meeting", write=True, denied=NOT_CITY),
        Page("service:meeting-confirm", "meeting", write=True, denied=NOT_CITY, post_only=True),
        Page("service:meeting-hold", "meeting", write=True, denied=NOT_CITY, post_only=True),
        Page("service:meeting-issue", "meeting", write=True, denied=NOT_CITY),
        Page("service:agenda-item-move", "item", write=True, denied=NOT_CITY, post_only=True),
        Page("service:agenda-item-remove", "item", write=True, denied=NOT_CITY, post_only=True),
        Page("service:agenda-item-decide", "item", write=True, denied=NOT_CITY),
        Page("service:decision-edit", "decision", write=True, denied=NOT_CITY),
        Page("service:decision-delete", "decision", write=True, denied=NOT_CITY, post_only=True),
    )

    def footprint(self) -> tuple:
        return (
            *super().footprint(),
            JointMeeting.objects.count(),
            AgendaItem.objects.count(),
            Decision.objects.count(),
            Task.objects.count(),
        )


def test_the_meeting_page_shows_a_unit_only_its_items(client, users, objects):
    client.force_login(users["linqing"])
    page = client.get(reverse("service:meeting-detail", args=[objects["meeting"].pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "轴承产业园用地" in text and "限期报批" in text
    assert "园区供电规划" not in text and "编制供电规划" not in text
    assert "仅显示与您相关的议题" in text


def test_the_minutes_pdf_goes_to_attendees_and_the_city_and_is_audited(client, users, objects):
    url = reverse("service:meeting-minutes-pdf", args=[objects["meeting"].pk])
    client.force_login(users["dept_land"])
    assert client.get(url).status_code == 404  # not issued yet: only the city sees the draft
    minutes_issue(actor=users["city"], meeting=objects["meeting"], issued_on=D(2024, 3, 7))
    expected = {
        "city": 200,
        "leader": 200,
        "dept_land": 200,  # attends
        "linqing": 403,  # sees its item, but the minutes go to the attendees
        "dongchangfu": 404,
        "auditor": 403,
        "norole": 403,
    }
    got = {}
    for who in expected:
        client.force_login(users[who])
        got[who] = client.get(url).status_code
    assert got == expected
    exports = AuditEntry.objects.filter(action="export", object_id=str(objects["meeting"].pk))
    assert sorted(exports.values_list("username", flat=True)) == ["city", "dept_land", "leader"]


def test_the_api_lists_and_shows_meetings_within_scope(users, objects, clock):
    meeting = objects["meeting"]
    clock.at(D(2024, 5, 2))  # both deadlines passed
    url = f"/api/meetings/{meeting.pk}/"
    statuses = {
        who: client_for(users[who]).get(url).status_code
        for who in ("city", "leader", "dept_land", "linqing", "dongchangfu", "auditor", "norole")
    }
    assert statuses == {
        "city": 200,
        "leader": 200,
        "dept_land": 200,
        "linqing": 200,
        "dongchangfu": 404,
        "auditor": 403,
        "norole": 403,
    }
    assert client_for(None).get("/api/meetings/").status_code in (401, 403)

    body = client_for(users["linqing"]).get(url).json()
    assert [i["title"] for i in body["agenda_items"]] == ["轴承产业园用地"]
    decision = body["agenda_items"][0]["decisions"][0]
    assert decision["text"] == "限期报批"
    assert [(t["owner_department"], t["owner_unit"], t["status"]) for t in decision["tasks"]] == [
        ("zrzy", None, "open"),
        (None, "371581", "open"),
    ]
    assert decision["progress"] == {"total": 2, "open": 2, "overdue": 2, "done": 0}

    listing = client_for(users["dept_land"]).get("/api/meetings/").json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [r["title"] for r in rows] == ["2024年第1次重点项目联席会议"]
    rows = client_for(users["dongchangfu"]).get("/api/meetings/").json()
    assert (rows["results"] if isinstance(rows, dict) else rows) == []


def test_the_api_creates_a_meeting_for_the_city_only_and_answers_bad_input_in_chinese(
    users, objects
):
    payload = {
        "held_on": "2024-04-09",
        "place": "市政府第二会议室",
        "chair": "leader",
        "departments": ["zrzy", "gdgs"],
    }
    created = client_for(users["city"]).post("/api/meetings/", payload, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["departments"], body["status"]) == (
        "2024年第2次重点项目联席会议",
        ["zrzy", "gdgs"],
        "preparing",
    )
    # The March decisions' open tasks open the April agenda.
    assert [i["kind"] for i in body["agenda_items"]] == ["carried", "carried"]

    assert (
        client_for(users["leader"]).post("/api/meetings/", payload, format="json").status_code
        == 403
    )
    bad = client_for(users["city"]).post(
        "/api/meetings/",
        {"held_on": "2024-13-01", "place": "", "chair": "city", "departments": ["nope"]},
        format="json",
    )
    assert bad.status_code == 400
    errors = bad.json()
    assert set(errors) == {"held_on", "place", "chair", "departments"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(v)) for v in errors.values())
    filtered = client_for(users["city"]).get("/api/meetings/?status=nope")
    assert filtered.status_code == 400
