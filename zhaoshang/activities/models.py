"""Campaigns (会战); visits, trips and events come with the activities issue."""

from django.db import models

from zhaoshang.core.permissions import RestrictedQuerySet


class Campaign(models.Model):
    """A named push such as 产业招商百日会战 or 高铁沿线城市招商, that leads and projects cite."""

    name = models.CharField("名称", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("说明", blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "招商会战"
        verbose_name_plural = "招商会战"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name
