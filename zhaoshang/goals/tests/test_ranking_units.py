"""竞赛榜 on a phone and its units: 名次, 单位, 总分 and 较上期 first, every number with its unit
(分, 万元, 个, %), the drill-down in the same unit as the ranking's cell."""

from __future__ import annotations

import re

import pytest

from zhaoshang.goals.tests.test_views_ranking import (  # noqa: F401 (fixtures)
    DCF,
    PAGE,
    L,
    client,
    published,
    scheme,
)

pytestmark = pytest.mark.django_db


def row_html(html: str, unit: str) -> str:
    return re.search(rf'<tr data-unit="{unit}".*?</tr>', html, re.S).group(0)


def test_the_ranking_puts_total_and_change_right_after_rank_and_unit(users, request):
    request.getfixturevalue("published")
    html = client(users["city"]).get(PAGE, {"scheme": "test"}).content.decode()
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    labels = [re.sub(r"<.*", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    assert labels[:5] == ["名次", "单位", "总分", "较上期", "到位资金"]
    # the indicator columns are details a phone opens on a tap; 名次 and 单位 stay on the left
    assert head.count('class="text-end rk-detail"') == len(labels) - 4
    assert (
        '<th scope="col" class="rk-rank">名次</th><th scope="col" class="rk-unit">单位</th>' in head
    )
    assert 'id="toggle-details"' in html


def test_every_number_of_the_ranking_has_its_unit(users, request):
    request.getfixturevalue("published")
    html = client(users["city"]).get(PAGE, {"scheme": "test"}).content.decode()
    linqing = row_html(html, L)
    assert '<td class="rk-rank">第2名</td>' in linqing
    assert '<td class="text-end fw-semibold" data-total>96.00 分</td>' in linqing
    # funds: 22 points for 5,500 万元, 55% of the goal; 2 projects signed: 30 points
    assert "22.00 分<small>5,500.00 万元 · 55.00%</small>" in linqing
    assert "30.00 分<small>2 个</small>" in linqing
    # bonuses: 临清 P1 over 10亿 (+4) and a 500强 investor (+10)
    assert "4.00 分<small>1 个</small>" in linqing and "14.00 分" in linqing
    assert "0.00 分" in row_html(html, DCF)  # no deduction is still in 分


def test_the_drill_down_shows_each_record_in_the_unit_of_the_figure(users, request):
    request.getfixturevalue("published")
    response = client(users["city"]).get(
        f"{PAGE}drill/", {"scheme": "test", "column": "funds", "unit": L}
    )
    html = response.content.decode()
    assert '<span data-figure="drill-value">5,500.00 万元</span>' in html
    cells = re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', html)
    assert sorted(cells) == ["2,000.00 万元", "3,000.00 万元", "500.00 万元"]
    signed = client(users["city"]).get(
        f"{PAGE}drill/", {"scheme": "test", "column": "signed", "unit": L}
    )
    page = signed.content.decode()
    assert '<span data-figure="drill-value">2 个</span>' in page
    assert re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', page) == ["1 个", "1 个"]


def test_a_units_dashboard_shows_its_ranking_card_and_row_in_points(users, request):
    request.getfixturevalue("published")
    html = client(users["linqing"]).get(f"/goals/units/{L}/", {"year": "2024"}).content.decode()
    assert "测试赛道 · 总分 96.00 分 · 较上期 —" in html
    row = re.search(r'<table class="table table-sm mb-0" id="own-ranking">.*?</table>', html, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
    assert cells[0] == "22.00 分" and cells[-2:] == ["96.00 分", "第2名 / 4（测试赛道）"]
