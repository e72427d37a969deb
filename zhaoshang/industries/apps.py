from django.apps import AppConfig


class IndustriesConfig(AppConfig):
    name = "zhaoshang.industries"
    label = "industries"
    verbose_name = "产业"
