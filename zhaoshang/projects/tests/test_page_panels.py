"""The project page shows the panels the apps above projects register (projects/page_panels.py),
only those whose function returns one for the user, in their order and column."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from zhaoshang.projects import page_panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    saved = dict(page_panels._PANELS)

    @page_panels.register("zz_first", order=1)
    def first(request, project):
        return page_panels.Panel(
            title="甲面板",
            body=format_html("<div class='card-body'>项目 {}</div>", project.name),
            actions=[page_panels.Action("去处理", "/somewhere/")],
            badge="2 个逾期",
        )

    @page_panels.register("aa_second", order=2)
    def second(request, project):
        if request.user.username != "linqing":
            return None
        return page_panels.Panel(title="乙面板", body="<p>乙</p>", column="side")

    yield
    page_panels._PANELS.clear()
    page_panels._PANELS.update(saved)


def test_registered_panels_show_in_order_with_their_actions_and_badge(
    client, users, make_project, registered
):
    project = make_project(name="高端轴承基地")
    client.force_login(users["linqing"])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="panel-zz_first"' in html and "项目 高端轴承基地" in html
    assert '<a class="btn btn-sm btn-outline-primary" href="/somewhere/">去处理</a>' in html
    assert "2 个逾期" in html
    assert 'id="panel-aa_second"' in html
    assert html.index("panel-zz_first") < html.index("panel-aa_second")


def test_a_panel_returning_none_for_the_user_is_not_shown(client, users, make_project, registered):
    project = make_project()
    client.force_login(users["city"])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="panel-zz_first"' in html
    assert "panel-aa_second" not in html and "乙面板" not in html


def test_panels_for_sets_each_panels_code_from_its_registration(
    rf, users, make_project, registered
):
    request = rf.get("/")
    request.user = users["linqing"]
    codes = [p.code for p in page_panels.panels_for(request, make_project())]
    assert codes[:2] == ["zz_first", "aa_second"]
