"""API tokens: issued with a random key shown once, stored as its digest, and expiring.

A token (`models.ApiToken`, issued by `POST /api/auth/token/` or on the user's own account page)
is stored only as the SHA-256 digest of its key, so a copy of the database or of a backup holds
no usable token; a presented key is looked up by its digest. It is valid for
`settings.API_TOKEN_TTL_HOURS` hours from the moment it was issued (`created`). Using it does not
extend it: a client that gets 401 with `TOKEN_EXPIRED` asks for a new token. The lifetime is
computed, not stored, so changing the setting applies to the tokens already issued.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, User

TOKEN_EXPIRED = "API令牌已过期，请重新获取（POST /api/auth/token/）"
TOKEN_INVALID = "API令牌无效"
TOKEN_USER_INACTIVE = "账号已停用"


def token_issue(*, user: User) -> tuple[ApiToken, str]:
    """Store a new token for `user` and return it with its key, which nobody can read later.

    The caller (a service) removes the user's previous token first and audits the issue.
    """
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, digest=ApiToken.digest_of(key))
    return token, key


def token_lifetime() -> dt.timedelta:
    """How long a token stays valid after it is issued (`API_TOKEN_TTL_HOURS`)."""
    return dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expires_at(token: ApiToken) -> dt.datetime:
    """The moment the token stops being accepted."""
    return token.created + token_lifetime()


def token_is_expired(token: ApiToken, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, looked up by digest; a token past its lifetime is refused (401)
    and deleted.

    The deletion is audited by `services.token_discard_expired`; the client learns why in
    Chinese, so it knows to ask for a new token instead of suspecting its key.
    """

    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(TOKEN_USER_INACTIVE)
        if token_is_expired(token):
            from .services import token_discard_expired  # services import this module

            token_discard_expired(token=token)
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        return token.user, token
