from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "zhaoshang.targeting"
    label = "targeting"
    verbose_name = "精准招商"
    default_auto_field = "django.db.models.BigAutoField"
