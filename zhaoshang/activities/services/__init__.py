"""Writes of the outreach records (#12), by topic; everything importable from here."""

from .conflicts import (
    ACKNOWLEDGE_FIELD,
    Conflict,
    ConflictsNotAcknowledged,
    visit_conflicts,
)
from .trips import MemberInput, event_create, event_update, trip_create, trip_update
from .visits import (
    ParticipantInput,
    visit_cancel,
    visit_complete,
    visit_create,
    visit_create_lead,
    visit_join,
    visit_rules_update,
    visit_update,
)

__all__ = [
    "ACKNOWLEDGE_FIELD",
    "Conflict",
    "ConflictsNotAcknowledged",
    "MemberInput",
    "ParticipantInput",
    "event_create",
    "event_update",
    "trip_create",
    "trip_update",
    "visit_cancel",
    "visit_complete",
    "visit_conflicts",
    "visit_create",
    "visit_create_lead",
    "visit_join",
    "visit_rules_update",
    "visit_update",
]
