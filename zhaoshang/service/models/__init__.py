"""The service system's records, one module per topic (see each module's docstring)."""

from .tasks import Task, TaskSource, TaskStatus

__all__ = ["Task", "TaskSource", "TaskStatus"]
