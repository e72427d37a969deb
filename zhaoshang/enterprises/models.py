"""The enterprise registry: investors and targets, identified by 统一社会信用代码."""

from django.db import models

from zhaoshang.core.models import TimeStampedModel
from zhaoshang.core.permissions import RestrictedQuerySet

TOP500_TAGS = ("global500", "china500", "private500")


class Tag(models.Model):
    """A label such as 世界500强 or 专精特新; its code follows the glossary."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_top500(self) -> bool:
        return self.code in TOP500_TAGS


class Enterprise(TimeStampedModel):
    """A company, local or not. `is_local`, `province_code` are derived from the division code."""

    name = models.CharField("企业名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    division_code = models.CharField("注册地行政区划代码", max_length=6, blank=True, db_index=True)
    country = models.CharField("国家/地区", max_length=2, default="CN")
    address = models.CharField("注册地址", max_length=300, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="enterprises")
    # Derived from division_code by enterprises.services; never entered directly.
    is_local = models.BooleanField("本市企业", default=False, editable=False, db_index=True)
    province_code = models.CharField("省份代码", max_length=2, blank=True, editable=False)
    is_sample = models.BooleanField("示例数据", default=False)

    scope_shared = True

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_out_of_province(self) -> bool:
        return self.country == "CN" and self.province_code not in ("", "37")

    @property
    def is_foreign(self) -> bool:
        return self.country != "CN"
