from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhaoshang.projects"
    label = "projects"
    verbose_name = "招商项目"

    def ready(self) -> None:
        from . import reminders

        # Milestones due and overdue, funds waiting for verification, stale projects.
        reminders.register()
