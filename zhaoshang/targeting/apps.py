from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "zhaoshang.targeting"
    label = "targeting"
    verbose_name = "精准招商"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The notice kinds and the deadline reminder are registered by the services module.
        from . import services  # noqa: F401
