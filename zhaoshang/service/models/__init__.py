"""The service system's records, one module per topic (see each module's docstring)."""

from .servicelog import ServiceKind, ServiceLog, WorkQueueRule
from .tasks import Task, TaskSource, TaskStatus

__all__ = ["ServiceKind", "ServiceLog", "Task", "TaskSource", "TaskStatus", "WorkQueueRule"]
