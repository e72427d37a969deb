"""Gap analysis on small exact chains: every gap kind by hand, thresholds flip the results,
which placements count, and how projects count toward a node."""

from decimal import Decimal

import pytest

from zhaoshang.enterprises.models import PlacementSource, PlacementStatus
from zhaoshang.projects.models import Project, Stage
from zhaoshang.targeting.chains.selectors import (
    gap_analysis,
    gap_analysis_many,
    thresholds_current,
)
from zhaoshang.targeting.models import GapKind, GapThresholds

from .chain_support import chain, direction, place, thresholds

pytestmark = pytest.mark.django_db

BUILD, EXTEND, FILL = GapKind.BUILD, GapKind.EXTEND, GapKind.FILL
STRENGTHEN, STRONG = GapKind.STRENGTHEN, GapKind.STRONG


def gaps(d, th=None, **kwargs) -> dict[str, str]:
    return {g.node.name: g.gap for g in gap_analysis(d, th, **kwargs).nodes}


@pytest.fixture
def mixed():
    """Seven nodes, four of them with local enterprises (4/7 ≥ 20%: not a chain to build).

    R: 3 firms, output 150,000 → strong, but below the 延链 anchor bar of 5 firms
    S: 5 firms, output 150,000 → strong, and an anchor
    W: 2 firms, output 120,000 → strengthen (too few firms)
    O: 4 firms, output 40,000  → strengthen (output below 100,000)
    M: none, supplied by S     → extend
    F: none, supplied by W     → fill
    X: none, supplied by R     → fill (R is not an anchor)
    """
    d = direction()
    n = chain(d, "R:up S:up W:mid O:mid M:mid F:down X:down", "S>M W>F R>X S>W O>F")
    place(n["R"], 3, output=50_000)
    place(n["S"], 5, output=30_000)
    place(n["W"], 2, output=60_000)
    place(n["O"], 4, output=10_000)
    return d


def test_each_gap_kind_from_hand_built_data(mixed):
    assert gaps(mixed) == {
        "R": STRONG,
        "S": STRONG,
        "W": STRENGTHEN,
        "O": STRENGTHEN,
        "M": EXTEND,
        "F": FILL,
        "X": FILL,
    }
    analysis = gap_analysis(mixed)
    assert (analysis.present_count, analysis.is_build_chain) == (4, False)
    assert analysis.present_share == Decimal("0.5714")
    by_name = {g.node.name: g for g in analysis.nodes}
    assert (by_name["S"].local_enterprises, by_name["S"].local_output_wan) == (5, Decimal(150_000))
    assert "企业少于 3 家" in by_name["W"].reason
    assert "产值低于" in by_name["O"].reason
    assert "“S”" in by_name["M"].reason
    assert analysis.gap_counts() == {
        "build": 0,
        "extend": 1,
        "fill": 2,
        "strengthen": 2,
        "strong": 2,
    }
    assert by_name["M"].suppliers == [by_name["S"].node.pk]
    assert sorted(by_name["S"].customers) == sorted([by_name["M"].node.pk, by_name["W"].node.pk])


def test_a_chain_with_too_few_present_nodes_is_built_whole():
    """1 of 6 nodes present (17% < 20%): every missing node is 建链, even below a strong node."""
    d = direction()
    n = chain(d, "A:up B:mid C:mid D:mid E:down F:down", "A>B B>C C>E D>F")
    place(n["A"], 6, output=50_000)
    assert gaps(d) == {"A": STRONG, "B": BUILD, "C": BUILD, "D": BUILD, "E": BUILD, "F": BUILD}
    analysis = gap_analysis(d)
    assert analysis.is_build_chain and analysis.present_share == Decimal("0.1667")
    assert "建链" in analysis.by_node_id()[n["B"].pk].reason


def test_a_chain_without_any_local_enterprise_is_all_build():
    d = direction()
    chain(d, "A:up B:mid C:down", "A>B B>C")
    assert set(gaps(d).values()) == {BUILD}


def test_thresholds_flip_the_results(mixed):
    assert gaps(mixed, thresholds(strengthen_below=2))["W"] == STRONG
    # With 3 firms needed to be present, W (2) is missing; S, an anchor, supplies it: 延链.
    result = gaps(mixed, thresholds(strengthen_below=3, fill_below=3))
    assert (result["W"], result["R"]) == (EXTEND, STRONG)
    assert gaps(mixed, thresholds(fill_below=3, strong_min_enterprises=6))["W"] == FILL
    thresholds(strong_min_enterprises=5)
    thresholds(fill_below=1)
    assert gaps(mixed, thresholds(strengthen_output_below_wan=Decimal(40_000)))["O"] == STRONG
    thresholds(strengthen_output_below_wan=Decimal(100_000))
    # R becomes an anchor for 延链 once 3 firms suffice.
    assert gaps(mixed, thresholds(strong_min_enterprises=3))["X"] == EXTEND
    # …and S stops being one when 6 are needed.
    assert gaps(mixed, thresholds(strong_min_enterprises=6))["M"] == FILL
    thresholds(strong_min_enterprises=5)
    # 4 of 7 present is 57%: below 60% the whole chain is to be built.
    result = gaps(mixed, thresholds(build_chain_below_share=Decimal("0.6")))
    assert [result[k] for k in "MFX"] == [BUILD, BUILD, BUILD]
    assert [result[k] for k in "RSWO"] == [STRONG, STRONG, STRENGTHEN, STRENGTHEN]


