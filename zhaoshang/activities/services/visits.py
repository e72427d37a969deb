"""Writes of visits (登门拜访): create, edit, complete a planned one, cancel it, join another
unit's, and turn a visit into a lead (a project at 线索, 登门招商).

Each is keyword-only, checks permission and input (Chinese errors keyed by field), writes in one
transaction with its audit entry, and is versioned where it edits (`core.concurrency`). A visit
that crowds an enterprise (`conflicts`) is saved only with `acknowledge_conflicts=True`, and the
audit entry keeps the warnings that were acknowledged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core import audit, masking
from zhaoshang.core.closing import ensure_open
from zhaoshang.core.concurrency import check_version
from zhaoshang.core.models import AuditAction
from zhaoshang.core.permissions import has_model_permission, require, restrict
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import AttractionMode, Campaign, Project
from zhaoshang.projects.services import project_create
from zhaoshang.projects.services.photos import PHOTO_MAX_COUNT, check_photos, store_photos

from ..models import (
    LIVE_STATUSES,
    LeaderLevel,
    Organisation,
    OrganisationKind,
    Trip,
    Visit,
    VisitEnterprise,
    VisitOutcome,
    VisitParticipant,
    VisitPhoto,
    VisitRules,
    VisitStatus,
)
from .conflicts import Conflict, ConflictsNotAcknowledged, visit_conflicts

VISIT_PHOTOS_TOO_MANY = f"每次拜访最多{PHOTO_MAX_COUNT}张照片"
PARTICIPANTS_MAX = 30
EARLIEST = dt.date(2000, 1, 1)  # a visit dated before is a typing error
PLAN_AHEAD = dt.timedelta(days=730)  # planned at most two years ahead
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]{5,20}$")

# Scalar fields a person types; the rest is derived or set by a step.
EDITABLE_FIELDS = (
    "date", "unit", "organisation", "city", "outbound", "purpose", "outcome", "notes",
    "follow_up_on", "met_name", "met_phone", "campaign", "trip",
)  # fmt: skip
LIMITS = {"city": 50, "purpose": 300, "notes": 4000, "met_name": 50}


@dataclass(frozen=True)
class ParticipantInput:
    """One person who went: a platform user or a typed name, and their level."""

    name: str
    level: str = LeaderLevel.STAFF
    user: Any = None


# --- checks ----------------------------------------------------------------------------------


def _participants(items: Sequence[ParticipantInput], errors: dict[str, list[str]]) -> list:
    cleaned = []
    for item in items:
        name = (item.name or "").strip() or (
            (getattr(item.user, "display_name", "") or getattr(item.user, "username", ""))
            if item.user is not None
            else ""
        )
        if not name and item.user is None:
            continue  # an empty row of the form
        if item.level not in LeaderLevel.values:
            errors.setdefault("participants", []).append(f"{name}：请选择级别")
            continue
        cleaned.append(ParticipantInput(name=name[:50], level=item.level, user=item.user))
    if not cleaned:
        errors.setdefault("participants", []).append("请至少填写一名拜访人员")
    elif len(cleaned) > PARTICIPANTS_MAX:
        errors.setdefault("participants", []).append(f"拜访人员最多{PARTICIPANTS_MAX}名")
    return cleaned


def _validate(
    visit: Visit,
    *,
    actor: Any,
    enterprises: list[Enterprise],
    projects: list[Project],
    date_moved: bool,
    errors: dict[str, list[str]],
) -> None:
    today = timezone.localdate()
    if visit.date is None:
        errors.setdefault("date", []).append("请填写拜访日期")
    elif not EARLIEST <= visit.date <= today + PLAN_AHEAD:
        errors.setdefault("date", []).append(
            f"拜访日期应在 {EARLIEST:%Y-%m-%d} 至 {today + PLAN_AHEAD:%Y-%m-%d} 之间"
        )
    elif visit.status == VisitStatus.DONE and visit.date > today:
        errors.setdefault("date", []).append("已拜访的日期不能晚于今天；尚未成行请选择“计划”")
    elif visit.status == VisitStatus.PLANNED and date_moved and visit.date < today:
        errors.setdefault("date", []).append("计划拜访的日期不能早于今天")
    if visit.status == VisitStatus.DONE and visit.outcome not in VisitOutcome.values:
        errors.setdefault("outcome", []).append("请选择拜访成效")
    elif visit.outcome and visit.outcome not in VisitOutcome.values:
        errors.setdefault("outcome", []).append("拜访成效不正确")
    if not enterprises and visit.organisation is None:
        errors.setdefault("enterprises", []).append("请选择拜访的企业，或登记商协会/机构")
    for name, limit in LIMITS.items():
        value = (getattr(visit, name) or "").strip()
        setattr(visit, name, value)
        if len(value) > limit:
            errors.setdefault(name, []).append(f"不能超过{limit}个字")
    if visit.outbound and not visit.city:
        errors.setdefault("city", []).append("外出拜访请填写拜访城市")
    if visit.follow_up_on and visit.date and visit.follow_up_on < visit.date:
        errors.setdefault("follow_up_on", []).append("下次跟进日期不能早于拜访日期")
    phone = (visit.met_phone or "").strip()
    visit.met_phone = phone
    if phone and not PHONE_PATTERN.match(phone):
        errors.setdefault("met_phone", []).append("电话号码格式不正确")
    if projects:
        mine = set(
            restrict(Project.objects.all(), actor, "view")
            .filter(pk__in=[p.pk for p in projects])
            .values_list("pk", flat=True)
        )
        if any(p.pk not in mine for p in projects):
            errors.setdefault("projects", []).append("所选项目不在您的范围内")
    if visit.campaign is not None and not isinstance(visit.campaign, Campaign):
        errors.setdefault("campaign", []).append("请选择招商会战")
    if visit.trip is not None and visit.trip.unit_id != visit.unit_id:
        errors.setdefault("trip", []).append("只能选择本单位的外出招商")


def _check_unit(actor: Any, unit: Unit | None, action: str) -> None:
    """The unit the visit is counted for must be the actor's to write (the city: any)."""
    require(actor, action, Visit)
    if unit is None:
        raise ValidationError({"unit": ["请选择单位"]})
    require(actor, action, Visit(unit=unit))


