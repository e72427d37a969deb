"""A password someone else set (a new account, a reset) is changed before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

PASSWORD_CHANGE_REQUIRED = "请先修改初始密码或管理员重置的密码，再使用本平台"

# Pages a user who must change their password may still open.
_ALLOWED = ("accounts:password-change", "accounts:logout", "accounts:login")


class PasswordChangeRequiredMiddleware:
    """Sends a logged-in user whose `must_change_password` is set to the password page.

    API calls with the session get 403 with the reason; tokens are refused when issued
    (`accounts.api.TokenView`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._allowed(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": PASSWORD_CHANGE_REQUIRED}, status=403)
            target = reverse("accounts:password-change")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        return path in {reverse(name) for name in _ALLOWED}
