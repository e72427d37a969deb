"""Service timings, in the style of Data Hub's service report: how long the first contact took
after a commissioner was assigned to a project, and how long a problem took from raised to
acknowledged and to resolved — in working days (`core.workdays`: weekends, holidays, 调休).

Assignment has no date field of its own: it is read from the audit log, where every write of
`Project.commissioner` (registration or edit, through `projects.services`) is an entry with the
new `commissioner_id` in its `after`. The assignment date of a project is the local date of the
latest entry that set its current commissioner (a project handed to a new commissioner starts
a new clock). First contact is the first service log entry dated on or after that day.

Each measure is a list of `Timing` rows (one per project or problem); `summarise` groups them
by commissioner, unit or department with the count, median, distribution and those still
waiting (with how long they have waited so far).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from zhaoshang.core.models import AuditAction, AuditEntry
from zhaoshang.core.periods import Period
from zhaoshang.core.workdays import workdays_between
from zhaoshang.projects.models import Project

from ..models import ServiceLog
from ..models.problems import Problem

# Distribution buckets in working days (label, lowest, highest or None): data, not code.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1个工作日内", 0, 1),
    ("2—3个工作日", 2, 3),
    ("4—5个工作日", 4, 5),
    ("6—10个工作日", 6, 10),
    ("10个工作日以上", 11, None),
)


@dataclass(frozen=True)
class Timing:
    """One project's or problem's clock: started, stopped (None while still waiting), and the
    keys it is grouped by."""

    object_id: int
    label: str
    start: dt.date
    end: dt.date | None
    days: int | None  # working days start → end; None while waiting
    waited: int  # working days so far (days when done)
    groups: dict[str, int | None]  # "commissioner", "unit", "department" → id


# --- working days in bulk ----------------------------------------------------------------------


def workday_ordinals(dates: Iterable[dt.date | None]) -> dict[dt.date, int]:
    """A running count of working days at each given date, so that the working days between two
    of them is a subtraction: `o[b] - o[a] == workdays_between(a, b)`. One `workdays_between`
    per step between consecutive distinct dates (a few hundred for a year), not one per pair."""
    ordered = sorted({d for d in dates if d is not None})
    out: dict[dt.date, int] = {}
    running = 0
    for i, day in enumerate(ordered):
        if i:
            running += workdays_between(ordered[i - 1], day)
        out[day] = running
    return out


# --- assignment → first contact ----------------------------------------------------------------


def assignments(project_ids: Iterable[int]) -> dict[int, tuple[int, dt.date]]:
    """Each project's current commissioner and the day they were assigned (from the audit log).

    Projects whose current commissioner was never written through an audited service (none in
    this platform) are absent.
    """
    ids = [str(pk) for pk in project_ids]
    ct = ContentType.objects.get_for_model(Project)
    found: dict[int, tuple[int, dt.date]] = {}
    current: dict[int, int | None] = {}
    for i in range(0, len(ids), 500):
        rows = (
            AuditEntry.objects.filter(
                content_type=ct,
                object_id__in=ids[i : i + 500],
                action__in=[AuditAction.CREATE, AuditAction.UPDATE],
            )
            .order_by("at", "id")
            .values_list("object_id", "at", "after")
        )
        for object_id, at, after in rows:
            if not after or "commissioner_id" not in after:
                continue
            pk, new = int(object_id), after["commissioner_id"]
            if new != current.get(pk):
                current[pk] = new
                if new is None:
                    found.pop(pk, None)
                else:
                    found[pk] = (new, timezone.localdate(at))
    return found


def first_contact_timings(
    *, projects: QuerySet[Project], period: Period | None = None, today: dt.date | None = None
) -> list[Timing]:
    """Assignment → first service log entry for the given projects with a commissioner,
    assigned within `period` (all when None)."""
    today = today or timezone.localdate()
    rows = list(
        projects.filter(commissioner__isnull=False).values_list(
            "pk", "name", "commissioner_id", "unit_id"
        )
    )
    assigned = assignments(pk for pk, *_ in rows)
    firsts: dict[int, dt.date] = {}
    logs = (
        ServiceLog.objects.filter(project_id__in=[pk for pk, *_ in rows])
        .order_by()
        .values_list("project_id", "on")
    )
    for project_id, on in logs:
        start = assigned.get(project_id, (None, None))[1]
        if (
            start is not None
            and on >= start
            and (project_id not in firsts or on < firsts[project_id])
        ):
            firsts[project_id] = on
    ordinal = workday_ordinals([today, *firsts.values(), *(d for _, d in assigned.values())])
    out = []
    for pk, name, commissioner_id, unit_id in rows:
        who, start = assigned.get(pk, (None, None))
        if start is None or who != commissioner_id:
            continue
        if period is not None and not period.contains(start):
            continue
        end = firsts.get(pk)
        days = ordinal[end] - ordinal[start] if end else None
        out.append(
            Timing(
                object_id=pk,
                label=name,
                start=start,
                end=end,
                days=days,
                waited=days if days is not None else max(ordinal[today] - ordinal[start], 0),
                groups={"commissioner": commissioner_id, "unit": unit_id},
            )
        )
    return out


# --- problems: raised → acknowledged, raised → resolved ----------------------------------------


def _problem_timings(
    problems: QuerySet[Problem], period: Period | None, today: dt.date, end_field: str
) -> list[Timing]:
    qs = problems
    if period is not None:
        qs = qs.filter(raised_on__gte=period.start, raised_on__lt=period.end_exclusive)
    rows = list(
        qs.values_list(
            "pk", "title", "raised_on", end_field, "department_id", "project__unit_id",
            "project__commissioner_id",
        )
    )  # fmt: skip
    ordinal = workday_ordinals([today, *(r[2] for r in rows), *(r[3] for r in rows)])
    out = []
    for pk, title, raised_on, end, department_id, unit_id, commissioner_id in rows:
        days = ordinal[end] - ordinal[raised_on] if end else None
        out.append(
            Timing(
                object_id=pk,
                label=title,
                start=raised_on,
                end=end,
                days=days,
                waited=days if days is not None else max(ordinal[today] - ordinal[raised_on], 0),
                groups={
                    "department": department_id,
                    "unit": unit_id,
                    "commissioner": commissioner_id,
                },
            )
        )
    return out


def acknowledge_timings(
    *, problems: QuerySet[Problem], period: Period | None = None, today: dt.date | None = None
) -> list[Timing]:
    """Raised → acknowledged (签收) for the problems raised in `period`."""
    return _problem_timings(problems, period, today or timezone.localdate(), "acknowledged_on")


def resolve_timings(
    *, problems: QuerySet[Problem], period: Period | None = None, today: dt.date | None = None
) -> list[Timing]:
    """Raised → resolved (办结) for the problems raised in `period`."""
    return _problem_timings(problems, period, today or timezone.localdate(), "resolved_on")


# --- summaries ----------------------------------------------------------------------------------


def median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Summary:
    """One group's timings: done (count, median, distribution) and still waiting."""

    key: int | None
    name: str
    done: int = 0
    median: Decimal | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    waiting: int = 0
    longest_wait: int | None = None  # working days, of those still waiting

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "done": self.done,
            "median": self.median,
            "distribution": dict(self.distribution),
            "waiting": self.waiting,
            "longest_wait": self.longest_wait,
        }


