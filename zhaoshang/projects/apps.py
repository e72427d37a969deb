from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhaoshang.projects"
    label = "projects"
    verbose_name = "招商项目"

    def ready(self) -> None:
        from zhaoshang.core import audit

        from . import reminders
        from .models import PROJECT_SEARCH

        # The audit log's 项目名称 filter: a project's entries and its records' (funds, stages …).
        audit.group_under(
            "project", model="projects.project", search_field="name", index=PROJECT_SEARCH
        )

        # Milestones due and overdue, funds waiting for verification, stale projects.
        reminders.register()
