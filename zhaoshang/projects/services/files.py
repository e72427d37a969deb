"""Files written during a transaction are removed again when it fails: nothing half-saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..models import Evidence


@contextmanager
def discard_on_failure() -> Iterator[list[Evidence]]:
    saved: list[Evidence] = []
    try:
        yield saved
    except BaseException:
        for evidence in saved:
            evidence.file.delete(save=False)
        raise
