"""Binds a request id and the client address to each request, for the audit log; keeps a
logged-in session alive without writing it on every request, and ends it at its absolute
lifetime."""

import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse

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


_LOGIN_AT = "_login_at"
SESSION_ENDED = "登录已超过{hours}小时，为保障账号安全已自动退出，请重新登录"


def session_mark_login(session) -> None:
    """Remember when the session's user logged in (called on every login)."""
    session[_LOGIN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    """Logs a session out `SESSION_ABSOLUTE_AGE` seconds after its login, however active.

    The idle expiry (`SESSION_COOKIE_AGE`, slid by SessionRefreshMiddleware) alone lets a
    session that is used every few hours live forever — a stolen cookie with it. The user is
    sent to the login page with a Chinese message (htmx: the whole page goes there); an API
    call made with the session goes on as anonymous and is refused by the API. A session from
    before this rule gets its clock started on its next request. Sits below the authentication
    and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(_LOGIN_AT)
            if started is None:
                session_mark_login(request.session)
            elif int(time.time()) - started >= settings.SESSION_ABSOLUTE_AGE:
                return self._ended(request)
        return self.get_response(request)

    def _ended(self, request):
        logout(request)
        hours = settings.SESSION_ABSOLUTE_AGE / 3600
        messages.warning(request, SESSION_ENDED.format(hours=f"{hours:g}"))
        if request.path.startswith("/api/"):
            return self.get_response(request)
        login_page = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": login_page.url})
        return login_page


class NulByteMiddleware:
    """A NUL character in a query string or form field is refused with a Chinese 400.

    No text a user types holds one, and PostgreSQL refuses it in any text comparison, which would
    otherwise surface as a server error on whichever filter reads the value first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (
            request.method == "POST"
            and request.content_type != "multipart/form-data"
            and _holds_nul(request.POST)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "输入有误：参数中含有不允许的空字符"}, status=400)
            return HttpResponseBadRequest("输入有误：参数中含有不允许的空字符".encode())
        return self.get_response(request)


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())
