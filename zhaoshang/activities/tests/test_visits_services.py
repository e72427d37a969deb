"""Visits through their services: input checked in Chinese on the field, the conflict window
across units (and what the user may see of the other visit), do-not-disturb, the acknowledgement
a crowded write needs, the planned calendar's steps, joining, and a lead made from a visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.activities.models import (
    LeaderLevel,
    Organisation,
    Visit,
    VisitOutcome,
    VisitParticipant,
    VisitPhoto,
    VisitRules,
    VisitStatus,
)
from zhaoshang.activities.services import (
    ConflictsNotAcknowledged,
    ParticipantInput,
    visit_cancel,
    visit_complete,
    visit_conflicts,
    visit_create,
    visit_create_lead,
    visit_join,
    visit_rules_update,
    visit_update,
)
from zhaoshang.core.concurrency import VersionConflict, version_of
from zhaoshang.core.models import AuditEntry
from zhaoshang.enterprises.services import enterprise_contact_rules_set
from zhaoshang.projects.models import AttractionMode, Stage

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def test_a_done_visit_is_saved_with_its_people_enterprises_and_one_audit_entry(
    users, firms, make_visit, today
):
    visit = make_visit(
        enterprises=[firms["haier"]],
        participants=[
            ParticipantInput(name="张县长", level=LeaderLevel.COUNTY_MAIN),
            ParticipantInput(name="", user=users["linqing"]),
        ],
        city="青岛",
        outbound=True,
        purpose="对接高端轴承配套",
        photos=[jpeg()],
    )
    assert visit.unit.code == "371581"
    assert [(p.name, p.level) for p in visit.participants.order_by("id")] == [
        ("张县长", "county_main"),
        ("linqing", "staff"),
    ]
    assert list(visit.enterprises.values_list("name", flat=True)) == ["海尔集团"]
    assert VisitPhoto.objects.get(visit=visit).content_type == "image/jpeg"
    entry = AuditEntry.objects.filter(object_id=str(visit.pk), action="create").get()
    assert entry.after["participants"] == ["张县长（县党政主要负责同志）", "linqing（工作人员）"]
    assert entry.after["enterprises"] == [firms["haier"].pk]


def test_bad_input_is_refused_on_each_field_in_chinese_and_nothing_is_written(users, firms, today):
    with pytest.raises(ValidationError) as caught:
        visit_create(
            actor=users["linqing"],
            date=today + dt.timedelta(days=2),
            participants=[],
            outbound=True,
            follow_up_on=today,
            met_phone="abc",
        )
    assert caught.value.message_dict == {
        "date": ["已拜访的日期不能晚于今天；尚未成行请选择“计划”"],
        "outcome": ["请选择拜访成效"],
        "participants": ["请至少填写一名拜访人员"],
        "enterprises": ["请选择拜访的企业，或登记商协会/机构"],
        "city": ["外出拜访请填写拜访城市"],
        "follow_up_on": ["下次跟进日期不能早于拜访日期"],
        "met_phone": ["电话号码格式不正确"],
    }
    assert (
        Visit.objects.count() == 0
        and AuditEntry.objects.filter(action="create").filter(content_type__model="visit").count()
        == 0
    )


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(9999, 12, 31)])
def test_a_date_out_of_range_is_refused_on_the_field(users, firms, make_visit, today, day):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]])
    with pytest.raises(ValidationError) as caught:
        make_visit(enterprises=[firms["haier"]], on=day, status=VisitStatus.PLANNED)
    assert caught.value.message_dict["date"] == [
        f"拜访日期应在 2000-01-01 至 {today + dt.timedelta(days=730):%Y-%m-%d} 之间"
    ]


def test_a_photo_is_judged_by_its_content_not_its_name(users, firms, make_visit):
    fake = SimpleUploadedFile("合影.jpg", b"just some text", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        make_visit(enterprises=[firms["haier"]], photos=[fake])
    assert caught.value.message_dict == {"photos": ["文件内容不是 JPEG 图片：合影.jpg"]}
    assert Visit.objects.count() == 0


def test_a_unit_cannot_enter_a_visit_for_another_unit(users, org, firms, today):
    with pytest.raises(PermissionDenied):
        visit_create(
            actor=users["linqing"], unit=org["dongchangfu"], date=today,
            enterprises=[firms["haier"]], outcome=VisitOutcome.NONE,
            participants=[ParticipantInput(name="王")],
        )  # fmt: skip


@pytest.mark.parametrize("who", ["leader", "dept_land", "commissioner", "inspector"])
def test_leaders_departments_commissioners_and_inspectors_enter_no_visit(users, firms, today, who):
    with pytest.raises(PermissionDenied):
        visit_create(
            actor=users[who], date=today, enterprises=[firms["haier"]],
            outcome=VisitOutcome.NONE, participants=[ParticipantInput(name="王")],
        )  # fmt: skip


def test_another_units_visit_within_the_window_needs_an_acknowledgement_naming_it_for_the_city(
    users, firms, make_visit, today
):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=3))
    with pytest.raises(ConflictsNotAcknowledged) as caught:
        make_visit(by="city", enterprises=[firms["haier"]])
    assert [c.message for c in caught.value.conflicts] == [
        "海尔集团：东昌府区（dongchangfu科长）已于 3 天内拜访该企业（"
        f"{today - dt.timedelta(days=3):%Y-%m-%d}，已拜访）"
    ]
    assert caught.value.message_dict["acknowledge_conflicts"][0] == "请确认以下提示后再保存："
    assert Visit.objects.count() == 1
    visit = make_visit(by="city", enterprises=[firms["haier"]], acknowledge_conflicts=True)
    note = AuditEntry.objects.get(object_id=str(visit.pk), action="create").note
    assert note.startswith("已确认提示：海尔集团：东昌府区")


def test_a_county_is_told_only_that_another_unit_visited_without_its_name(
    users, firms, make_visit, today
):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=3))
    conflicts = visit_conflicts(
        user=users["linqing"], unit_id=users["linqing"].unit_id, on=today,
        enterprises=[firms["haier"]],
    )  # fmt: skip
    assert [(c.message, c.visit_id) for c in conflicts] == [
        ("海尔集团：另一单位已于 3 天内拜访该企业", None)
    ]


def test_a_planned_visit_of_another_unit_ahead_is_a_conflict_too(users, firms, make_visit, today):
    make_visit(
        by="dongchangfu", enterprises=[firms["haier"]], on=today + dt.timedelta(days=5),
        status=VisitStatus.PLANNED,
    )  # fmt: skip
    conflicts = visit_conflicts(
        user=users["linqing"], unit_id=users["linqing"].unit_id, on=today,
        enterprises=[firms["haier"]],
    )  # fmt: skip
    assert [c.message for c in conflicts] == ["海尔集团：另一单位已计划在 5 天内拜访该企业"]


def test_the_same_units_visits_a_cancelled_one_and_one_outside_the_window_are_no_conflict(
    users, firms, make_visit, today
):
    make_visit(by="linqing", enterprises=[firms["haier"]], on=today - dt.timedelta(days=1))
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=9))
    planned = make_visit(
        by="dongchangfu", enterprises=[firms["haier"]], on=today + dt.timedelta(days=2),
        status=VisitStatus.PLANNED, acknowledge_conflicts=True,
    )  # fmt: skip
    visit_cancel(actor=users["dongchangfu"], visit=planned, reason="企业临时有会")
    assert visit_conflicts(
        user=users["city"], unit_id=users["linqing"].unit_id, on=today,
        enterprises=[firms["haier"]],
    ) == []  # fmt: skip


def test_the_city_widens_the_window_and_an_older_visit_conflicts(users, firms, make_visit, today):
    make_visit(by="dongchangfu", enterprises=[firms["haier"]], on=today - dt.timedelta(days=8))
    rules = visit_rules_update(actor=users["city"], conflict_days=10)
    assert VisitRules.current().conflict_days == 10 and rules.pk is not None
    conflicts = visit_conflicts(
        user=users["linqing"], unit_id=users["linqing"].unit_id, on=today,
        enterprises=[firms["haier"]],
    )  # fmt: skip
    assert [c.message for c in conflicts] == ["海尔集团：另一单位已于 8 天内拜访该企业"]
    with pytest.raises(PermissionDenied):
        visit_rules_update(actor=users["linqing"], conflict_days=3)
    with pytest.raises(ValidationError) as caught:
        visit_rules_update(actor=users["city"], conflict_days=0)
    assert caught.value.message_dict == {"conflict_days": ["请填写 1～90 之间的天数"]}


def test_a_do_not_disturb_enterprise_warns_with_its_contact_preference(users, firms, make_visit):
    with pytest.raises(ConflictsNotAcknowledged) as caught:
        make_visit(enterprises=[firms["quiet"]])
    assert [c.message for c in caught.value.conflicts] == [
        "静默科技：已标记为“请勿打扰”，联系偏好：请先联系市投资促进局"
    ]
    visit = make_visit(enterprises=[firms["quiet"]], acknowledge_conflicts=True)
    assert visit.pk is not None


def test_only_the_city_marks_an_enterprise_do_not_disturb_and_it_is_audited(users, firms):
    firm = firms["haier"]
    with pytest.raises(PermissionDenied):
        enterprise_contact_rules_set(actor=users["linqing"], enterprise=firm, do_not_disturb=True)
    version = version_of(firm)
    enterprise_contact_rules_set(
        actor=users["city"], enterprise=firm, do_not_disturb=True,
        contact_preference="只接受书面预约", version=version,
    )  # fmt: skip
    firm.refresh_from_db()
    assert (firm.do_not_disturb, firm.contact_preference) == (True, "只接受书面预约")
    entry = AuditEntry.objects.filter(object_id=str(firm.pk), action="update").get()
    assert (entry.before["do_not_disturb"], entry.after["do_not_disturb"]) == (False, True)
    with pytest.raises(VersionConflict):
        enterprise_contact_rules_set(
            actor=users["city"], enterprise=firm, do_not_disturb=False, version=version
        )


def test_a_planned_visit_is_completed_with_its_outcome_or_cancelled_with_a_reason(
    users, firms, make_visit, today
):
    planned = make_visit(
        enterprises=[firms["haier"]], on=today + dt.timedelta(days=3), status=VisitStatus.PLANNED
    )
    with pytest.raises(ValidationError) as caught:
        visit_complete(actor=users["linqing"], visit=planned, outcome="")
    assert caught.value.message_dict == {"outcome": ["请选择拜访成效"]}
    done = visit_complete(
        actor=users["linqing"], visit=planned, outcome=VisitOutcome.INTENT,
        version=version_of(planned),
    )  # fmt: skip
    assert (done.status, done.date, done.outcome) == ("done", today, "intent")
    with pytest.raises(ValidationError) as caught:
        visit_cancel(actor=users["linqing"], visit=done, reason="改期")
    assert caught.value.message_dict == {"status": ["只有计划中的拜访可以取消"]}
    other = make_visit(
        enterprises=[firms["other"]], on=today + dt.timedelta(days=1), status=VisitStatus.PLANNED
    )
    with pytest.raises(ValidationError) as caught:
        visit_cancel(actor=users["linqing"], visit=other, reason=" ")
    assert caught.value.message_dict == {"reason": ["请填写取消原因"]}


def test_a_stale_edit_is_refused_and_a_masked_phone_sent_back_keeps_the_number(
    users, firms, make_visit
):
    visit = make_visit(enterprises=[firms["haier"]], met_name="李总", met_phone="13812345678")
    read = version_of(visit)
    visit_update(actor=users["linqing"], visit=visit, version=read, notes="谈了配套",
                 met_phone="138****5678")  # fmt: skip
    visit.refresh_from_db()
    assert (visit.notes, visit.met_phone) == ("谈了配套", "13812345678")
    with pytest.raises(VersionConflict):
        visit_update(actor=users["linqing"], visit=visit, version=read, notes="旧页面")
    entry = AuditEntry.objects.filter(object_id=str(visit.pk), action="update").get()
    assert entry.after["met_phone"] == "138****5678"


def test_editing_the_enterprises_checks_the_window_again(users, firms, make_visit, today):
    make_visit(by="dongchangfu", enterprises=[firms["other"]], on=today - dt.timedelta(days=1))
    visit = make_visit(enterprises=[firms["haier"]])
    with pytest.raises(ConflictsNotAcknowledged):
        visit_update(actor=users["linqing"], visit=visit, enterprises=[firms["other"]])
    visit_update(actor=users["linqing"], visit=visit, enterprises=[firms["other"]],
                 acknowledge_conflicts=True)  # fmt: skip
    assert list(visit.enterprises.values_list("name", flat=True)) == ["远方材料"]


def test_the_city_joins_a_visit_it_sees_once(users, firms, make_visit):
    visit = make_visit(enterprises=[firms["haier"]])
    visit_join(actor=users["city"], visit=visit)
    assert list(VisitParticipant.objects.filter(visit=visit).values_list("name", "level")) == [
        ("linqing科长", "staff"),
        ("city", "staff"),
    ]
    with pytest.raises(ValidationError) as caught:
        visit_join(actor=users["city"], visit=visit)
    assert caught.value.message_dict == {"participants": ["您已在此次拜访的人员中"]}
    with pytest.raises(PermissionDenied):
        visit_join(actor=users["dongchangfu"], visit=visit)


def test_a_lead_made_from_a_visit_is_a_door_to_door_project_at_lead_with_the_investor(
    users, firms, make_visit, today
):
    visit = make_visit(enterprises=[firms["haier"]], on=today - dt.timedelta(days=2))
    project = visit_create_lead(actor=users["linqing"], visit=visit, enterprise=firms["haier"])
    assert (project.stage, project.attraction_mode, project.unit_id, project.name) == (
        Stage.LEAD, AttractionMode.DOOR_TO_DOOR, visit.unit_id, "海尔集团投资项目",
    )  # fmt: skip
    assert list(project.investors.all()) == [firms["haier"]]
    assert project.stage_changes.get().on == today - dt.timedelta(days=2)
    visit.refresh_from_db()
    assert visit.lead_id == project.pk
    assert (
        AuditEntry.objects.filter(
            content_type__model="project", object_id=str(project.pk), action="create"
        ).count()
        == 1
    )
    assert (
        AuditEntry.objects.get(
            content_type__model="visit", object_id=str(visit.pk), action="update"
        ).note
        == "生成线索：海尔集团投资项目"
    )
    with pytest.raises(ValidationError) as caught:
        visit_create_lead(actor=users["linqing"], visit=visit, enterprise=firms["haier"])
    assert caught.value.message_dict == {"lead": ["此次拜访已生成线索"]}


def test_no_lead_from_a_planned_visit_nor_for_an_enterprise_not_visited(
    users, firms, make_visit, today
):
    planned = make_visit(
        enterprises=[firms["haier"]], on=today + dt.timedelta(days=1), status=VisitStatus.PLANNED
    )
    with pytest.raises(ValidationError) as caught:
        visit_create_lead(actor=users["linqing"], visit=planned, enterprise=firms["haier"])
    assert caught.value.message_dict == {"status": ["拜访完成后才能生成线索"]}
    done = make_visit(enterprises=[firms["haier"]])
    with pytest.raises(ValidationError) as caught:
        visit_create_lead(actor=users["linqing"], visit=done, enterprise=firms["other"])
    assert caught.value.message_dict == {"enterprise": ["请选择此次拜访的企业"]}


def test_an_organisation_is_registered_once_and_reused(users, make_visit):
    first = make_visit(
        organisation_name="深圳山东商会", organisation_kind="association", organisation_city="深圳"
    )
    second = make_visit(organisation_name="深圳山东商会", organisation_city="深圳")
    assert first.organisation_id == second.organisation_id
    assert Organisation.objects.get().get_kind_display() == "商协会"
