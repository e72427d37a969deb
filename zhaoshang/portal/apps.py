from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: the home page, the navigation and what each role is for.

    It reads every app below it and nothing imports it."""

    name = "zhaoshang.portal"
    label = "portal"
    verbose_name = "门户"
