"""Which audit entries are administrator actions (三员分立), for the auditor's own page.

Core does not know the roles: the accounts app declares, as data, which actors are
administrators and which records are theirs (accounts, roles) when it is ready (`declare`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .models import AuditAction, AuditEntry

# A user's own login, logout and token are on their account, but are not an administrator's
# action unless an administrator is the one doing them.
SELF_SERVICE_ACTIONS = (
    AuditAction.LOGIN,
    AuditAction.LOGOUT,
    AuditAction.LOGIN_FAILED,
    AuditAction.TOKEN,
)


@dataclass
class _Declared:
    actor_field: str = ""
    actor_values: frozenset[str] = frozenset()
    models: set[tuple[str, str]] = field(default_factory=set)


_declared = _Declared()


def declare(*, actor_field: str, actor_values: Iterable[str], models: Iterable[str]) -> None:
    """Administrators are the users whose `actor_field` is one of `actor_values`; their records
    are `models` ("app_label.model")."""
    _declared.actor_field = actor_field
    _declared.actor_values = frozenset(actor_values)
    _declared.models = {tuple(label.lower().split(".", 1)) for label in models}


def is_administrator(user: object) -> bool:
    """Whether the user holds one of the declared administrator roles (三员): such a user holds
    no business data, so the apps above send them no business notice either."""
    if not _declared.actor_field or user is None:
        return False
    return getattr(user, _declared.actor_field, None) in _declared.actor_values


def administrator_actions(queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The entries done by an administrator, or done to an account or a role by anyone
    (other than one's own login, logout and token)."""
    query = Q(pk__in=[])
    if _declared.actor_field and _declared.actor_values:
        # The few administrators' ids, so each side of the OR can use its own index.
        admins = get_user_model().objects.filter(
            **{f"{_declared.actor_field}__in": sorted(_declared.actor_values)}
        )
        query |= Q(user_id__in=list(admins.values_list("pk", flat=True)))
    if _declared.models:
        records = Q(pk__in=[])
        for app_label, model in sorted(_declared.models):
            records |= Q(app_label=app_label, model=model)
        types = list(ContentType.objects.filter(records).values_list("pk", flat=True))
        query |= Q(content_type_id__in=types) & ~Q(action__in=SELF_SERVICE_ACTIONS)
    return queryset.filter(query)
