"""The demo chains: complete for every demo direction, well formed, set up idempotently."""

import pytest

from zhaoshang.core.models import AuditEntry
from zhaoshang.demo.chains import CHAINS, FULL_CHAINS, SMALL_CHAINS, chains_demo_setup
from zhaoshang.demo.reference import INDUSTRIES
from zhaoshang.industries.models import ChainEdge, ChainNode, Direction, Industry
from zhaoshang.industries.services import clean_industry_codes, clean_keywords
from zhaoshang.targeting.chains.selectors import gap_analysis
from zhaoshang.targeting.models import GapThresholds

DEMO_DIRECTIONS = {d.code: d.name for i in INDUSTRIES for d in i.directions}


def test_every_demo_direction_has_exactly_one_chain_with_its_name():
    assert sorted(c.code for c in CHAINS) == sorted(DEMO_DIRECTIONS)
    for spec in CHAINS:
        assert DEMO_DIRECTIONS[spec.code] == spec.direction


def test_the_full_chains_the_issue_names_have_10_to_25_nodes_the_others_4_to_8():
    full = {c.direction for c in FULL_CHAINS}
    assert {"铝精深加工", "高端轴承", "新能源汽车", "化工新材料", "光伏", "储能"} <= full
    for spec in FULL_CHAINS:
        assert 10 <= len(spec.nodes) <= 25, spec.direction
    for spec in SMALL_CHAINS:
        assert 4 <= len(spec.nodes) <= 8, spec.direction


@pytest.mark.parametrize("spec", CHAINS, ids=lambda c: c.code)
def test_each_chain_is_well_formed(spec):
    names = [n.name for n in spec.nodes]
    assert len(names) == len(set(names))
    assert {n.stream for n in spec.nodes} == {"upstream", "midstream", "downstream"}
    for node in spec.nodes:
        assert node.keywords and node.codes and node.description, node.name
        assert clean_keywords(node.keywords) == list(node.keywords), node.name
        assert clean_industry_codes(node.codes) == list(node.codes), node.name
        assert len(node.name) <= 60
    assert len(spec.edges) == len(set(spec.edges))
    touched = set()
    for source, target in spec.edges:
        assert source in names and target in names and source != target
        touched |= {source, target}
    assert touched == set(names), "every node is linked to the chain"


@pytest.mark.django_db
def test_setup_creates_the_chains_of_existing_directions_idempotently(users):
    industry = Industry.objects.create(code="nonferrous", name="有色金属")
    al = Direction.objects.create(industry=industry, code="nonferrous-al", name="铝精深加工")
    cu = Direction.objects.create(industry=industry, code="nonferrous-cu", name="铜及铜材精深加工")
    result = chains_demo_setup(actor=users["city"])
    assert set(result) == {"铝精深加工", "铜及铜材精深加工"}
    assert al.chain_nodes.count() == 21 and cu.chain_nodes.count() == 7
    assert ChainEdge.objects.filter(source__direction=al).count() == 30
    assert GapThresholds.objects.count() == 1
    entries = AuditEntry.objects.count()
    assert entries == 21 + 30 + 7 + 9 + 1
    assert set(AuditEntry.objects.values_list("username", flat=True)) == {"city"}

    # The city renames a node and deletes another: a re-run restores neither.
    ChainNode.objects.filter(direction=al, name="铝箔").update(name="铝箔（电池箔）")
    ChainNode.objects.get(direction=al, name="铝土矿").delete()
    again = chains_demo_setup()
    assert len(again["铝精深加工"]) == 20
    assert not ChainNode.objects.filter(direction=al, name__in=["铝箔", "铝土矿"]).exists()
    assert AuditEntry.objects.count() == entries

    # Stream order: sort orders 10, 20 … within each column.
    first_up = ChainNode.objects.filter(direction=al, stream="upstream").order_by("sort_order")
    assert list(first_up.values_list("sort_order", flat=True))[:2] == [20, 30]

    analysis = gap_analysis(al)
    assert {g.gap for g in analysis.nodes} == {"build"}  # no enterprises placed yet


@pytest.mark.django_db
def test_setup_accepts_directions_by_code_and_skips_unknown_ones(users):
    industry = Industry.objects.create(code="energy", name="新能源")
    pv = Direction.objects.create(industry=industry, code="energy-pv", name="光伏发电")
    result = chains_demo_setup(directions_by_name={"energy-pv": pv}, actor=users["city"])
    assert list(result) == ["光伏发电"]
    assert pv.chain_nodes.count() == 18
    assert ChainNode.objects.exclude(direction=pv).count() == 0
