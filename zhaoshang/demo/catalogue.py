"""Reference tables the demo needs before any record: tags, industries, directions, campaigns.

There are no write services for these tables yet (the city edits them in the admin), so they
are written here directly, each with its audit entry, as the admin would.
"""

from __future__ import annotations

from typing import Any

from zhaoshang.core import audit
from zhaoshang.industries.models import Direction, Industry
from zhaoshang.projects.models import Campaign

from .chains import chains_demo_setup
from .reference import CAMPAIGNS, INDUSTRIES


def industries_load(*, actor: Any) -> tuple[dict[str, Industry], dict[str, Direction]]:
    industries: dict[str, Industry] = {}
    directions: dict[str, Direction] = {}
    for order, spec in enumerate(INDUSTRIES, start=1):
        industry, created = Industry.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "sort_order": order}
        )
        if created:
            audit.record_create(actor=actor, obj=industry)
        industries[spec.code] = industry
        for sub_order, dspec in enumerate(spec.directions, start=1):
            direction, created = Direction.objects.get_or_create(
                code=dspec.code,
                defaults={"industry": industry, "name": dspec.name, "sort_order": sub_order},
            )
            if created:
                audit.record_create(actor=actor, obj=direction)
            directions[dspec.code] = direction
    return industries, directions


def campaigns_load(*, actor: Any) -> dict[str, Campaign]:
    campaigns: dict[str, Campaign] = {}
    for spec in CAMPAIGNS:
        campaign, created = Campaign.objects.get_or_create(
            name=spec.name,
            defaults={
                "year": spec.year,
                "starts_on": spec.starts_on,
                "ends_on": spec.ends_on,
                "description": spec.description,
            },
        )
        if created:
            audit.record_create(actor=actor, obj=campaign)
        campaigns[spec.name] = campaign
    return campaigns


def chains_load(*, actor: Any) -> int:
    """The demo chain graphs of the directions (`chains`).

    Idempotent (directions that already have a chain are left as the city edited them);
    returns the number of chain nodes set up.
    """
    return sum(len(nodes) for nodes in chains_demo_setup(actor=actor).values())
