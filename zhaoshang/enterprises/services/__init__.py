"""Writes on the enterprise library, by topic; everything importable from here as before."""

from .enterprises import (
    DETAIL_FIELDS,
    clean_division_code,
    clean_uscc,
    enterprise_create,
    enterprise_update,
)
from .outreach import enterprise_contact_rules_set, may_set_contact_rules
from .records import (
    PHONE_PERMISSION,
    can_reveal_contacts,
    contact_create,
    contact_delete,
    contact_reveal,
    contact_snapshot,
    contact_update,
    placement_decide,
    relation_create,
    relation_delete,
    signal_create,
    signal_delete,
)
from .targets import (
    is_curator,
    target_entry_create,
    target_entry_delete,
    target_entry_update,
)

__all__ = [
    "DETAIL_FIELDS",
    "PHONE_PERMISSION",
    "can_reveal_contacts",
    "clean_division_code",
    "clean_uscc",
    "contact_create",
    "contact_delete",
    "contact_reveal",
    "contact_snapshot",
    "contact_update",
    "enterprise_contact_rules_set",
    "enterprise_create",
    "enterprise_update",
    "is_curator",
    "may_set_contact_rules",
    "placement_decide",
    "relation_create",
    "relation_delete",
    "signal_create",
    "signal_delete",
    "target_entry_create",
    "target_entry_delete",
    "target_entry_update",
]
