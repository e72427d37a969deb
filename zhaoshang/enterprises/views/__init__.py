"""Pages of the enterprise library, by topic."""

from ..selectors import division_label
from .enterprises import (
    PAGE_SIZE,
    division_lookup,
    enterprise_contact_rules,
    enterprise_create_view,
    enterprise_detail,
    enterprise_edit,
    enterprise_export,
    enterprise_list,
)
from .imports import import_confirm, import_job, import_progress, import_template, import_upload
from .records import (
    contact_create_view,
    contact_edit_view,
    contact_reveal_view,
    placement_view,
    relation_create_view,
    relation_delete_view,
    signal_create_view,
    signal_delete_view,
)
from .targets import target_create, target_delete, target_edit, target_list

__all__ = [
    "PAGE_SIZE",
    "contact_create_view",
    "contact_edit_view",
    "contact_reveal_view",
    "division_label",
    "division_lookup",
    "enterprise_contact_rules",
    "enterprise_create_view",
    "enterprise_detail",
    "enterprise_edit",
    "enterprise_export",
    "enterprise_list",
    "import_confirm",
    "import_job",
    "import_progress",
    "import_template",
    "import_upload",
    "placement_view",
    "relation_create_view",
    "relation_delete_view",
    "signal_create_view",
    "signal_delete_view",
    "target_create",
    "target_delete",
    "target_edit",
    "target_list",
]
