"""The kinds of notification, as data: each app above registers the kinds it sends.

A kind has a code (what a user mutes, what a digest groups by) and a Chinese label. The apps
that notify sit above this one, so they register their kinds here at import time
(`AppConfig.ready`) instead of this app importing them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: str
    # Whether a user may mute it (a notice that moves a deadline of theirs may not be muted).
    mutable: bool = True


_KINDS: dict[str, NoticeKind] = {}


def register(code: str, label: str, *, mutable: bool = True) -> NoticeKind:
    """Declare a kind of notification; declaring the same code twice with another label fails."""
    kind = NoticeKind(code, label, mutable)
    known = _KINDS.get(code)
    if known is not None and known != kind:
        raise ValueError(f"notice kind {code!r} already registered as {known!r}")
    _KINDS[code] = kind
    return kind


def get(code: str) -> NoticeKind:
    """The registered kind; an unknown code is a programming error."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"notice kind {code!r} is not registered") from None


def all_kinds() -> list[NoticeKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds()]
