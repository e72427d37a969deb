"""细分方向 belongs to the chosen 产业: the page lists only its directions, the server refuses others."""

import pytest
from django.urls import reverse

from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Project

CREATE = reverse("projects:create")


@pytest.fixture
def industries(db):
    metal = Industry.objects.create(code="metal", name="有色金属", sort_order=1)
    energy = Industry.objects.create(code="energy", name="新能源", sort_order=2)
    return {
        "metal": metal,
        "energy": energy,
        "al": Direction.objects.create(industry=metal, code="metal-al", name="铝精深加工"),
        "cu": Direction.objects.create(industry=metal, code="metal-cu", name="铜材加工"),
        "pv": Direction.objects.create(industry=energy, code="energy-pv", name="光伏发电"),
    }


@pytest.mark.django_db
def test_each_direction_option_names_its_industry(client, users, industries):
    client.force_login(users["linqing"])
    html = client.get(CREATE).content.decode()
    assert 'data-industry-select="id_industry"' in html
    pv, energy = industries["pv"].pk, industries["energy"].pk
    assert f'<option value="{pv}" data-industry="{energy}">新能源 · 光伏发电</option>' in html
    assert "projects/direction_filter.js" in html


@pytest.mark.django_db
def test_a_direction_of_another_industry_is_refused_on_the_field(client, users, industries, today):
    client.force_login(users["linqing"])
    data = {
        "name": "铝板带项目",
        "total_investment_wan": "50000",
        "attraction_mode": "door_to_door",
        "lead_on": today.isoformat(),
        "industry": industries["metal"].pk,
        "direction": industries["pv"].pk,
    }
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors["direction"] == ["细分方向不属于所选产业"]
    assert not Project.objects.exists()
    assert client.post(CREATE, {**data, "direction": industries["al"].pk}).status_code == 302


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_choosing_an_industry_narrows_the_directions_in_the_browser(
    page, live_server, users, industries
):
    from .test_e2e_lifecycle import login

    login(page, live_server.url, "linqing")
    page.goto(f"{live_server.url}{CREATE}")
    direction = page.locator("select[name=direction]")
    assert direction.locator("option").all_inner_texts() == [
        "（不限）", "有色金属 · 铝精深加工", "有色金属 · 铜材加工", "新能源 · 光伏发电",
    ]  # fmt: skip
    direction.select_option(str(industries["pv"].pk))
    page.locator("select[name=industry]").select_option(str(industries["metal"].pk))
    assert direction.locator("option").all_inner_texts() == [
        "（不限）", "有色金属 · 铝精深加工", "有色金属 · 铜材加工",
    ]  # fmt: skip
    assert direction.input_value() == ""  # 光伏 is not a 有色金属 direction
    page.locator("select[name=industry]").select_option(str(industries["energy"].pk))
    assert direction.locator("option").all_inner_texts() == ["（不限）", "新能源 · 光伏发电"]
