"""The demo's reference data and generators, without a database."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc as uscc_std

from zhaoshang.demo import names
from zhaoshang.demo.chains import CHAINS
from zhaoshang.demo.placeholders import pdf_bytes, png_bytes
from zhaoshang.demo.reference import (
    INDUSTRIES,
    KNOWN_ENTERPRISES,
    PLACES,
    PRESS_PROJECTS,
    UNIT_INDUSTRY_WEIGHTS,
    UNIT_PROJECT_WEIGHTS,
)
from zhaoshang.enterprises.importing.parsing import parse_industry_code
from zhaoshang.geo import divisions


def test_twelve_industries_twenty_directions():
    assert len(INDUSTRIES) == 12
    assert sum(len(i.directions) for i in INDUSTRIES) == 20
    codes = [d.code for i in INDUSTRIES for d in i.directions]
    assert len(set(codes)) == len(codes)
    names_ = {i.name for i in INDUSTRIES}
    assert {"有色金属", "轴承", "汽车及零部件", "绿色化工", "生物医药", "高端装备"} <= names_


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.code)
def test_places_are_valid_current_divisions(place):
    division = divisions.lookup(place.code)
    assert division is not None and not division.abolished


def test_known_enterprises_and_press_projects_are_consistent():
    for known in KNOWN_ENTERPRISES:
        assert divisions.lookup(known.division_code) is not None
    investor_names = {k.name for k in KNOWN_ENTERPRISES}
    directions = {d.code for i in INDUSTRIES for d in i.directions}
    for press in PRESS_PROJECTS:
        assert press.investor in investor_names
        assert press.direction in directions
        assert press.total_investment_wan == 500_000
        dates = [press.lead_on, *(d for _, d in press.path)]
        assert dates == sorted(dates)


@pytest.mark.parametrize("known", KNOWN_ENTERPRISES, ids=lambda k: k.brand)
def test_known_enterprises_name_nodes_of_the_demo_chains(known):
    # A node renamed in the catalogue must fail here, not silently lose the placement.
    chain_nodes = {spec.code: {node.name: node for node in spec.nodes} for spec in CHAINS}
    industry_of = {d.code: i.code for i in INDUSTRIES for d in i.directions}
    assert known.nodes, "a known enterprise names at least its main chain node"
    assert len(set(known.nodes)) == len(known.nodes)
    for direction, name in known.nodes:
        assert name in chain_nodes[direction], f"{known.name}: no node {direction}/{name}"
        assert industry_of[direction] == known.industry
    assert known.direction == known.nodes[0][0]
    # Its registered industry agrees with the codes of one of its nodes (prefix either way).
    code = parse_industry_code(known.industry_code)
    assert code == known.industry_code
    node_codes = {c for d, n in known.nodes for c in chain_nodes[d][n].codes}
    assert any(c.startswith(code) or code.startswith(c) for c in node_codes), node_codes


@pytest.mark.parametrize("known", KNOWN_ENTERPRISES, ids=lambda k: k.brand)
def test_known_enterprises_have_registry_style_scopes(known):
    scope = known.business_scope
    assert scope.endswith("（依法须经批准的项目，经相关部门批准后方可开展经营活动）")
    assert "的研发、生产、销售；货物进出口；技术服务。" not in scope  # not the generated form
    items = scope.removesuffix("（依法须经批准的项目，经相关部门批准后方可开展经营活动）")
    assert items.endswith("。") and len(items.split("；")) >= 3
    assert not any(ch.isdigit() for ch in scope.replace("尼龙6", ""))  # no invented figures


def test_the_city_champions_sit_on_their_known_links():
    nodes = {k.name: set(k.nodes) for k in KNOWN_ENTERPRISES}
    assert {("nonferrous-al", "电解铝"), ("nonferrous-al", "氧化铝")} <= nodes["信发集团有限公司"]
    assert ("nonferrous-cu", "电解铜") in nodes["阳谷祥光铜业有限公司"]
    assert ("auto-nev", "整车制造") in nodes["中通客车股份有限公司"]
    assert ("bio-tcm", "阿胶及胶类产品") in nodes["东阿阿胶股份有限公司"]
    assert ("chem-newmat", "聚碳酸酯") in nodes["鲁西化工集团股份有限公司"]


def test_unit_weights_cover_the_units():
    from zhaoshang.accounts.reference import UNITS

    codes = {u[0] for u in UNITS}
    assert set(UNIT_PROJECT_WEIGHTS) == codes == set(UNIT_INDUSTRY_WEIGHTS)
    industry_codes = {i.code for i in INDUSTRIES}
    for weights in UNIT_INDUSTRY_WEIGHTS.values():
        assert set(weights) <= industry_codes


def test_uscc_is_valid_and_distinct():
    codes = {names.uscc_for("371581", serial) for serial in range(10_000_000, 10_000_500)}
    assert len(codes) == 500
    for code in codes:
        assert uscc_std.validate(code) == code
        assert code.startswith("91371581")


def test_org_code_check_character():
    # GB 11714 example: 12345678 → check 8 (3+14+27+40+25+48+28+16 = 201; 11 - 201 % 11 = 8).
    assert names.org_code("12345678") == "123456788"
    assert names.org_code("00000000")[-1] == "0"


def test_names_are_deterministic():
    a, b = random.Random(7), random.Random(7)
    direction = INDUSTRIES[0].directions[0]
    for _ in range(20):
        assert names.project_name(a, direction=direction, brand_name="恒瑞") == names.project_name(
            b, direction=direction, brand_name="恒瑞"
        )
        assert names.person_name(a) == names.person_name(b)


def test_placeholder_files_are_well_formed():
    pdf = pdf_bytes("contract (project 1)")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref")
    assert png_bytes((1, 2, 3)).startswith(b"\x89PNG\r\n\x1a\n")
