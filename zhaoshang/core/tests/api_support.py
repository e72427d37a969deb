"""Helpers the API tests share: a token-authenticated client, valid 统一社会信用代码, audit counts."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stdnum.cn import uscc as uscc_std

from zhaoshang.core.models import AuditEntry


def client_for(user=None) -> APIClient:
    """An API client sending `Authorization: Token …` for `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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
