"""The notification centre's pages: the list, marking read (POST only), the preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import kinds
from .models import Notification
from .selectors import kind_counts, muted_kinds, notices_for, unread_for_request
from .services import may_receive, mutes_set, notice_mark_all_read, notice_mark_read

PER_PAGE = 20
STATUSES = (("unread", "未读"), ("all", "全部"))


def _receiver(request: HttpRequest) -> None:
    if not may_receive(request.user):
        raise PermissionDenied("管理员角色不接收业务通知")


def _own(request: HttpRequest, pk: int) -> Notification:
    notice = notices_for(user=request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("不存在")
    return notice


def _filters(request: HttpRequest) -> tuple[str, str]:
    status = request.GET.get("status", "unread")
    status = status if status in dict(STATUSES) else "unread"
    kind = request.GET.get("kind", "")
    known = {k.code for k in kinds.all_kinds()}
    return status, (kind if kind in known else "")


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    _receiver(request)
    status, kind = _filters(request)
    unread_only = status == "unread"
    qs = notices_for(user=request.user, unread=unread_only, kind=kind)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notices": page.object_list,
        "status": status,
        "statuses": STATUSES,
        "kind": kind,
        "kind_counts": kind_counts(user=request.user, unread=unread_only),
        "unread": unread_for_request(request) or 0,
    }
    return render(request, "notices/list.html", context)


def _badge_response(request: HttpRequest, notice: Notification) -> HttpResponse:
    # The row again (read now) and, out of band, the navigation's count.
    if hasattr(request, "_notices_unread"):
        del request._notices_unread
    return render(request, "notices/_row_read.html", {"n": notice})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    _receiver(request)
    notice = notice_mark_read(user=request.user, notification=_own(request, pk))
    if getattr(request, "htmx", None):
        return _badge_response(request, notice)
    return redirect(_back(request))


@login_required
@require_POST
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link, marking it read on the way (a POST: reading is a write)."""
    _receiver(request)
    notice = notice_mark_read(user=request.user, notification=_own(request, pk))
    target = notice.url or reverse("notices:list")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notices:list")
    return redirect(target)


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    _receiver(request)
    kind = request.POST.get("kind", "")
    kind = kind if kind in {k.code for k in kinds.all_kinds()} else ""
    count = notice_mark_all_read(user=request.user, kind=kind)
    messages.success(request, f"已将 {count} 条通知标为已读" if count else "没有未读通知")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request: HttpRequest) -> HttpResponse:
    _receiver(request)
    muted = muted_kinds(user=request.user)
    error = ""
    if request.method == "POST":
        wanted = set(request.POST.getlist("muted"))
        try:
            mutes_set(user=request.user, muted=wanted)
        except ValidationError as exc:
            error = "；".join(exc.message_dict.get("muted", exc.messages))
            muted = wanted
        else:
            messages.success(request, "通知设置已保存")
            return redirect("notices:preferences")
    rows = [
        {"kind": k, "muted": k.code in muted}
        for k in sorted(kinds.all_kinds(), key=lambda k: (not k.mutable, k.code))
    ]
    return render(request, "notices/preferences.html", {"rows": rows, "error": error})
