"""The service system's reference data a city starts with and then edits: service kinds,
work-queue thresholds, element kinds with their allocating department, problem categories.

Loaded after every `migrate` (post_migrate), idempotently: a row the city edited stays as it
is, a missing one is created again. The data migrations that first seeded these rows stay as
history; this loader is what keeps a database whose tables were emptied (a test's flush, a
restore of business data only) whole.
"""

from __future__ import annotations

from zhaoshang.accounts.models import Department
from zhaoshang.accounts.reference import DEPARTMENTS

from .models.elements import ElementKind
from .models.servicelog import ServiceKind, WorkQueueRule

SERVICE_KINDS = (("visit", "走访", 10), ("call", "电话", 20), ("coordinate", "协调", 30),
                 ("assist", "帮办", 40))  # fmt: skip
WORK_QUEUE_RULES = (
    ("stale_project_days", "项目超过多少天没有进展更新", 30),
    ("milestone_ahead_days", "提前多少天提示即将到期的推进节点", 14),
)
# code, name, measure, allocating department (None: the city), order
ELEMENT_KINDS = (
    ("land", "用地", "亩", "zrzy", 10),
    ("energy", "能耗", "吨标准煤", "fgw", 20),
    ("power", "用电", "kVA", "gdgs", 30),
    ("water", "用水", "吨/日", None, 40),
    ("emission", "排放", "吨/年", "sthj", 50),
)


def _department(code: str) -> Department:
    for order, (known, name, short) in enumerate(DEPARTMENTS, start=1):
        if known == code:
            department, _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "short_name": short, "sort_order": order}
            )
            return department
    raise LookupError(f"department {code!r} is not in accounts.reference.DEPARTMENTS")


def service_reference_load() -> None:
    """Create the missing reference rows (never changes an existing one)."""
    from .services.problems import problem_categories_load

    for code, name, order in SERVICE_KINDS:
        ServiceKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for code, label, days in WORK_QUEUE_RULES:
        WorkQueueRule.objects.get_or_create(code=code, defaults={"label": label, "days": days})
    for code, name, measure, dept_code, order in ELEMENT_KINDS:
        ElementKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "department": _department(dept_code) if dept_code else None,
                "sort_order": order,
            },
        )
    for code, _name, _short in DEPARTMENTS:
        _department(code)
    problem_categories_load()
