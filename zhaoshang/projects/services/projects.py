"""Creating and editing projects; derived flags are recomputed from the investors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.core.closing import ensure_open
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require
from zhaoshang.enterprises.models import TOP500_TAGS, Enterprise

from ..models import Project, Stage, StageChange
from .duplicates import duplicate_candidates
from .funds_totals import totals_move_project
from .project_totals import edited_share, share_of, stored_share, totals_shift

# Fields a person may type; everything else on Project is derived.
EDITABLE_FIELDS = (
    "name",
    "unit",
    "industry",
    "direction",
    "attraction_mode",
    "campaign",
    "total_investment_wan",
    "contracted_investment_wan",
    "foreign_investment_usd_wan",
    "land_mu",
    "expected_jobs",
    "expected_output_wan",
    "expected_tax_wan",
    "is_key",
    "lead_leader",
    "commissioner",
    "team",
    "description",
)


DERIVED_INVESTOR_FLAGS = ("is_out_of_province", "is_foreign", "is_top500")


def derive_investor_flags(project: Project, investors: Iterable[Enterprise]) -> None:
    """省外 / 境外 / 三类500强 follow from the investors' registered address and tags."""
    investors = list(investors)
    project.is_out_of_province = any(e.is_out_of_province for e in investors)
    project.is_foreign = any(e.is_foreign for e in investors)
    project.is_top500 = any(t.code in TOP500_TAGS for e in investors for t in e.tags.all())


def _validate_fields(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("total_investment_wan", "contracted_investment_wan", "foreign_investment_usd_wan",
                 "land_mu", "expected_output_wan", "expected_tax_wan"):  # fmt: skip
        value = getattr(project, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append("不能为负数")
    if (
        project.contracted_investment_wan is not None
        and project.total_investment_wan is not None
        and project.contracted_investment_wan > project.total_investment_wan
    ):
        errors.setdefault("contracted_investment_wan", []).append("合同投资不能超过总投资")
    if (
        project.direction_id
        and project.industry_id
        and (project.direction.industry_id != project.industry_id)
    ):
        errors.setdefault("direction", []).append("细分方向不属于所选产业")
    if errors:
        raise ValidationError(errors)
    project.full_clean(exclude=["investors", "is_over_100m"])


def project_create(
    *,
    actor: Any,
    investors: Iterable[Enterprise] = (),
    duplicate_reason: str = "",
    lead_on: dt.date | None = None,
    **fields: Any,
) -> Project:
    """Register a project at stage `lead`, with its first StageChange, after the duplicate guard.

    The lead date may not be in the future nor in a closed period of account.

    A similar project of the same investor in another unit blocks creation until the actor
    confirms with a reason (kept on the project and in the audit log).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    investors = list(investors)
    project = Project(**fields, created_by=actor)
    require(actor, "add", project)
    on = lead_on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"lead_on": ["日期不能晚于今天"]})
    # The lead's date opens the stage log: a lead cannot be back-dated into a closed period,
    # whose figures are frozen (like any stage change dated in it).
    ensure_open(on, field="lead_on")
    _validate_fields(project)
    candidates = duplicate_candidates(
        name=project.name, investors=investors, unit_id=project.unit_id
    )
    if candidates and not duplicate_reason.strip():
        listing = "；".join(
            f"{p.unit.name}：{p.name}（{p.get_stage_display()}）" for p in candidates
        )
        raise ValidationError(
            {
                "duplicate_reason": [
                    f"发现其他单位的疑似重复项目：{listing}。确认不是重复请填写理由"
                ]
            },
            code="duplicate",
        )
    project.duplicate_reason = duplicate_reason.strip()[:300] if candidates else ""
    derive_investor_flags(project, investors)
    with transaction.atomic():
        project.save()
        project.investors.set(investors)
        StageChange.objects.create(
            project=project, from_stage="", to_stage=Stage.LEAD, on=on, actor=actor, note="登记线索"
        )
        totals_shift(before=None, after=share_of(project))
        audit.record_create(actor=actor, obj=project, note=project.duplicate_reason)
    return project


def project_update(
    *,
    actor: Any,
    project: Project,
    investors: Iterable[Enterprise] | None = None,
    version: str | Iterable[str] | None = None,
    **changes: Any,
) -> Project:
    """Edit a project's typed fields; moving it to another unit stays within the actor's scope.

    `version` is the project's version the editor read (`core.concurrency`): when another save
    changed one of these fields since, nothing is written and the conflict names each field.

    Closed periods do not freeze these fields. A closed period's indicators do read a project's
    *current* unit (grouping), total investment (the 亿元 thresholds, the investment sums, the
    境外 USD share) and key-project flag (``key_started``, ``key_on_schedule``), but these are
    attributes of a live project, not records dated in a period: refusing to correct them because
    some past quarter is closed would block normal work on every project that was ever counted.
    The quarter's ranking is frozen by its published snapshot instead (``snapshot_publish`` keeps
    the inputs), and ``manage.py verify_ranking <quarter>`` lists what such edits have changed
    in the live figures since. Records dated in a closed period (stage changes, funds records,
    milestone completions) are refused by their own services.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require(actor, "change", project)
    before = audit.snapshot(project)
    for key, value in changes.items():
        setattr(project, key, value)
    require(actor, "change", project)  # the new unit must be in scope too
    _validate_fields(project)
    investor_list = list(investors) if investors is not None else list(project.investors.all())
    derive_investor_flags(project, investor_list)
    with transaction.atomic():
        stored = Project.objects.select_for_update().get(pk=project.pk)
        submitted = {**changes, "investors": investor_list} if investors is not None else changes
        check_version(stored, version, submitted=submitted)
        # The project as stored, locked: funds verified meanwhile are summed under one unit,
        # and a stage move meanwhile cannot slip between the share read here and the shift.
        before_share = stored_share(project.pk, lock=True)
        # Only typed fields and investor flags: a stale instance must never overwrite the
        # stage cache that the stage service maintains.
        project.save(update_fields=[*EDITABLE_FIELDS, *DERIVED_INVESTOR_FLAGS, "updated_at"])
        # Moved to another unit: its funds totals move with it, in this transaction.
        totals_move_project(
            project_id=project.pk, old_unit_id=before_share.unit_id, new_unit_id=project.unit_id
        )
        totals_shift(before=before_share, after=edited_share(before_share, project))
        if investors is not None:
            project.investors.set(investor_list)
        audit.record_update(actor=actor, obj=project, before=before)
    return project
