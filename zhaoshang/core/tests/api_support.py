"""Helpers the API tests share: a token-authenticated client, valid 统一社会信用代码, audit counts."""

from __future__ import annotations

from django.apps import apps
from rest_framework.test import APIClient
from stdnum.cn import uscc as uscc_std

from zhaoshang.core.models import AuditEntry


def client_for(user=None) -> APIClient:
    """An API client sending `Authorization: Token …` for `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        # accounts sits above core: its token model is found by name, as a user model would be.
        token_model = apps.get_model("accounts", "ApiToken")
        key = f"test-key-{user.pk}"
        token_model.objects.update_or_create(
            user=user, defaults={"digest": token_model.digest_of(key)}
        )
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_uscc(serial: int, division: str = "371581") -> str:
    """A valid 18-character 统一社会信用代码 (company, registered in `division`)."""
    body = f"91{division}MA{serial:07d}"
    return body + uscc_std.calc_check_digit(body)


def audit_actions(since_id: int = 0) -> list[str]:
    """Actions of the audit entries written after entry `since_id`, oldest first."""
    return list(
        AuditEntry.objects.filter(id__gt=since_id).order_by("id").values_list("action", flat=True)
    )


def last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
