"""The service system's records, one module per topic (see each module's docstring)."""

from .elements import ElementAllocation, ElementKind, ElementNeed, ElementQuota
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
from .teams import ServiceTeam, TeamLevel, TeamMember

__all__ = [
    "AgendaItem",
    "Decision",
    "ElementAllocation",
    "ElementKind",
    "ElementNeed",
    "ElementQuota",
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
    "ServiceTeam",
    "SupervisingLeader",
    "Task",
    "TaskSource",
    "TaskStatus",
    "TeamLevel",
    "TeamMember",
    "Verdict",
    "WorkQueueRule",
]
