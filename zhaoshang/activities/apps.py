from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "zhaoshang.activities"
    label = "activities"
    verbose_name = "招商活动"
