from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "zhaoshang.service"
    label = "service"
    verbose_name = "项目服务"

    def ready(self) -> None:
        # 联评联审: its notice kinds, the signing guard, the agenda source, timeline events and
        # the project page's panel;
        # 联席会议: its notice kinds and reminder.
        # 问题诉求: notice kinds, the agenda source, the project page's panel, the daily job.
        from django.db.models.signals import post_migrate

        # 服务专员 queue: its 无进展 rule is also the 项目长期无进展 reminder's threshold.
        from zhaoshang.notices import reminders

        # 督办事项: notice kinds and reminders; 要素保障: its agenda source (element).
        from .selectors import elements as _element_selectors  # noqa: F401
        from .selectors import problems as _problem_selectors  # noqa: F401
        from .selectors import reviews as _review_selectors  # noqa: F401

        # 服务记录: the first contact on the project's timeline, the panel on its page.
        from .selectors import servicelog as _servicelog_selectors  # noqa: F401
        from .selectors.workqueue import reminder_threshold
        from .services import meetings as _meeting_services  # noqa: F401
        from .services import problems as _problem_services  # noqa: F401
        from .services import reviews as _review_services  # noqa: F401
        from .services import tasks as _task_services  # noqa: F401
        from .views import elements as _element_views  # noqa: F401
        from .views import problems as _problem_views  # noqa: F401
        from .views import reviews as _review_views  # noqa: F401
        from .views import servicelog as _servicelog_views  # noqa: F401
        from .views import teams as _team_views  # noqa: F401

        reminders.threshold_source(reminder_threshold)

        # After every migrate, and after a test's flush, which empties what data migrations
        # seeded: the kinds, thresholds and categories the service system cannot work without.
        post_migrate.connect(_load_reference, sender=self, dispatch_uid="service.reference")


def _load_reference(**kwargs) -> None:
    from .reference import service_reference_load

    service_reference_load()
