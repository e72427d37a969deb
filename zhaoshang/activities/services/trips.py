"""Writes of outbound trips (外出招商) and events (推介会 …): create and edit.

Each is keyword-only, checks permission and input (Chinese errors keyed by field), writes in one
transaction with its audit entry, and edits are versioned (`core.concurrency`). A unit writes its
own, the city every unit's. An event lists the projects signed at it; their amounts are the
projects' own contracted investment (nothing typed here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import require, restrict
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import Campaign, Project

from ..models import (
    Event,
    EventKind,
    EventParticipant,
    LeaderLevel,
    Trip,
    TripParticipant,
)

PARTICIPANTS_MAX = 50
EARLIEST = dt.date(2000, 1, 1)
TRIP_DAYS_MAX = 60
PLAN_AHEAD = dt.timedelta(days=730)

TRIP_FIELDS = ("unit", "starts_on", "ends_on", "cities", "purpose", "notes", "campaign")
TRIP_LIMITS = {"cities": 200, "purpose": 300, "notes": 4000}
EVENT_FIELDS = ("name", "kind", "date", "place", "unit", "outbound", "campaign", "notes")
EVENT_LIMITS = {"name": 200, "place": 200, "notes": 4000}


@dataclass(frozen=True)
class MemberInput:
    """One member of a delegation or one person at an event; `leads` marks a trip's leader."""

    name: str
    level: str = LeaderLevel.STAFF
    user: Any = None
    leads: bool = False


# --- checks ----------------------------------------------------------------------------------


def _members(
    items: Sequence[MemberInput], errors: dict[str, list[str]], *, required: bool
) -> list[MemberInput]:
    cleaned: list[MemberInput] = []
    seen: set[str] = set()
    for item in items:
        name = (item.name or "").strip() or (
            (getattr(item.user, "display_name", "") or getattr(item.user, "username", ""))
            if item.user is not None
            else ""
        )
        if not name:
            continue  # an empty row of the form
        if item.level not in LeaderLevel.values:
            errors.setdefault("participants", []).append(f"{name}：请选择级别")
            continue
        if len(name) > 50:
            errors.setdefault("participants", []).append(f"{name[:10]}…：姓名不能超过50个字")
            continue
        if name in seen:
            errors.setdefault("participants", []).append(f"{name}：重复填写")
            continue
        seen.add(name)
        cleaned.append(
            MemberInput(name=name, level=item.level, user=item.user, leads=bool(item.leads))
        )
    if required and not cleaned:
        errors.setdefault("participants", []).append("请至少填写一名人员")
    elif len(cleaned) > PARTICIPANTS_MAX:
        errors.setdefault("participants", []).append(f"人员最多{PARTICIPANTS_MAX}名")
    return cleaned


def _limits(obj: Any, limits: dict[str, int], errors: dict[str, list[str]]) -> None:
    for name, limit in limits.items():
        value = (getattr(obj, name) or "").strip()
        setattr(obj, name, value)
        if len(value) > limit:
            errors.setdefault(name, []).append(f"不能超过{limit}个字")


