"""Pages of outbound trips (外出招商), events (推介会 …) and campaigns' results (会战): lists with
their filters, phone-sized entry and edit forms (versioned), details, within the user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import CountedPaginator, require_model_permission
from zhaoshang.core.permissions import Scope, has_model_permission, restrict
from zhaoshang.projects.models import Campaign

from . import selectors, services
from .forms import EventForm, TripForm, event_initial, trip_initial
from .models import Event, LeaderLevel, Trip, Visit

PAGE_SIZE = 20


def _may_change(user: Any, record: Trip | Event) -> bool:
    return has_model_permission(user, "change", type(record)) and (
        getattr(user, "scope", None) == Scope.ALL or record.unit_id == user.unit_id
    )


# --- 外出招商 ---------------------------------------------------------------------------------------


@login_required
@require_GET
def trip_list(request: HttpRequest) -> HttpResponse:
    """外出招商：本人范围内的外出招商，按单位、月份、人员级别、会战筛选；每次外出计领导人次。"""
    require_model_permission(request.user, "view", Trip)
    filterset = selectors.trips_for(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else Trip.objects.none()
    page = CountedPaginator(rows, PAGE_SIZE, count=rows.count()).get_page(request.GET.get("page"))
    for trip in page:
        trip.person_times = sum(1 for p in trip.participants.all() if p.level != LeaderLevel.STAFF)
    context = {
        "filterset": filterset,
        "page": page,
        "can_add": has_model_permission(request.user, "add", Trip),
    }
    return render(request, "activities/trip_list.html", context)


def _trip_save(request: HttpRequest, form: TripForm, trip: Trip | None) -> Trip | None:
    data = form.cleaned_data
    try:
        if trip is None:
            return services.trip_create(
                actor=request.user, participants=form.members(),
                projects=list(data.get("projects") or []), **form.service_fields(),
            )  # fmt: skip
        return services.trip_update(
            actor=request.user, trip=trip, version=data.get("version"),
            participants=form.members(), projects=list(data.get("projects") or []),
            **form.service_fields(),
        )  # fmt: skip
    except ValidationError as exc:
        htmx.apply_service_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def trip_create(request: HttpRequest) -> HttpResponse:
    """登记外出招商（手机可用）：代表团人员与级别、带队领导、日期、城市、推进的项目。"""
    require_model_permission(request.user, "add", Trip)
    me = getattr(request.user, "display_name", "") or request.user.username
    today = timezone.localdate()
    initial: dict[str, Any] = {"starts_on": today, "ends_on": today, "participant_0_name": me}
    if getattr(request.user, "scope", None) == Scope.ALL:
        initial["unit"] = request.user.unit
    form = TripForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        trip = _trip_save(request, form, None)
        if trip is not None:
            messages.success(request, f"外出招商已保存：{trip}")
            return redirect("activities:trip-detail", pk=trip.pk)
    return render(request, "activities/trip_form.html", {"form": form, "trip": None})


@login_required
@require_http_methods(["GET", "POST"])
def trip_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改外出招商：带版本号，他人已修改时不覆盖。"""
    require_model_permission(request.user, "change", Trip)
    trip = selectors.trip_get(user=request.user, pk=pk, action="change")
    form = TripForm(request.POST or None, user=request.user, initial=trip_initial(trip),
                    version=version_of(trip))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        saved = _trip_save(request, form, trip)
        if saved is not None:
            messages.success(request, f"外出招商已修改：{saved}")
            return redirect("activities:trip-detail", pk=saved.pk)
    return render(request, "activities/trip_form.html", {"form": form, "trip": trip})


@login_required
@require_GET
def trip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """外出招商详情：人员（带队领导）、城市、途中的拜访、推进的项目。"""
    require_model_permission(request.user, "view", Trip)
    trip = selectors.trip_get(user=request.user, pk=pk)
    context = {
        "trip": trip,
        "person_times": sum(1 for p in trip.participants.all() if p.level != LeaderLevel.STAFF),
        "visits": selectors.visible_visits(user=request.user).filter(trip=trip),
        "projects": restrict(trip.projects.all(), request.user, "view").order_by("name"),
        "can_change": _may_change(request.user, trip),
    }
    return render(request, "activities/trip_detail.html", context)


