from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhaoshang.enterprises"
    label = "enterprises"
    verbose_name = "企业库"