def _conflicts_or_raise(
    *,
    actor: Any,
    visit: Visit,
    enterprises: list[Enterprise],
    acknowledge: bool,
    errors: dict[str, list[str]],
) -> list[Conflict]:
    conflicts: list[Conflict] = []
    if visit.status in LIVE_STATUSES and visit.date is not None and visit.unit_id:
        conflicts = visit_conflicts(
            user=actor,
            unit_id=visit.unit_id,
            on=visit.date,
            enterprises=enterprises,
            exclude_visit_id=visit.pk,
        )
    if conflicts and not acknowledge:
        exc = ConflictsNotAcknowledged(conflicts)
        if errors:
            merged = {**errors, **exc.message_dict}
            error = ValidationError(merged, code="conflict")
            error.conflicts = conflicts  # type: ignore[attr-defined]
            raise error
        raise exc
    if errors:
        raise ValidationError(errors)
    return conflicts


def _ack_note(conflicts: list[Conflict]) -> str:
    if not conflicts:
        return ""
    return "已确认提示：" + "；".join(c.message for c in conflicts)


def _after(visit: Visit) -> dict[str, Any]:
    data = audit.snapshot(visit) or {}
    data["participants"] = [
        f"{p.name}（{p.get_level_display()}）" for p in visit.participants.order_by("id")
    ]
    data["photos"] = [f"{p.original_name} {p.sha256}" for p in visit.photos.order_by("id")]
    return data


def _organisation(
    *, actor: Any, name: str, kind: str, city: str, errors: dict[str, list[str]]
) -> Organisation | None:
    """The registered organisation of that name and city, or a new one to create (unsaved)."""
    name, city = (name or "").strip(), (city or "").strip()
    if not name:
        return None
    if len(name) > 200:
        errors.setdefault("organisation_name", []).append("不能超过200个字")
        return None
    found = Organisation.objects.filter(name=name, city=city).first()
    if found is not None:
        return found
    if kind not in OrganisationKind.values:
        errors.setdefault("organisation_kind", []).append("请选择商协会/机构的类型")
        return None
    if not has_model_permission(actor, "add", Organisation):
        raise PermissionDenied("没有登记商协会/机构的权限")
    return Organisation(name=name, kind=kind, city=city[:50], created_by=actor)


def _save_organisation(actor: Any, visit: Visit) -> None:
    org = visit.organisation
    if org is not None and org.pk is None:
        org.save()
        audit.record_create(actor=actor, obj=org)
        visit.organisation = org


# --- create and edit ------------------------------------------------------------------------------


