"""A gap node with nothing to push (every candidate already in a project or pushed, or no
candidate at all) offers the next step on the chain map's panel: the enterprise library
searched by the node's keywords, and a new key target (重点目标企业)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoshang.industries.models import ChainNode, Direction
from zhaoshang.targeting import selectors

pytestmark = pytest.mark.django_db

PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "node-panel"}


def _panel(client, node) -> str:
    return client.get(reverse("industries:node", args=[node.pk]), **PANEL).content.decode()


def test_a_gap_node_with_candidates_to_push_shows_how_many(chain, users, client):
    client.force_login(users["city"])
    html = _panel(client, chain.foil)
    assert "查看本环节招商推荐（3 家可推送）" in html
    assert 'id="node-next-step"' not in html


def test_when_every_candidate_is_in_a_project_the_panel_offers_search_and_a_key_target(
    chain, users, make_project, client
):
    for e in (chain.e1, chain.e2, chain.e3):
        make_project("linqing", name=f"{e.name}合作项目", investors=[e])
    step = selectors.node_next_step(user=users["city"], node=chain.foil)
    assert (step.candidates, step.pushable, step.in_pipeline) == (3, 0, 3)
    assert step.keywords == ["铝箔", "双零箔", "电池铝箔"]

    client.force_login(users["city"])
    html = _panel(client, chain.foil)
    block = html.split('id="node-next-step"')[1].split("</div>\n    {% endif %}")[0]
    assert "候选企业 3 家均已在项目库或已推送，暂无可推送的企业。" in block
    for word, query in (("铝箔", "%E9%93%9D%E7%AE%94"), ("双零箔", "%E5%8F%8C%E9%9B%B6%E7%AE%94")):
        assert f'<a class="me-2" href="/enterprises/?q={query}" data-keyword="{word}">' in block
    target = f"/enterprises/targets/new/?direction={chain.direction.pk}&amp;node={chain.foil.pk}"
    assert f'id="node-add-target" href="{target}"' in block
    # the links lead somewhere real
    assert client.get("/enterprises/?q=铝箔").status_code == 200
    opened = client.get(target.replace("&amp;", "&"))
    assert opened.status_code == 200
    # the form opens on the node's chain and node, ready for the enterprise's credit code
    form = opened.context["form"]
    assert (form.initial["direction"], form.initial["node"]) == (chain.direction.pk, chain.foil.pk)
    # a node of another chain is not taken with it
    elsewhere = Direction.objects.create(
        industry=chain.direction.industry, code="copper-strip", name="铜板带"
    )
    other = ChainNode.objects.create(direction=elsewhere, name="铜箔", stream="midstream")
    mixed = client.get(f"/enterprises/targets/new/?direction={chain.direction.pk}&node={other.pk}")
    assert mixed.context["form"].initial == {"direction": chain.direction.pk}

    client.force_login(users["linqing"])  # a county searches, but key targets are the city's
    html = _panel(client, chain.foil)
    assert 'data-keyword="铝箔"' in html and 'id="node-add-target"' not in html


def test_a_gap_node_without_any_candidate_says_so(chain, users, client):
    recycling = Direction.objects.create(
        industry=chain.direction.industry, code="nonferrous-recycle", name="再生金属"
    )
    empty = ChainNode.objects.create(
        direction=recycling, name="铝灰再生", stream="downstream", keywords=["铝灰"]
    )
    client.force_login(users["city"])
    html = _panel(client, empty)
    assert "暂无归入本环节的市外候选企业。下一步：" in html
    assert 'data-keyword="铝灰再生"' in html and 'data-keyword="铝灰"' in html


def test_roles_that_may_not_rank_see_no_next_step(chain, users, client):
    for name in ("sysadmin", "norole"):
        assert selectors.node_next_step(user=users[name], node=chain.foil) is None
