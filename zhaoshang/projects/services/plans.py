"""五个一: the written plan, its milestones, and dated progress updates of a project."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.core import audit
from zhaoshang.core.closing import closed_message
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.permissions import require

from ..models import Milestone, ProgressUpdate, Project, ProjectPlan
from .evidence import EvidenceFile, check_files, store
from .files import discard_on_failure


def plan_save(
    *, actor: Any, project: Project, content: str, version: str | None = None
) -> ProjectPlan:
    """Create or replace the project's written plan (一套方案).

    `version` is the plan's version the editor read (`core.concurrency.NEW` when there was
    none): a plan written by someone else since is not overwritten.
    """
    if not content.strip():
        raise ValidationError({"content": ["请填写推进方案"]})
    with transaction.atomic():
        plan = ProjectPlan.objects.select_for_update().filter(project=project).first()
        check_version(plan, version, submitted={"content": content.strip()})
        if plan is None:
            plan = ProjectPlan(project=project, content=content.strip())
            require(actor, "add", plan)
            plan.save()
            audit.record_create(actor=actor, obj=plan)
        else:
            require(actor, "change", plan)
            before = audit.snapshot(plan)
            plan.content = content.strip()
            plan.save()
            audit.record_update(actor=actor, obj=plan, before=before)
    return plan


def milestone_create(
    *, actor: Any, project: Project, title: str, due_on: dt.date, note: str = ""
) -> Milestone:
    """Add a dated step to the project's plan."""
    milestone = Milestone(project=project, title=title.strip(), due_on=due_on, note=note)
    require(actor, "add", milestone)
    if not milestone.title:
        raise ValidationError({"title": ["请填写节点名称"]})
    with transaction.atomic():
        milestone.save()
        audit.record_create(actor=actor, obj=milestone)
    return milestone


def milestone_complete(
    *, actor: Any, milestone: Milestone, done_on: dt.date, version: str | None = None
) -> Milestone:
    """Mark a milestone done on a date (not in the future, not in a closed period).

    A key project's milestones feed the ``key_on_schedule`` figure of the quarterly ranking
    (a milestone due in the quarter must be done before its end), so completing one with a date
    in a closed period, or moving a completion already recorded in a closed period, would change
    a closed period's figure: both are refused with ``closed_message`` on ``done_on`` and nothing
    is written. As for funds records and stage changes, nobody is exempt — a city user who may
    reopen periods reopens first (``period_reopen``, with a reason), then corrects.
    `version` is the milestone's version the editor read (`core.concurrency`).
    """
    require(actor, "change", milestone)
    with transaction.atomic():
        # The completion date as stored (locked), not as the caller's instance remembers it.
        stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
        check_version(stored, version, submitted={"done_on": done_on})
        recorded = stored.done_on
        errors: list[str] = []
        if done_on > timezone.localdate():
            errors.append("日期不能晚于今天")
        if closed := closed_message(done_on):  # a closed period's milestones are frozen
            errors.append(closed)
        elif recorded is not None and recorded != done_on and (closed := closed_message(recorded)):
            errors.append(f"该节点已于{recorded:%Y-%m-%d}完成，{closed}")
        if errors:
            raise ValidationError({"done_on": errors})
        before = audit.snapshot(stored)
        stored.done_on = milestone.done_on = done_on
        stored.save()
        audit.record_update(actor=actor, obj=stored, before=before)
    return stored


def progress_add(
    *,
    actor: Any,
    project: Project,
    on: dt.date,
    content: str,
    photos: list[EvidenceFile] | None = None,
) -> ProgressUpdate:
    """Record a dated progress note, optionally with photos."""
    photos = photos or []
    update = ProgressUpdate(project=project, on=on, content=content.strip(), actor=actor)
    require(actor, "add", update)
    errors: dict[str, list[str]] = {}
    if not update.content:
        errors["content"] = ["请填写进展情况"]
    if on > timezone.localdate():
        errors["on"] = ["日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    check_files(photos, field="photos")
    with transaction.atomic():
        update.save()
        with discard_on_failure() as saved:
            saved += store(project=project, files=photos, actor=actor, progress_update=update)
            audit.record_create(actor=actor, obj=update)
    return update