def visit_create(
    *,
    actor: Any,
    date: dt.date | None,
    participants: Sequence[ParticipantInput],
    enterprises: Iterable[Enterprise] = (),
    organisation: Organisation | None = None,
    organisation_name: str = "",
    organisation_kind: str = "",
    organisation_city: str = "",
    unit: Unit | None = None,
    status: str = VisitStatus.DONE,
    city: str = "",
    outbound: bool = False,
    purpose: str = "",
    outcome: str = "",
    notes: str = "",
    follow_up_on: dt.date | None = None,
    met_name: str = "",
    met_phone: str = "",
    projects: Iterable[Project] = (),
    campaign: Campaign | None = None,
    trip: Trip | None = None,
    photos: Sequence[File] = (),
    acknowledge_conflicts: bool = False,
) -> Visit:
    """Record a visit (done) or plan one (the calendar) for the actor's unit (the city: any)."""
    unit = unit or getattr(actor, "unit", None)
    _check_unit(actor, unit, "add")
    if status not in LIVE_STATUSES:
        raise ValidationError({"status": ["请选择“已拜访”或“计划”"]})
    errors: dict[str, list[str]] = {}
    enterprises, projects = list(dict.fromkeys(enterprises)), list(dict.fromkeys(projects))
    if organisation is None:
        organisation = _organisation(
            actor=actor, name=organisation_name, kind=organisation_kind,
            city=organisation_city, errors=errors,
        )  # fmt: skip
    visit = Visit(
        date=date, unit=unit, status=status, organisation=organisation, city=city,
        outbound=bool(outbound), purpose=purpose, outcome=outcome or "", notes=notes,
        follow_up_on=follow_up_on, met_name=met_name, met_phone=met_phone, campaign=campaign,
        trip=trip, created_by=actor,
    )  # fmt: skip
    people = _participants(participants, errors)
    _validate(visit, actor=actor, enterprises=enterprises, projects=projects, date_moved=True,
              errors=errors)  # fmt: skip
    try:
        checked = check_photos(photos, too_many=VISIT_PHOTOS_TOO_MANY)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        checked = []
    if visit.status == VisitStatus.DONE and visit.date and "date" not in errors:
        try:
            ensure_open(visit.date, field="date")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    conflicts = _conflicts_or_raise(
        actor=actor, visit=visit, enterprises=enterprises,
        acknowledge=acknowledge_conflicts, errors=errors,
    )  # fmt: skip
    saved: list[VisitPhoto] = []
    try:
        with transaction.atomic():
            _save_organisation(actor, visit)
            visit.save()
            VisitEnterprise.objects.bulk_create(
                [VisitEnterprise(visit=visit, enterprise=e) for e in enterprises]
            )
            visit.projects.set(projects)
            VisitParticipant.objects.bulk_create(
                [VisitParticipant(visit=visit, user=p.user, name=p.name, level=p.level)
                 for p in people]
            )  # fmt: skip
            saved = store_photos(VisitPhoto, checked, actor=actor, visit=visit)
            audit.record(actor=actor, action=AuditAction.CREATE, obj=visit,
                         after=_after(visit), note=_ack_note(conflicts))  # fmt: skip
    except BaseException:
        for row in saved:
            row.file.delete(save=False)
        raise
    visit.acknowledged_conflicts = conflicts  # what the writer saw and acknowledged
    return visit


def _locked(visit: Visit, version: Any, submitted: dict[str, Any] | None = None) -> Visit:
    fresh = Visit.objects.select_for_update().get(pk=visit.pk)
    check_version(fresh, version, submitted=submitted)
    return fresh


