"""Not harassing enterprises (#12 §3): what a visit would crowd.

Two kinds of warning, each needing the writer's explicit acknowledgement before the visit is
saved: another unit visited or planned to visit the same enterprise within the city's window
(`VisitRules.conflict_days`, either side of the date), and an enterprise the city marked 请勿打扰
(with its contact preference). A visit of a unit the user may not see is described without
naming it ("另一单位已于 3 天内拜访该企业"); one the user may see names the unit, the people
and the date, and may be joined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from zhaoshang.core.permissions import restrict
from zhaoshang.enterprises.models import Enterprise

from ..models import LIVE_STATUSES, Visit, VisitEnterprise, VisitRules, VisitStatus

ACKNOWLEDGE_FIELD = "acknowledge_conflicts"
KIND_VISIT = "visit"
KIND_DO_NOT_DISTURB = "do_not_disturb"


@dataclass(frozen=True)
class Conflict:
    """One warning: what it says, about which enterprise, and the visit when the user sees it."""

    kind: str
    enterprise_id: int
    message: str
    visit_id: int | None = None  # only when the user may see the other visit
    date: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "enterprise": self.enterprise_id,
            "visit": self.visit_id,
            "date": self.date.isoformat() if self.date else None,
            "message": self.message,
        }


class ConflictsNotAcknowledged(ValidationError):
    """The write needs `acknowledge_conflicts=True`; `conflicts` says what it would crowd."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        lines = [c.message for c in conflicts]
        super().__init__({ACKNOWLEDGE_FIELD: ["请确认以下提示后再保存：", *lines]}, code="conflict")


def _when(other: Visit, on: dt.date) -> str:
    days = abs((other.date - on).days)
    span = "同一天" if days == 0 else f" {days} 天内"
    if other.status == VisitStatus.DONE:
        return f"已于{span}拜访该企业"
    return f"已计划在{span}拜访该企业"


def _people(visit: Visit) -> str:
    names = [p.name for p in visit.participants.all()]
    return f"（{'、'.join(names[:3])}{'等' if len(names) > 3 else ''}）" if names else ""


def visit_conflicts(
    *,
    user: Any,
    unit_id: int,
    on: dt.date,
    enterprises: Iterable[Enterprise],
    exclude_visit_id: int | None = None,
) -> list[Conflict]:
    """The warnings a visit of `unit_id` on `on` to `enterprises` raises, as `user` may read them."""
    enterprises = list(enterprises)
    if not enterprises or on is None:
        return []
    days = VisitRules.current().conflict_days
    window = dt.timedelta(days=days)
    low = on - window if on > dt.date.min + window else dt.date.min
    high = on + window if on < dt.date.max - window else dt.date.max
    links = (
        VisitEnterprise.objects.filter(
            enterprise__in=enterprises,
            visit__status__in=LIVE_STATUSES,
            visit__date__gte=low,
            visit__date__lte=high,
        )
        .exclude(visit__unit_id=unit_id)
        .select_related("visit__unit", "enterprise")
        .order_by("visit__date", "visit_id")
    )
    if exclude_visit_id is not None:
        links = links.exclude(visit_id=exclude_visit_id)
    links = list(links)
    visible = set(
        restrict(Visit.objects.all(), user, "view")
        .filter(pk__in={link.visit_id for link in links})
        .values_list("pk", flat=True)
    )
    found: list[Conflict] = []
    for link in links:
        other, name = link.visit, link.enterprise.name
        if other.pk in visible:
            message = (
                f"{name}：{other.unit.name}{_people(other)}{_when(other, on)}"
                f"（{other.date:%Y-%m-%d}，{other.get_status_display()}）"
            )
            found.append(Conflict(KIND_VISIT, link.enterprise_id, message, other.pk, other.date))
        else:
            found.append(
                Conflict(KIND_VISIT, link.enterprise_id, f"{name}：另一单位{_when(other, on)}")
            )
    for enterprise in enterprises:
        if enterprise.do_not_disturb:
            preference = enterprise.contact_preference or "未注明"
            found.append(
                Conflict(
                    KIND_DO_NOT_DISTURB,
                    enterprise.pk,
                    f"{enterprise.name}：已标记为“请勿打扰”，联系偏好：{preference}",
                )
            )
    return found
