"""Industries (产业) and their directions (细分方向); chains come with the chain issue."""

from django.db import models

from zhaoshang.core.permissions import RestrictedQuerySet


class Industry(models.Model):
    """One of the city's key industries (十二大产业)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "产业"
        verbose_name_plural = "产业"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    """A focused direction (细分方向) within an industry."""

    industry = models.ForeignKey(
        Industry, verbose_name="产业", on_delete=models.PROTECT, related_name="directions"
    )
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_shared = True

    class Meta:
        verbose_name = "细分方向"
        verbose_name_plural = "细分方向"
        ordering = ["industry__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "name"], name="direction_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.industry.name} · {self.name}"