def bucket_of(days: int) -> str:
    for label, low, high in BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return BUCKETS[-1][0]


def _summary(key: int | None, name: str, timings: list[Timing]) -> Summary:
    done = [t.days for t in timings if t.days is not None]
    waiting = [t.waited for t in timings if t.days is None]
    counts = {label: 0 for label, _, _ in BUCKETS}
    for days in done:
        counts[bucket_of(days)] += 1
    return Summary(
        key=key,
        name=name,
        done=len(done),
        median=median(done),
        distribution=list(counts.items()),
        waiting=len(waiting),
        longest_wait=max(waiting) if waiting else None,
    )


def summarise(
    timings: list[Timing], *, by: str, names: Callable[[Iterable[int]], dict[int, str]]
) -> tuple[list[Summary], Summary]:
    """One summary per group (sorted by name) and the total over all of them."""
    grouped: dict[int | None, list[Timing]] = defaultdict(list)
    for t in timings:
        grouped[t.groups.get(by)].append(t)
    labels = names([k for k in grouped if k is not None])
    rows = [
        _summary(key, labels.get(key, "未指定") if key is not None else "未指定", items)
        for key, items in grouped.items()
    ]
    rows.sort(key=lambda s: (s.key is None, s.name))
    return rows, _summary(None, "合计", timings)
