from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "zhaoshang.geo"
    label = "geo"
    verbose_name = "行政区划"