# --- 集中活动 ---------------------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """集中活动：推介会、招商周、展会、签约仪式、下午茶、企业家沙龙，按单位、月份、类型筛选。"""
    require_model_permission(request.user, "view", Event)
    filterset = selectors.events_for(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else Event.objects.none()
    page = CountedPaginator(rows, PAGE_SIZE, count=rows.count()).get_page(request.GET.get("page"))
    for event in page:
        event.signings, event.contracted_total = selectors.event_signings(event)
    context = {
        "filterset": filterset,
        "page": page,
        "can_add": has_model_permission(request.user, "add", Event),
    }
    return render(request, "activities/event_list.html", context)


def _event_save(request: HttpRequest, form: EventForm, event: Event | None) -> Event | None:
    data = form.cleaned_data
    common = dict(
        participants=form.members(),
        enterprises=list(data.get("enterprises") or []),
        projects_signed=list(data.get("projects_signed") or []),
    )
    try:
        if event is None:
            return services.event_create(actor=request.user, **form.service_fields(), **common)
        return services.event_update(
            actor=request.user, event=event, version=data.get("version"),
            **form.service_fields(), **common,
        )  # fmt: skip
    except ValidationError as exc:
        htmx.apply_service_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """登记集中活动（手机可用）：参会企业与人员、现场签约项目（合同投资取自项目）。"""
    require_model_permission(request.user, "add", Event)
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if getattr(request.user, "scope", None) == Scope.ALL:
        initial["unit"] = request.user.unit
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = _event_save(request, form, None)
        if event is not None:
            messages.success(request, f"活动已保存：{event.name}")
            return redirect("activities:event-detail", pk=event.pk)
    return render(request, "activities/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改集中活动：带版本号，他人已修改时不覆盖。"""
    require_model_permission(request.user, "change", Event)
    event = selectors.event_get(user=request.user, pk=pk, action="change")
    form = EventForm(request.POST or None, user=request.user, initial=event_initial(event),
                     version=version_of(event))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        saved = _event_save(request, form, event)
        if saved is not None:
            messages.success(request, f"活动已修改：{saved.name}")
            return redirect("activities:event-detail", pk=saved.pk)
    return render(request, "activities/event_form.html", {"form": form, "event": event})


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """活动详情：参会企业与人员、现场签约项目及其合同投资。"""
    require_model_permission(request.user, "view", Event)
    event = selectors.event_get(user=request.user, pk=pk)
    signings, total = selectors.event_signings(event)
    context = {
        "event": event,
        "signings": signings,
        "contracted_total": total,
        "can_change": _may_change(request.user, event),
    }
    return render(request, "activities/event_detail.html", context)


# --- 招商会战 ----------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """招商会战成效：每个会战在本人范围内的拜访、外出、活动、线索、签约与到位资金。"""
    require_model_permission(request.user, "view", Visit)
    campaigns = Campaign.objects.restrict(request.user, "view").order_by("-year", "name")
    rows = [(c, selectors.campaign_results(request.user, c)) for c in campaigns]
    return render(request, "activities/campaign_list.html", {"rows": rows})


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """一个会战的成效（本人范围内），并列出引用它的拜访、外出招商与活动。"""
    require_model_permission(request.user, "view", Visit)
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, "view"), pk=pk)
    user = request.user
    context = {
        "campaign": campaign,
        "results": selectors.campaign_results(user, campaign),
        "visits": selectors.visible_visits(user=user).filter(campaign=campaign)[:PAGE_SIZE],
        "trips": selectors.visible_trips(user=user).filter(campaign=campaign)[:PAGE_SIZE],
        "events": selectors.visible_events(user=user).filter(campaign=campaign)[:PAGE_SIZE],
    }
    return render(request, "activities/campaign_detail.html", context)