def visit_update(
    *,
    actor: Any,
    visit: Visit,
    version: str | Iterable[str] | None = None,
    participants: Sequence[ParticipantInput] | None = None,
    enterprises: Iterable[Enterprise] | None = None,
    projects: Iterable[Project] | None = None,
    photos: Sequence[File] = (),
    acknowledge_conflicts: bool = False,
    **changes: Any,
) -> Visit:
    """Edit a planned or done visit (not a cancelled one); conflicts are checked again when its
    date, unit or enterprises change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require(actor, "change", visit)
    if "met_phone" in changes and masking.is_masked(
        masking.PHONE, changes["met_phone"], visit.met_phone
    ):
        changes["met_phone"] = visit.met_phone  # the masked number sent back: unchanged
    saved: list[VisitPhoto] = []
    try:
        with transaction.atomic():
            visit = _locked(visit, version, changes)
            require(actor, "change", visit)
            if visit.status == VisitStatus.CANCELLED:
                raise ValidationError({"status": ["已取消的拜访不能修改"]})
            if "unit" in changes:
                _check_unit(actor, changes["unit"], "change")
            before = _after(visit)
            old_enterprises = sorted(visit.enterprises.values_list("pk", flat=True))
            old_date, old_unit = visit.date, visit.unit_id
            for name, value in changes.items():
                setattr(visit, name, value)
            errors: dict[str, list[str]] = {}
            chosen = (
                list(dict.fromkeys(enterprises))
                if enterprises is not None
                else list(visit.enterprises.all())
            )
            linked = list(dict.fromkeys(projects)) if projects is not None else []
            people = _participants(participants, errors) if participants is not None else None
            _validate(visit, actor=actor, enterprises=chosen, projects=linked,
                      date_moved=visit.date != old_date, errors=errors)  # fmt: skip
            try:
                checked = check_photos(
                    photos, existing=visit.photos.count(), too_many=VISIT_PHOTOS_TOO_MANY
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
                checked = []
            if visit.status == VisitStatus.DONE and visit.date and "date" not in errors:
                for day in {visit.date, old_date}:
                    try:
                        ensure_open(day, field="date")
                    except ValidationError as exc:
                        errors.update(exc.message_dict)
            moved = (
                visit.date != old_date
                or visit.unit_id != old_unit
                or sorted(e.pk for e in chosen) != old_enterprises
            )
            if moved:
                conflicts = _conflicts_or_raise(
                    actor=actor, visit=visit, enterprises=chosen,
                    acknowledge=acknowledge_conflicts, errors=errors,
                )  # fmt: skip
            elif errors:
                raise ValidationError(errors)
            else:
                conflicts = []
            _save_organisation(actor, visit)
            visit.save()
            if enterprises is not None:
                VisitEnterprise.objects.filter(visit=visit).exclude(enterprise__in=chosen).delete()
                have = set(VisitEnterprise.objects.filter(visit=visit).values_list(
                    "enterprise_id", flat=True))  # fmt: skip
                VisitEnterprise.objects.bulk_create(
                    [VisitEnterprise(visit=visit, enterprise=e) for e in chosen if e.pk not in have]
                )
            if projects is not None:
                visit.projects.set(linked)
            if people is not None:
                visit.participants.all().delete()
                VisitParticipant.objects.bulk_create(
                    [VisitParticipant(visit=visit, user=p.user, name=p.name, level=p.level)
                     for p in people]
                )  # fmt: skip
            saved = store_photos(VisitPhoto, checked, actor=actor, visit=visit)
            note = "；".join(
                n for n in (_ack_note(conflicts),
                            masking.masked_changes(visit, {"met_phone": before.get("met_phone")},
                                                   before, audit.snapshot(visit)))
                if n
            )  # fmt: skip
            audit.record(actor=actor, action=AuditAction.UPDATE, obj=visit, before=before,
                         after=_after(visit), note=note)  # fmt: skip
    except BaseException:
        for row in saved:
            row.file.delete(save=False)
        raise
    visit.acknowledged_conflicts = conflicts
    return visit


# --- steps ---------------------------------------------------------------------------------------


def visit_complete(
    *,
    actor: Any,
    visit: Visit,
    outcome: str,
    version: str | Iterable[str] | None = None,
    date: dt.date | None = None,
    notes: str | None = None,
    follow_up_on: dt.date | None = None,
) -> Visit:
    """A planned visit made: its date (the planned one, or today if that is still ahead), its
    outcome and notes."""
    require(actor, "change", visit)
    today = timezone.localdate()
    with transaction.atomic():
        visit = _locked(visit, version)
        require(actor, "change", visit)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError({"status": ["只有计划中的拜访可以登记为已拜访"]})
        before = _after(visit)
        visit.date = date or min(visit.date, today)
        visit.status = VisitStatus.DONE
        visit.outcome = outcome or ""
        if notes is not None:
            visit.notes = notes
        if follow_up_on is not None:
            visit.follow_up_on = follow_up_on
        errors: dict[str, list[str]] = {}
        _validate(visit, actor=actor, enterprises=list(visit.enterprises.all()), projects=[],
                  date_moved=True, errors=errors)  # fmt: skip
        if not errors.get("date"):
            try:
                ensure_open(visit.date, field="date")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        visit.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=visit, before=before,
                     after=_after(visit), note="登记为已拜访")  # fmt: skip
    return visit


def visit_cancel(
    *, actor: Any, visit: Visit, reason: str, version: str | Iterable[str] | None = None
) -> Visit:
    """Cancel a planned visit (kept, with its reason; it no longer counts nor conflicts)."""
    require(actor, "change", visit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写取消原因"]})
    if len(reason) > 300:
        raise ValidationError({"reason": ["不能超过300个字"]})
    with transaction.atomic():
        visit = _locked(visit, version)
        require(actor, "change", visit)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError({"status": ["只有计划中的拜访可以取消"]})
        before = _after(visit)
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = reason
        visit.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=visit, before=before,
                     after=_after(visit), note=f"取消：{reason}")  # fmt: skip
    return visit


def visit_join(*, actor: Any, visit: Visit, level: str = LeaderLevel.STAFF) -> Visit:
    """Join a visit the actor may see instead of making a second one (the conflict's offer):
    the actor becomes one of its participants."""
    if not has_model_permission(actor, "add", Visit):
        raise PermissionDenied("没有登记拜访的权限")
    if not restrict(Visit.objects.all(), actor, "view").filter(pk=visit.pk).exists():
        raise PermissionDenied("无权查看此拜访")
    if level not in LeaderLevel.values:
        raise ValidationError({"level": ["请选择级别"]})
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.status not in LIVE_STATUSES:
            raise ValidationError({"status": ["此拜访已取消，不能加入"]})
        if visit.participants.filter(user_id=actor.pk).exists():
            raise ValidationError({"participants": ["您已在此次拜访的人员中"]})
        before = _after(visit)
        name = getattr(actor, "display_name", "") or actor.username
        VisitParticipant.objects.create(visit=visit, user=actor, name=name[:50], level=level)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=visit, before=before,
                     after=_after(visit), note=f"{name}加入此次拜访")  # fmt: skip
    return visit


def visit_create_lead(
    *,
    actor: Any,
    visit: Visit,
    enterprise: Enterprise,
    name: str = "",
    total_investment_wan: Decimal = Decimal("0"),
    duplicate_reason: str = "",
) -> Project:
    """One click from a visit to a lead: a project at 线索 in the visit's unit, the enterprise as
    investor, mode 登门招商, dated the visit's day, through the projects' own create service."""
    require(actor, "change", visit)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        require(actor, "change", visit)
        if visit.status != VisitStatus.DONE:
            raise ValidationError({"status": ["拜访完成后才能生成线索"]})
        if visit.lead_id is not None:
            raise ValidationError({"lead": ["此次拜访已生成线索"]})
        if not visit.visit_enterprises.filter(enterprise=enterprise).exists():
            raise ValidationError({"enterprise": ["请选择此次拜访的企业"]})
        before = _after(visit)
        project = project_create(
            actor=actor,
            investors=[enterprise],
            duplicate_reason=duplicate_reason,
            lead_on=visit.date,
            name=(name or "").strip() or f"{enterprise.name}投资项目",
            unit=visit.unit,
            attraction_mode=AttractionMode.DOOR_TO_DOOR,
            campaign=visit.campaign,
            total_investment_wan=total_investment_wan,
            description=f"{visit.date:%Y-%m-%d} 登门拜访：{visit.purpose or visit.notes}"[:4000],
        )
        visit.lead = project
        visit.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=visit, before=before,
                     after=_after(visit), note=f"生成线索：{project.name}")  # fmt: skip
    return project


# --- the city's rules ---------------------------------------------------------------------------


def visit_rules_update(
    *, actor: Any, conflict_days: int, version: str | Iterable[str] | None = None
) -> VisitRules:
    """Change the conflict window (one row, created on first edit); audited."""
    require(actor, "change", VisitRules)
    if not isinstance(conflict_days, int) or not 1 <= conflict_days <= 90:
        raise ValidationError({"conflict_days": ["请填写 1～90 之间的天数"]})
    with transaction.atomic():
        rules = VisitRules.objects.select_for_update().order_by("pk").first()
        check_version(rules, version, submitted={"conflict_days": conflict_days})
        created = rules is None
        rules = rules or VisitRules()
        before = None if created else audit.snapshot(rules)
        rules.conflict_days = conflict_days
        rules.save()
        if created:
            audit.record_create(actor=actor, obj=rules)
        else:
            audit.record_update(actor=actor, obj=rules, before=before)
    return rules
