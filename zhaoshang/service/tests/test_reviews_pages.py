"""The 联评联审 pages: who sees what (anonymous, no permission, another unit or department,
administrators), the dialogs that write (POST only), the project page's timeline."""

import datetime as dt

import pytest
from django.urls import reverse

from zhaoshang.core.concurrency import version_of
from zhaoshang.service.models import JointReview, ReviewOpinion, ReviewPolicy, Task
from zhaoshang.service.services import reviews as svc

from . import reviews_fixtures as fx
from .reviews_fixtures import SENT_ON, departments

major, reviewers = fx.major, fx.reviewers

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(users, major, reviewers):
    return svc.review_send(
        project=major, actor=users["linqing"], departments=departments("zrzy", "sthj"), on=SENT_ON
    )


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_anonymous_visitors_are_sent_to_log_in(client, review):
    for url in (
        reverse("service:review-list"),
        reverse("service:review-detail", args=[review.pk]),
        reverse("service:review-rules"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("name", ["norole", "sysadmin", "secadmin", "auditor"])
def test_roles_without_the_permission_get_403(client, users, review, name):
    for url in (
        reverse("service:review-list"),
        reverse("service:review-detail", args=[review.pk]),
        reverse("service:review-opinion", args=[review.pk, review.opinions.first().pk]),
        reverse("service:review-close", args=[review.pk]),
        reverse("service:review-send", args=[review.project_id]),
    ):
        assert get(client, users[name], url).status_code == 403, (name, url)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("city", 200),
        ("linqing", 200),
        ("dongchangfu", 404),  # another unit's project
        ("leader", 200),  # a leader bound to the city sees the whole city
        ("inspector", 200),
        ("dept_land", 200),  # asked for an opinion
        ("commissioner", 404),  # not this project's commissioner
    ],
)
def test_the_review_page_follows_the_scope(client, users, review, name, status):
    response = get(client, users[name], reverse("service:review-detail", args=[review.pk]))
    assert response.status_code == status


def test_a_department_not_asked_does_not_see_the_review(client, reviewers, review):
    assert (
        get(
            client, reviewers["fgw"], reverse("service:review-detail", args=[review.pk])
        ).status_code
        == 404
    )
    listing = get(client, reviewers["fgw"], reverse("service:review-list"))
    assert listing.status_code == 200 and "新能源电池材料项目" not in listing.content.decode()


def test_the_department_queue_lists_its_pending_opinion_with_its_deadline(
    client, reviewers, review
):
    page = get(client, reviewers["zrzy"], reverse("service:review-list")).content.decode()
    assert "待本部门审查" in page and "新能源电池材料项目" in page and "时限 2024-03-11" in page


def test_the_review_page_shows_the_investor_facts_and_the_opinions(client, users, review):
    page = get(
        client, users["dept_land"], reverse("service:review-detail", args=[review.pk])
    ).content.decode()
    assert "自然资源和规划局" in page and "生态环境局" in page
    assert "项目未关联投资方企业" in page
    assert "总投资达到10亿元" in page


