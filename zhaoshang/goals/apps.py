from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "zhaoshang.goals"
    label = "goals"
    verbose_name = "目标与竞赛榜"
