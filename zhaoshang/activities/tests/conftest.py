"""Fixtures of the visits tests: enterprises and a visit factory through the service."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhaoshang.activities.models import LeaderLevel, VisitOutcome, VisitStatus
from zhaoshang.activities.services import ParticipantInput, visit_create
from zhaoshang.enterprises.models import Enterprise


def jpeg(name: str = "合影.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def firms(db) -> dict[str, Enterprise]:
    return {
        "haier": Enterprise.objects.create(name="海尔集团", division_code="370212"),
        "quiet": Enterprise.objects.create(
            name="静默科技", do_not_disturb=True, contact_preference="请先联系市投资促进局"
        ),
        "other": Enterprise.objects.create(name="远方材料", division_code="440300"),
    }


@pytest.fixture
def make_visit(users, today):
    """A done visit (or planned, with status=) entered by `by` for their unit."""

    def factory(*, by: str = "linqing", enterprises=(), on: dt.date | None = None, **fields):
        fields.setdefault("status", VisitStatus.DONE)
        if fields["status"] == VisitStatus.DONE:
            fields.setdefault("outcome", VisitOutcome.ADVANCING)
        fields.setdefault(
            "participants", [ParticipantInput(name=f"{by}科长", level=LeaderLevel.STAFF)]
        )
        return visit_create(
            actor=users[by], date=on or today, enterprises=list(enterprises), **fields
        )

    return factory
