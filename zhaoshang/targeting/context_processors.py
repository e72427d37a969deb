"""The 待接收 badge in the navigation: the pushes awaiting the user's unit, counted only when a
page shows it, once per request (like the notices' unread badge)."""

from .selectors import pending_count_for_request


class _Badge:
    def __init__(self, request) -> None:
        self.request = request

    @property
    def shown(self) -> bool:
        return pending_count_for_request(self.request) is not None

    @property
    def pending(self) -> int:
        return pending_count_for_request(self.request) or 0


def pending_pushes(request):
    return {"pushes_badge": _Badge(request)}
