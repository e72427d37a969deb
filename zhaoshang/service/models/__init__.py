"""The service system's records, one module per topic (see each module's docstring)."""

from .instructions import Instruction
from .meetings import AgendaItem, Decision, JointMeeting, MeetingStatus
from .problems import (
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemChannel,
    ProblemEvent,
    ProblemEventKind,
    ProblemPhoto,
    ProblemStatus,
    SupervisingLeader,
)
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
    "EscalationLevel",
    "Instruction",
    "JointMeeting",
    "JointReview",
    "MeetingStatus",
    "Problem",
    "ProblemCategory",
    "ProblemChannel",
    "ProblemEvent",
    "ProblemEventKind",
    "ProblemPhoto",
    "ProblemStatus",
    "ReviewOpinion",
    "ReviewOutcome",
    "ReviewPolicy",
    "ReviewerRule",
    "ServiceKind",
    "ServiceLog",
    "SupervisingLeader",
    "Task",
    "TaskSource",
    "TaskStatus",
    "Verdict",
    "WorkQueueRule",
]
