"""A stale edit of a chain node or of the gap thresholds never overwrites another user's save
(issue 9 §5)."""

import pytest
from django.urls import reverse

from zhaoshang.core.tests.concurrency_harness import Edit, VersionedFormCases
from zhaoshang.industries.services import chain_node_update
from zhaoshang.targeting.chains.services import gap_thresholds_update

from .chain_support import chain, direction

pytestmark = pytest.mark.django_db

THRESHOLDS = {
    "fill_below": 1,
    "strengthen_below": 3,
    "strengthen_output_below_wan": "50000",
    "strong_min_enterprises": 5,
    "build_chain_below_share": "0.20",
    "placement_min_confidence": "0.600",
}


class TestChainNodeEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users) -> Edit:
        node = chain(direction(), "矿:up 锭:up", "矿>锭")["锭"]
        return Edit(
            record=node,
            user=users["city"],
            url=reverse("industries:node-edit", args=[node.pk]),
            data={
                "name": "铝锭",
                "stream": "upstream",
                "keywords": "铝锭",
                "industry_codes": "3216",
                "description": "电解铝锭",
                "sort_order": 1,
            },
            label="说明",
            mine="电解铝锭",
            theirs=lambda: chain_node_update(
                actor=users["city"], node=node, description="重熔用铝锭"
            ),
        )


class TestGapThresholdsEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users) -> Edit:
        current = gap_thresholds_update(actor=users["city"], **THRESHOLDS)
        return Edit(
            record=current,
            user=users["city"],
            url=reverse("industries:thresholds"),
            data={**THRESHOLDS, "strong_min_enterprises": 8},
            label=str(type(current)._meta.get_field("strong_min_enterprises").verbose_name),
            mine="8",
            theirs=lambda: gap_thresholds_update(actor=users["city"], strong_min_enterprises=10),
        )


def test_the_first_thresholds_saved_meanwhile_are_not_overwritten(client, users):
    from zhaoshang.core.concurrency import NEW
    from zhaoshang.targeting.models import GapThresholds

    client.force_login(users["city"])
    url = reverse("industries:thresholds")
    assert client.get(url).context["form"]["version"].value() == NEW
    gap_thresholds_update(actor=users["city"], **{**THRESHOLDS, "fill_below": 2})
    response = client.post(url, {**THRESHOLDS, "version": NEW})
    assert response.status_code == 200
    assert GapThresholds.objects.get().fill_below == 2
