"""Binds a request id and the client address to each request, for the audit log; keeps a
logged-in session alive without writing it on every request."""

import re
import time
import uuid

from . import context
from .client_address import client_ip

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.bind(context.RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


SESSION_REFRESH_SECONDS = 300
_REFRESHED = "_refreshed_at"


class SessionRefreshMiddleware:
    """Slides a logged-in session's expiry forward at most once every five minutes.

    A session expires `SESSION_COOKIE_AGE` after the user's last activity. Saving it on every
    request (`SESSION_SAVE_EVERY_REQUEST`) does that exactly but makes every page a database
    write, which on SQLite queues all the server's workers behind one write lock. Marking the
    session modified when its last save is five minutes old keeps the same rule to within five
    minutes at one write per user per five minutes. Sits below SessionMiddleware, which saves a
    modified session on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(_REFRESHED, 0) >= SESSION_REFRESH_SECONDS:
                session[_REFRESHED] = now
        return response
