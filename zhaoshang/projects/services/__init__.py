"""Writes on projects. Views, API, imports and jobs all call these functions."""

from .duplicates import duplicate_candidates
from .evidence import EvidenceFile
from .funds import funds_reject, funds_submit, funds_verify
from .plans import milestone_complete, milestone_create, plan_save, progress_add
from .projects import project_create, project_update
from .stages import project_advance_stage

__all__ = [
    "EvidenceFile",
    "duplicate_candidates",
    "funds_reject",
    "funds_submit",
    "funds_verify",
    "milestone_complete",
    "milestone_create",
    "plan_save",
    "progress_add",
    "project_advance_stage",
    "project_create",
    "project_update",
]
