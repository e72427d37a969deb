from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import converters  # noqa: F401 (registers the `id` path converter)
        from .search import register_functions

        connection_created.connect(register_functions, dispatch_uid="core.search.functions")