def _date_in_range(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> bool:
    today = timezone.localdate()
    if value is None:
        errors.setdefault(field, []).append(f"请填写{label}")
        return False
    if not EARLIEST <= value <= today + PLAN_AHEAD:
        errors.setdefault(field, []).append(
            f"{label}应在 {EARLIEST:%Y-%m-%d} 至 {today + PLAN_AHEAD:%Y-%m-%d} 之间"
        )
        return False
    return True


def _projects_in_scope(
    actor: Any, projects: list[Project], field: str, errors: dict[str, list[str]]
) -> None:
    if not projects:
        return
    mine = set(
        restrict(Project.objects.all(), actor, "view")
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in mine for p in projects):
        errors.setdefault(field, []).append("所选项目不在您的范围内")


def _projects_of_unit(
    unit: Any, projects: list[Project], field: str, errors: dict[str, list[str]]
) -> None:
    """A county's trip or event lists only the county's own projects (its readers would see the
    name and amount of any other); the city's may list any unit's."""
    if not projects or unit is None or unit.is_city:
        return
    others = sorted(p.name for p in projects if p.unit_id != unit.pk)
    if others:
        errors.setdefault(field, []).append(f"只能选择{unit.name}的项目：" + "、".join(others))


def _campaign(obj: Any, errors: dict[str, list[str]]) -> None:
    if obj.campaign is not None and not isinstance(obj.campaign, Campaign):
        errors.setdefault("campaign", []).append("请选择招商会战")


def _check_unit(actor: Any, model: type, unit: Unit | None, action: str) -> None:
    """The unit must be the actor's to write (the city: any)."""
    require(actor, action, model)
    if unit is None:
        raise ValidationError({"unit": ["请选择单位"]})
    require(actor, action, model(unit=unit))


def _validate_trip(
    trip: Trip, *, actor: Any, people: list[MemberInput] | None, projects: list[Project],
    errors: dict[str, list[str]],
) -> None:  # fmt: skip
    starts = _date_in_range(trip.starts_on, "starts_on", "出发日期", errors)
    ends = _date_in_range(trip.ends_on, "ends_on", "返回日期", errors)
    if starts and ends:
        if trip.ends_on < trip.starts_on:
            errors.setdefault("ends_on", []).append("返回日期不能早于出发日期")
        elif (trip.ends_on - trip.starts_on).days >= TRIP_DAYS_MAX:
            errors.setdefault("ends_on", []).append(f"一次外出招商最长{TRIP_DAYS_MAX}天")
    _limits(trip, TRIP_LIMITS, errors)
    if not trip.cities:
        errors.setdefault("cities", []).append("请填写赴访城市")
    if people is not None and "participants" not in errors:
        leaders = [p for p in people if p.leads]
        if len(leaders) != 1:
            errors.setdefault("leader", []).append("请指定一名带队领导")
    _projects_in_scope(actor, projects, "projects", errors)
    _projects_of_unit(trip.unit if trip.unit_id else None, projects, "projects", errors)
    _campaign(trip, errors)


def _validate_event(
    event: Event, *, actor: Any, projects: list[Project], errors: dict[str, list[str]]
) -> None:
    _date_in_range(event.date, "date", "活动日期", errors)
    if event.kind not in EventKind.values:
        errors.setdefault("kind", []).append("请选择活动类型")
    _limits(event, EVENT_LIMITS, errors)
    if not event.name:
        errors.setdefault("name", []).append("请填写活动名称")
    if not event.place:
        errors.setdefault("place", []).append("请填写活动地点")
    _projects_in_scope(actor, projects, "projects_signed", errors)
    _projects_of_unit(event.unit if event.unit_id else None, projects, "projects_signed", errors)
    unsigned = list(
        Project.objects.filter(pk__in=[p.pk for p in projects], signed_on__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if unsigned:
        errors.setdefault("projects_signed", []).append(
            "以下项目尚未签约（请先在项目中登记签约及合同投资）：" + "、".join(unsigned)
        )
    _campaign(event, errors)


# --- snapshots for the audit log ------------------------------------------------------------------


def _trip_after(trip: Trip) -> dict[str, Any]:
    data = audit.snapshot(trip) or {}
    data["participants"] = [
        f"{p.name}（{p.get_level_display()}{'，带队' if p.leads else ''}）"
        for p in trip.participants.order_by("id")
    ]
    data["projects"] = sorted(trip.projects.values_list("pk", flat=True))
    return data


def _event_after(event: Event) -> dict[str, Any]:
    data = audit.snapshot(event) or {}
    data["participants"] = [
        f"{p.name}（{p.get_level_display()}）" for p in event.participants.order_by("id")
    ]
    data["enterprises"] = sorted(event.enterprises.values_list("pk", flat=True))
    data["projects_signed"] = sorted(event.projects_signed.values_list("pk", flat=True))
    return data


def _save_trip_people(trip: Trip, people: list[MemberInput]) -> None:
    trip.participants.all().delete()
    TripParticipant.objects.bulk_create(
        [TripParticipant(trip=trip, user=p.user, name=p.name, level=p.level, leads=p.leads)
         for p in people]
    )  # fmt: skip


def _save_event_people(event: Event, people: list[MemberInput]) -> None:
    event.participants.all().delete()
    EventParticipant.objects.bulk_create(
        [EventParticipant(event=event, user=p.user, name=p.name, level=p.level) for p in people]
    )


# --- trips ---------------------------------------------------------------------------------------


def trip_create(
    *,
    actor: Any,
    starts_on: dt.date | None,
    cities: str,
    participants: Sequence[MemberInput],
    ends_on: dt.date | None = None,
    unit: Unit | None = None,
    purpose: str = "",
    notes: str = "",
    projects: Iterable[Project] = (),
    campaign: Campaign | None = None,
) -> Trip:
    """Record an outbound trip of the actor's unit (the city: any unit's)."""
    unit = unit or getattr(actor, "unit", None)
    _check_unit(actor, Trip, unit, "add")
    errors: dict[str, list[str]] = {}
    linked = list(dict.fromkeys(projects))
    trip = Trip(
        unit=unit, starts_on=starts_on, ends_on=ends_on or starts_on, cities=cities or "",
        purpose=purpose or "", notes=notes or "", campaign=campaign, created_by=actor,
    )  # fmt: skip
    people = _members(participants, errors, required=True)
    _validate_trip(trip, actor=actor, people=people, projects=linked, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        trip.save()
        _save_trip_people(trip, people)
        trip.projects.set(linked)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=trip, after=_trip_after(trip))
    return trip


def trip_update(
    *,
    actor: Any,
    trip: Trip,
    version: str | Iterable[str] | None = None,
    participants: Sequence[MemberInput] | None = None,
    projects: Iterable[Project] | None = None,
    **changes: Any,
) -> Trip:
    """Edit a trip: its fields, and (when given) its delegation and projects."""
    unknown = set(changes) - set(TRIP_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require(actor, "change", trip)
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        check_version(trip, version, submitted=changes)
        require(actor, "change", trip)
        if "unit" in changes:
            _check_unit(actor, Trip, changes["unit"], "change")
            if changes["unit"] != trip.unit and trip.visits.exists():
                raise ValidationError({"unit": ["已有拜访记录引用本次外出，不能改到其他单位"]})
        before = _trip_after(trip)
        for name, value in changes.items():
            setattr(trip, name, value)
        errors: dict[str, list[str]] = {}
        people = _members(participants, errors, required=True) if participants is not None else None
        linked = list(dict.fromkeys(projects)) if projects is not None else []
        _validate_trip(trip, actor=actor, people=people, projects=linked, errors=errors)
        if errors:
            raise ValidationError(errors)
        trip.save()
        if people is not None:
            _save_trip_people(trip, people)
        if projects is not None:
            trip.projects.set(linked)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=trip, before=before,
                     after=_trip_after(trip))  # fmt: skip
    return trip


# --- events --------------------------------------------------------------------------------------


def event_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    date: dt.date | None,
    place: str,
    unit: Unit | None = None,
    outbound: bool = False,
    enterprises: Iterable[Enterprise] = (),
    participants: Sequence[MemberInput] = (),
    projects_signed: Iterable[Project] = (),
    campaign: Campaign | None = None,
    notes: str = "",
) -> Event:
    """Record an event the actor's unit organised (the city: any unit's)."""
    unit = unit or getattr(actor, "unit", None)
    _check_unit(actor, Event, unit, "add")
    errors: dict[str, list[str]] = {}
    signed = list(dict.fromkeys(projects_signed))
    chosen = list(dict.fromkeys(enterprises))
    event = Event(
        name=name or "", kind=kind or "", date=date, place=place or "", unit=unit,
        outbound=bool(outbound), campaign=campaign, notes=notes or "", created_by=actor,
    )  # fmt: skip
    people = _members(participants, errors, required=False)
    _validate_event(event, actor=actor, projects=signed, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event.save()
        event.enterprises.set(chosen)
        event.projects_signed.set(signed)
        _save_event_people(event, people)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=event, after=_event_after(event))
    return event


def event_update(
    *,
    actor: Any,
    event: Event,
    version: str | Iterable[str] | None = None,
    participants: Sequence[MemberInput] | None = None,
    enterprises: Iterable[Enterprise] | None = None,
    projects_signed: Iterable[Project] | None = None,
    **changes: Any,
) -> Event:
    """Edit an event: its fields, and (when given) its people, enterprises and signings."""
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require(actor, "change", event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        check_version(event, version, submitted=changes)
        require(actor, "change", event)
        if "unit" in changes:
            _check_unit(actor, Event, changes["unit"], "change")
        before = _event_after(event)
        for name, value in changes.items():
            setattr(event, name, value)
        errors: dict[str, list[str]] = {}
        people = (
            _members(participants, errors, required=False) if participants is not None else None
        )
        signed = list(dict.fromkeys(projects_signed)) if projects_signed is not None else []
        _validate_event(event, actor=actor, projects=signed, errors=errors)
        if errors:
            raise ValidationError(errors)
        event.save()
        if people is not None:
            _save_event_people(event, people)
        if enterprises is not None:
            event.enterprises.set(list(dict.fromkeys(enterprises)))
        if projects_signed is not None:
            event.projects_signed.set(signed)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=event, before=before,
                     after=_event_after(event))  # fmt: skip
    return event
