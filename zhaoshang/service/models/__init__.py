"""The service system's records, one module per topic (see each module's docstring)."""

from .instructions import Instruction
from .meetings import AgendaItem, Decision, JointMeeting, MeetingStatus
from .reviews import (
    JointReview,
    ReviewerRule,
    ReviewOpinion,
    ReviewOutcome,
    ReviewPolicy,
    Verdict,
)
from .servicelog import ServiceKind, ServiceLog, WorkQueueRule
from .tasks import Task, TaskSource, TaskStatus

__all__ = [
    "AgendaItem",
    "Decision",
    "Instruction",
    "JointMeeting",
    "JointReview",
    "MeetingStatus",
    "ReviewOpinion",
    "ReviewOutcome",
    "ReviewPolicy",
    "ReviewerRule",
    "ServiceKind",
    "ServiceLog",
    "Task",
    "TaskSource",
    "TaskStatus",
    "Verdict",
    "WorkQueueRule",
]
