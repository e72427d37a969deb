"""A stale edit of a scoring profile never overwrites another user's save (issue 9 §5)."""

import pytest
from django.urls import reverse

from zhaoshang.core.tests.concurrency_harness import Edit, VersionedFormCases
from zhaoshang.targeting import services
from zhaoshang.targeting.scoring.factors import FACTORS, default_weights

pytestmark = pytest.mark.django_db


class TestScoringProfileEdit(VersionedFormCases):
    @pytest.fixture
    def edit(self, users) -> Edit:
        weights = default_weights()
        profile = services.profile_save(
            actor=users["city"], name="高铁沿线会战", recent_contact_months=6, weights=weights
        )
        data = {f"w_{f.code}": weights[f.code] for f in FACTORS}
        return Edit(
            record=profile,
            user=users["city"],
            url=reverse("targeting:profile-edit", args=[profile.pk]),
            data={**data, "name": "高铁沿线会战", "recent_contact_months": 12, "note": ""},
            label="近期接触月数",
            mine="12",
            theirs=lambda: services.profile_save(
                actor=users["city"],
                profile=profile,
                name="高铁沿线会战",
                recent_contact_months=3,
                weights=weights,
            ),
        )
