from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhaoshang.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from zhaoshang.industries.services import node_holder_register

        from .selectors import node_holdings

        # Enterprises placed on a chain node, and key-target entries, are held by this app.
        node_holder_register(node_holdings)
