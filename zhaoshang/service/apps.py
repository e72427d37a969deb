from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "zhaoshang.service"
    label = "service"
    verbose_name = "项目服务"

    def ready(self) -> None:
        # 联评联审: its notice kinds, the signing guard, the agenda source and timeline events;
        # 联席会议: its notice kinds and reminder.
        from .selectors import reviews as _review_selectors  # noqa: F401
        from .services import meetings as _meeting_services  # noqa: F401
        from .services import reviews as _review_services  # noqa: F401

        # 督办事项: its notice kinds.
        from .services import tasks as _task_services  # noqa: F401
