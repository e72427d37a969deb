from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "zhaoshang.notices"
    label = "notices"
    verbose_name = "通知中心"

    def ready(self) -> None:
        from . import kinds
        from .delivery import DIGEST_KIND

        # Muting it stops the morning e-mail of unread notices (NOTICE_EMAIL_DIGEST).
        kinds.register(DIGEST_KIND, "每日通知摘要（邮件）")