def test_unsaved_default_thresholds_are_used_until_the_city_saves_some(mixed):
    assert not GapThresholds.objects.exists()
    th = thresholds_current()
    assert th.pk is None
    assert (th.fill_below, th.strengthen_below, th.strong_min_enterprises) == (1, 3, 5)
    thresholds(strengthen_below=2)
    assert thresholds_current().strengthen_below == 2
    assert gaps(mixed)["W"] == STRONG  # read from the saved row when none is passed


def test_which_placements_count():
    """Confirmed, or suggested with enough confidence (or by a person); never rejected; local only."""
    d = direction()
    n = chain(d, "A:up B:mid")
    node = n["A"]
    place(node, output=100)  # confirmed by a person
    place(
        node,
        output=200,
        status=PlacementStatus.SUGGESTED,
        source=PlacementSource.AUTO,
        confidence="0.7",
    )
    place(
        node,
        output=400,
        status=PlacementStatus.SUGGESTED,
        source=PlacementSource.AUTO,
        confidence="0.3",
    )
    place(node, output=800, status=PlacementStatus.REJECTED, source=PlacementSource.MANUAL)
    place(
        node,
        output=1600,
        status=PlacementStatus.REJECTED,
        source=PlacementSource.AUTO,
        confidence="0.99",
    )
    place(
        node,
        output=None,
        status=PlacementStatus.SUGGESTED,
        source=PlacementSource.MANUAL,
        confidence="0",
    )
    place(node, output=3200, local=False)  # an enterprise outside the city
    place(
        node,
        output=6400,
        status=PlacementStatus.CONFIRMED,
        source=PlacementSource.AUTO,
        confidence="0.1",
    )
    g = gap_analysis(d).by_node_id()[node.pk]
    assert (g.local_enterprises, g.local_output_wan) == (4, Decimal(100 + 200 + 6400))

    thresholds(placement_min_confidence=Decimal("0.3"))
    g = gap_analysis(d).by_node_id()[node.pk]
    assert (g.local_enterprises, g.local_output_wan) == (5, Decimal(100 + 200 + 400 + 6400))
    thresholds(placement_min_confidence=Decimal("0.8"))
    assert gap_analysis(d).by_node_id()[node.pk].local_enterprises == 3


def test_projects_count_through_their_investors_placements(users, make_project):
    """A pipeline project counts on each node where one of its investors is placed, if its
    direction is that node's (or unset); producing and dropped projects do not count."""
    d = direction()
    other = direction("cu", "铜精深加工")
    n = chain(d, "A:up B:mid C:down")
    (outsider,) = place(n["A"], local=False)
    (second,) = place(n["B"], local=False)
    place(n["B"], local=False, status=PlacementStatus.REJECTED)
    rejected_investor = place(n["C"], local=False, status=PlacementStatus.REJECTED)[0]

    p1 = make_project(name="铝箔项目", direction=d, investors=[outsider])
    p2 = make_project(name="无方向项目", investors=[outsider, second])
    make_project(name="铜项目", direction=other, investors=[second])
    done = make_project(name="已投产项目", direction=d, investors=[outsider])
    dropped = make_project(name="已终止项目", direction=d, investors=[second])
    make_project(name="被否定归类的项目", direction=d, investors=[rejected_investor])
    make_project(name="无投资方项目", direction=d)
    Project.objects.filter(pk=done.pk).update(stage=Stage.OPERATING)
    Project.objects.filter(pk=dropped.pk).update(stage=Stage.DROPPED)
    Project.objects.filter(pk=p1.pk).update(stage=Stage.STARTED)

    analysis = gap_analysis(d)
    counts = {g.node.name: g.pipeline_projects for g in analysis.nodes}
    assert counts == {"A": 2, "B": 1, "C": 0}  # A: p1, p2; B: p2 (铜项目 is another direction)
    # 被否定归类的项目 and 无投资方项目 are in the pipeline of this direction but on no node.
    assert analysis.unplaced_projects == 2
    # Projects never change the gap kind.
    assert {g.gap for g in analysis.nodes} == {BUILD}

    # Pages pass the projects the user may see: 东昌府 sees none of 临清's.
    scoped = gap_analysis(d, projects=Project.objects.restrict(users["dongchangfu"], "view"))
    assert [g.pipeline_projects for g in scoped.nodes] == [0, 0, 0]
    assert scoped.unplaced_projects == 0
    assert p2.pk in Project.objects.restrict(users["linqing"], "view").values_list("pk", flat=True)


def test_cycles_are_analysed(mixed):
    """A recycling loop (F supplies back to S) changes nothing for nodes it does not feed."""
    from zhaoshang.industries.models import ChainEdge, ChainNode

    f = ChainNode.objects.get(direction=mixed, name="F")
    s = ChainNode.objects.get(direction=mixed, name="S")
    ChainEdge.objects.create(source=f, target=s)
    assert gaps(mixed)["S"] == STRONG and gaps(mixed)["F"] == FILL


def test_analysis_of_all_directions_takes_a_fixed_number_of_queries(
    mixed, django_assert_max_num_queries
):
    for i in range(3):
        d = direction(f"d{i}", f"方向{i}")
        n = chain(d, "A:up B:mid C:down D:down", "A>B B>C B>D")
        place(n["A"], 2)
    with django_assert_max_num_queries(8):
        analyses = gap_analysis_many()
    assert len(analyses) == 4
    assert sum(len(a.nodes) for a in analyses) == 7 + 12


def test_an_empty_direction_has_no_nodes_and_is_not_a_build_chain():
    analysis = gap_analysis(direction())
    assert (analysis.nodes, analysis.is_build_chain, analysis.present_share) == ([], False, 0)
