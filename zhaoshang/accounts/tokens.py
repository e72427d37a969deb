"""API tokens that expire: their lifetime, and the DRF authentication that enforces it.

A token (`rest_framework.authtoken`, issued by `POST /api/auth/token/` or on the user's own
account page) is valid for `settings.API_TOKEN_TTL_HOURS` hours from the moment it was issued
(`Token.created`). Using it does not extend it: a client that gets 401 with `TOKEN_EXPIRED` asks
for a new token. The lifetime is computed, not stored, so changing the setting applies to the
tokens already issued.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

TOKEN_EXPIRED = "API令牌已过期，请重新获取（POST /api/auth/token/）"


def token_lifetime() -> dt.timedelta:
    """How long a token stays valid after it is issued (`API_TOKEN_TTL_HOURS`)."""
    return dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expires_at(token: Token) -> dt.datetime:
    """The moment the token stops being accepted."""
    return token.created + token_lifetime()


def token_is_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …` that refuses (401) and deletes a token past its lifetime.

    The deletion is audited by `services.token_discard_expired`; the client learns why in
    Chinese, so it knows to ask for a new token instead of suspecting its key.
    """

    def authenticate_credentials(self, key: str):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            from .services import token_discard_expired  # services import this module

            token_discard_expired(token=token)
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        return user, token
