"""Writes on projects. Views, API, imports and jobs all call these functions."""

from .duplicates import duplicate_candidates
from .evidence import EvidenceFile
from .funds import (
    funds_correct,
    funds_reject,
    funds_resubmit,
    funds_submit,
    funds_verify,
    funds_withdraw,
)
from .plans import milestone_complete, milestone_create, plan_save, progress_add
from .projects import project_create, project_update
from .stages import project_advance_stage

__all__ = [
    "EvidenceFile",
    "duplicate_candidates",
    "funds_correct",
    "funds_reject",
    "funds_resubmit",
    "funds_submit",
    "funds_verify",
    "funds_withdraw",
    "milestone_complete",
    "milestone_create",
    "plan_save",
    "progress_add",
    "project_advance_stage",
    "project_create",
    "project_update",
]
