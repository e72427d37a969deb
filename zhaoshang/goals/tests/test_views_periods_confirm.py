"""关账 asks first: the page names the period and what closing it means, and only the
confirmation's POST closes it; a period that cannot be closed is refused on the field."""

from __future__ import annotations

import pytest

from zhaoshang.core.closing import period_close
from zhaoshang.core.models import PeriodClose
from zhaoshang.goals.services import scheme_create
from zhaoshang.goals.tests.test_ranking import CONFIG

pytestmark = pytest.mark.django_db

PERIODS = "/goals/periods/"
QUESTION = "关账 2024年第3季度？关账后该期间的资金、阶段不能再修改"


def test_asking_to_close_a_quarter_names_it_and_closes_nothing(client, users):
    client.force_login(users["city"])
    response = client.get(PERIODS, {"close": "2024q3", "note": "发布前关账"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h2 class="h6" id="close-confirm-title">{QUESTION}</h2>' in html
    assert "2024-07-01 至 2024-09-30" in html
    assert '<input type="hidden" name="period" value="2024Q3">' in html
    assert '<input type="hidden" name="note" value="发布前关账">' in html
    assert ">确认关账2024年第3季度</button>" in html
    assert not PeriodClose.objects.exists()


def test_the_confirmation_post_closes_the_named_period(client, users):
    client.force_login(users["city"])
    response = client.post("/goals/periods/close/", {"period": "2024Q3", "note": "发布前关账"})
    assert response.status_code == 302 and response["Location"] == PERIODS
    close = PeriodClose.objects.get()
    assert (close.label, close.note, close.closed_by) == ("2024Q3", "发布前关账", users["city"])


@pytest.mark.parametrize(
    ("asked", "error"),
    [
        ("2024年秋", "期间"),
        ("2099Q1", "2099年第1季度尚未结束，不能关账"),
        ("2024Q1YTD", "只能按月、季度或年度关账"),
    ],
)
def test_a_period_that_cannot_be_closed_is_refused_on_the_field(client, users, asked, error):
    client.force_login(users["city"])
    html = client.get(PERIODS, {"close": asked}).content.decode()
    assert 'id="close-confirm"' not in html
    assert 'aria-invalid="true" aria-describedby="close-period-error"' in html
    feedback = html.split('<div class="invalid-feedback" id="close-period-error">')[1].split("<")[0]
    assert error in feedback
    assert f'value="{asked}"' in html
    assert not PeriodClose.objects.exists()


def test_an_already_closed_period_is_not_offered_again(client, users):
    period_close(actor=users["city"], period="2024Q3")
    client.force_login(users["city"])
    html = client.get(PERIODS, {"close": "2024Q3"}).content.decode()
    assert 'id="close-confirm"' not in html and "2024年第3季度已关账" in html


def test_who_cannot_close_gets_no_confirmation(client, users):
    client.force_login(users["linqing"])
    response = client.get(PERIODS, {"close": "2024Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTION not in html and 'id="close-ask"' not in html


def test_the_ranking_page_asks_before_closing_its_quarter(client, users, world):
    scheme_create(actor=users["city"], code="test", name="测试办法", config=CONFIG, is_default=True)
    client.force_login(users["city"])
    html = client.get("/goals/rankings/2024Q1/", {"scheme": "test"}).content.decode()
    form = html.split('id="close-form"')[1].split("</form>")[0]
    assert (
        'data-confirm="关账 2024年第1季度？关账后该期间的资金、阶段不能再修改">关账</button>'
        in form
    )
