from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "zhaoshang.goals"
    label = "goals"
    verbose_name = "目标与竞赛榜"

    def ready(self) -> None:
        from zhaoshang.core.backup import register_restore_check

        from .restore_check import published_rankings_verify

        register_restore_check("已发布竞赛榜", published_rankings_verify)
