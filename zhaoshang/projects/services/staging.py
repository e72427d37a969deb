"""Files kept between two submissions of a dialog (`StagedUpload`): bounded, owned, swept.

A dialog sent back with errors keeps the files that passed their own checks here, so that the
person does not choose them again (a browser cannot re-fill a file input). Only their owner can
use them, for a day at most, and only the newest `MAX_PER_OWNER`; each new keep sweeps the rest.
They are temporary copies, not evidence: the service that stores evidence checks and logs them
as it does any upload, and the dialog's success removes them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..models import StagedUpload

MAX_AGE = dt.timedelta(days=1)
MAX_PER_OWNER = 20


def _delete(rows: Iterable[StagedUpload]) -> int:
    count = 0
    for row in rows:
        row.file.delete(save=False)
        row.delete()
        count += 1
    return count


def sweep(*, now: dt.datetime | None = None) -> int:
    """Remove every kept file older than `MAX_AGE` (the dialog was abandoned); their count."""
    cutoff = (now or timezone.now()) - MAX_AGE
    return _delete(StagedUpload.objects.filter(created_at__lt=cutoff)[:500])


def keep(*, owner: Any, kind: str, upload: Any) -> StagedUpload:
    """Keep one checked upload for `owner`'s next submission of the same dialog."""
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    upload.seek(0)
    with transaction.atomic():
        row = StagedUpload(owner=owner, kind=kind, original_name=name, size=upload.size)
        row.file.save(name, upload, save=False)
        row.save()
    upload.seek(0)
    sweep()
    beyond = StagedUpload.objects.filter(owner=owner).order_by("-created_at", "-id")
    _delete(beyond[MAX_PER_OWNER:])
    return row


def kept_files(*, owner: Any, ids: Iterable[int]) -> dict[int, StagedUpload]:
    """The owner's kept files among `ids` that are still fresh (another's id finds nothing)."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted or owner is None or not getattr(owner, "pk", None):
        return {}
    cutoff = timezone.now() - MAX_AGE
    rows = StagedUpload.objects.filter(owner=owner, pk__in=wanted, created_at__gte=cutoff)
    return {row.pk: row for row in rows}


def opened(row: StagedUpload) -> File:
    """A kept file as an upload: its original name, its bytes read from the start."""
    row.file.open("rb")
    return File(row.file.file, name=row.original_name)


def discard(*, owner: Any, ids: Iterable[int]) -> int:
    """Remove the owner's kept files `ids` (used by a successful submission)."""
    rows = StagedUpload.objects.filter(owner=owner, pk__in=list(ids))
    for row in rows:
        row.file.close()
    return _delete(rows)