def test_a_department_answers_its_own_opinion_by_post(client, users, review, today):
    mine = review.opinions.get(department__code="zrzy")
    url = reverse("service:review-opinion", args=[review.pk, mine.pk])
    client.force_login(users["dept_land"])
    assert client.get(url).status_code == 200
    mine.refresh_from_db()
    assert mine.verdict == ""  # a GET writes nothing
    response = client.post(
        url,
        {
            "verdict": "conditional",
            "reasons": "原则同意",
            "conditions": "依法办理用地预审\n落实耕地占补平衡",
            "conditions_due_on": (today + dt.timedelta(days=30)).isoformat(),
            "version": version_of(mine),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert (mine.verdict, mine.answered_by) == ("conditional", users["dept_land"])
    assert list(Task.objects.values_list("title", flat=True).order_by("id")) == [
        "依法办理用地预审",
        "落实耕地占补平衡",
    ]


def test_a_disagreement_without_reasons_is_shown_on_the_field(client, users, review):
    mine = review.opinions.get(department__code="zrzy")
    client.force_login(users["dept_land"])
    response = client.post(
        reverse("service:review-opinion", args=[review.pk, mine.pk]),
        {"verdict": "disagree", "reasons": "", "version": version_of(mine)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reasons"] == ["不同意须说明理由"]


def test_a_department_cannot_answer_another_departments_opinion(client, users, review):
    theirs = review.opinions.get(department__code="sthj")
    client.force_login(users["dept_land"])
    url = reverse("service:review-opinion", args=[review.pk, theirs.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"verdict": "agree", "version": version_of(theirs)}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.verdict == ""


def test_the_inspector_reads_but_cannot_answer_or_close(client, users, review):
    client.force_login(users["inspector"])
    mine = review.opinions.get(department__code="zrzy")
    assert (
        client.post(
            reverse("service:review-opinion", args=[review.pk, mine.pk]), {"verdict": "agree"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("service:review-close", args=[review.pk]), {"decision": "passed", "reason": "x"}
        ).status_code
        == 403
    )


def test_a_unit_sends_its_project_from_the_dialog(client, users, major, reviewers):
    client.force_login(users["linqing"])
    url = reverse("service:review-send", args=[major.pk])
    page = client.get(url).content.decode()
    assert "自然资源和规划局（用地规划、选址与土地供应；5个工作日）" in page
    response = client.post(
        url, {"departments": [d.pk for d in departments("zrzy", "yjj")], "note": "拟于下月签约"}
    )
    assert response.status_code == 302
    review = JointReview.objects.get(project=major)
    assert sorted(review.opinions.values_list("department__code", flat=True)) == ["yjj", "zrzy"]
    assert client.post(
        reverse("service:review-send", args=[major.pk]),
        {"departments": [departments("zrzy")[0].pk]},
    ).context["form"].non_field_errors() == ["该项目已有正在进行的联评联审"]


def test_another_unit_cannot_open_the_send_dialog(client, users, major, reviewers):
    client.force_login(users["dongchangfu"])
    assert client.get(reverse("service:review-send", args=[major.pk])).status_code == 404
    client.force_login(users["dept_land"])
    assert client.get(reverse("service:review-send", args=[major.pk])).status_code == 403


def test_the_city_closes_with_an_override_and_a_reason(client, users, review):
    client.force_login(users["city"])
    url = reverse("service:review-close", args=[review.pk])
    response = client.post(url, {"decision": "passed", "reason": "", "version": version_of(review)})
    assert response.context["form"].errors["reason"] == [
        "决定与各部门意见得出的结论（审查中）不同，须说明理由"
    ]
    response = client.post(
        url, {"decision": "passed", "reason": "专题会议研究同意", "version": version_of(review)}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.is_closed, review.final_outcome) == (True, "passed")
    client.force_login(users["linqing"])
    assert client.post(url, {"decision": "rejected", "reason": "x"}).status_code == 403


def test_the_project_timeline_shows_the_review_opinions_and_outcome(
    client, users, review, reviewers
):
    for code in ("zrzy", "sthj"):
        svc.opinion_give(
            opinion=review.opinions.get(department__code=code),
            actor=reviewers[code],
            verdict="agree",
            on=SENT_ON + dt.timedelta(days=1),
        )
    client.force_login(users["linqing"])
    page = client.get(reverse("projects:detail", args=[review.project_id])).content.decode()
    assert "提请联评联审" in page
    assert "联审意见：自然资源和规划局" in page and "联审意见：生态环境局" in page
    assert "联评联审结论" in page and ">通过<" in page


def test_the_rules_page_is_read_by_units_and_edited_by_the_city(client, users, reviewers):
    client.force_login(users["linqing"])
    assert client.get(reverse("service:review-rules")).status_code == 200
    assert client.get(reverse("service:review-policy")).status_code == 403
    client.force_login(users["city"])
    policy = svc.review_policy()
    response = client.post(
        reverse("service:review-policy"),
        {
            "review_key_projects": "on",
            "min_investment_wan": "50000",
            "gates_signing": "on",
            "new_company_months": "12",
            "min_capital_ratio_pct": "2",
            "abnormal_months": "24",
            "version": version_of(policy),
        },
    )
    assert response.status_code == 302
    policy = ReviewPolicy.objects.get()
    assert (policy.min_investment_wan, policy.gates_signing, policy.new_company_months) == (
        50000,
        True,
        12,
    )


def test_the_review_list_offers_the_units_major_projects_not_yet_sent(
    client, users, major, reviewers
):
    client.force_login(users["linqing"])
    page = client.get(reverse("service:review-list")).content.decode()
    assert "须联评联审、尚未提请的项目" in page and "新能源电池材料项目" in page
    client.force_login(users["dongchangfu"])
    assert "新能源电池材料项目" not in client.get(reverse("service:review-list")).content.decode()


def test_no_page_writes_on_get(client, users, review):
    client.force_login(users["city"])
    before = (JointReview.objects.count(), ReviewOpinion.objects.filter(verdict="").count())
    client.get(reverse("service:review-close", args=[review.pk]) + "?decision=passed&reason=x")
    assert (
        JointReview.objects.filter(is_closed=False).count(),
        ReviewOpinion.objects.filter(verdict="").count(),
    ) == before


def test_the_project_page_panel_offers_sending_and_then_shows_the_state(
    client, users, major, reviewers
):
    client.force_login(users["linqing"])
    page = client.get(reverse("projects:detail", args=[major.pk])).content.decode()
    assert 'id="panel-reviews"' in page and "未提请" in page
    assert reverse("service:review-send", args=[major.pk]) in page
    review = svc.review_send(
        project=major, actor=users["linqing"], departments=departments("zrzy"), on=SENT_ON
    )
    page = client.get(reverse("projects:detail", args=[major.pk])).content.decode()
    assert reverse("service:review-detail", args=[review.pk]) in page
    assert reverse("service:review-send", args=[major.pk]) not in page
    client.force_login(users["dongchangfu"])
    assert client.get(reverse("projects:detail", args=[major.pk])).status_code == 404


def test_a_small_project_has_no_review_panel(client, users, make_project):
    small = make_project(total_investment_wan=20000)
    client.force_login(users["linqing"])
    assert (
        'id="panel-reviews"'
        not in client.get(reverse("projects:detail", args=[small.pk])).content.decode()
    )


def test_reading_the_rules_writes_nothing_until_the_city_saves(client, users, reviewers):
    from zhaoshang.service.models import ReviewerRule

    client.force_login(users["city"])
    page = client.get(reverse("service:review-rules")).content.decode()
    assert "用地规划、选址与土地供应" in page and "应急管理局" in page
    client.get(reverse("service:review-list"))
    assert not ReviewPolicy.objects.exists() and not ReviewerRule.objects.exists()
    land = departments("zrzy")[0]
    response = client.post(
        reverse("service:reviewer-rule", args=[land.pk]),
        {
            "focus": "用地预审与规划条件",
            "deadline_workdays": "7",
            "is_active": "on",
            "version": "new",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert sorted(ReviewerRule.objects.values_list("department__code", "deadline_workdays")) == [
        ("fgw", 5), ("gxj", 5), ("sthj", 5), ("yjj", 5), ("zrzy", 7),
    ]  # fmt: skip
