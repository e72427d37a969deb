"""The audit matrix's calls (`test_service_audit.CALLS`) for the outreach writes (#12): visits,
their steps, the conflict window, the enterprise's 请勿打扰 set by the city, trips and events."""

from __future__ import annotations

import datetime as dt

S = "zhaoshang.{}.{}".format
CREATE, UPDATE = (True, False), (True, True)


def _visits():
    from zhaoshang.activities import services

    return services


def _visit(w, **fields):
    """A visit of linqing's to the world's enterprise (done today unless said otherwise)."""
    s = _visits()
    fields.setdefault("status", "done")
    if fields["status"] == "done":
        fields.setdefault("outcome", "advancing")
    fields.setdefault("date", w.today)
    return s.visit_create(
        actor=w.unit, enterprises=[w.enterprise],
        participants=[s.ParticipantInput(name="王科长")], **fields,
    )  # fmt: skip


def _trip(w):
    s = _visits()
    return s.trip_create(
        actor=w.unit, starts_on=w.today, ends_on=w.today, cities="深圳",
        participants=[s.MemberInput(name="王县长", level="county_main", leads=True)],
    )  # fmt: skip


def _event(w):
    return _visits().event_create(
        actor=w.unit, name="轴承产业推介会", kind="promotion", date=w.today, place="深圳"
    )


def _planned(w):
    return _visit(w, status="planned", date=w.today + dt.timedelta(days=3))


ACTIVITIES_CALLS = {
    S("activities.services.visits", "visit_create"): (
        lambda w: (w.enterprise, lambda: _visit(w))[1], "create", CREATE,
    ),
    S("activities.services.visits", "visit_update"): (
        lambda w: (lambda v: lambda: _visits().visit_update(
            actor=w.unit, visit=v, notes="谈了配套"))(_visit(w)), "update", UPDATE,
    ),
    S("activities.services.visits", "visit_complete"): (
        lambda w: (lambda v: lambda: _visits().visit_complete(
            actor=w.unit, visit=v, outcome="intent"))(_planned(w)), "update", UPDATE,
    ),
    S("activities.services.visits", "visit_cancel"): (
        lambda w: (lambda v: lambda: _visits().visit_cancel(
            actor=w.unit, visit=v, reason="企业临时有会"))(_planned(w)), "update", UPDATE,
    ),
    S("activities.services.visits", "visit_join"): (
        lambda w: (lambda v: lambda: _visits().visit_join(actor=w.city, visit=v))(_visit(w)),
        "update", UPDATE,
    ),
    # The project's own create entry, then the visit's (it now names its lead).
    S("activities.services.visits", "visit_create_lead"): (
        lambda w: (lambda v: lambda: _visits().visit_create_lead(
            actor=w.unit, visit=v, enterprise=w.enterprise))(_visit(w)), ("create", "update"),
        UPDATE,
    ),
    S("activities.services.visits", "visit_rules_update"): (
        lambda w: lambda: _visits().visit_rules_update(actor=w.city, conflict_days=10),
        "create", CREATE,
    ),
    S("enterprises.services.outreach", "enterprise_contact_rules_set"): (
        lambda w: (w.enterprise, lambda: __import__(
            "zhaoshang.enterprises.services", fromlist=["x"]).enterprise_contact_rules_set(
            actor=w.city, enterprise=w.enterprise, do_not_disturb=True,
            contact_preference="请先联系市投资促进局"))[1], "update", UPDATE,
    ),
    S("activities.services.trips", "trip_create"): (
        lambda w: lambda: _trip(w), "create", CREATE,
    ),
    S("activities.services.trips", "trip_update"): (
        lambda w: (lambda t: lambda: _visits().trip_update(
            actor=w.unit, trip=t, purpose="对接配套"))(_trip(w)), "update", UPDATE,
    ),
    S("activities.services.trips", "event_create"): (
        lambda w: lambda: _event(w), "create", CREATE,
    ),
    S("activities.services.trips", "event_update"): (
        lambda w: (lambda e: lambda: _visits().event_update(
            actor=w.unit, event=e, place="广州"))(_event(w)), "update", UPDATE,
    ),
}  # fmt: skip
