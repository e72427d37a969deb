"""The notification badge in the navigation: the unread count, computed only when a page
shows it, once per request."""

from .selectors import unread_for_request


class _Badge:
    def __init__(self, request) -> None:
        self.request = request

    @property
    def shown(self) -> bool:
        return unread_for_request(self.request) is not None

    @property
    def unread(self) -> int:
        return unread_for_request(self.request) or 0


def unread(request):
    return {"notices_badge": _Badge(request)}
