"""五个一 dialogs: plan, milestones, progress updates with photos."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.concurrency import NEW, version_of
from zhaoshang.projects.models import Evidence, EvidenceKind, Milestone, ProgressUpdate, ProjectPlan

pytestmark = pytest.mark.django_db


def jpeg(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg")


def test_plan_is_written_then_replaced(client, users, make_project):
    project = make_project()
    url = reverse("projects:plan", args=[project.pk])
    client.force_login(users["linqing"])
    assert client.post(url, {"content": "一、目标：年内开工", "version": NEW}).status_code == 302
    plan = ProjectPlan.objects.get(project=project)
    client.post(
        url, {"content": "一、目标：年内开工\n二、要素保障：用地200亩", "version": version_of(plan)}
    )
    assert ProjectPlan.objects.get(project=project).content.endswith("用地200亩")
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "二、要素保障：用地200亩" in html


def test_empty_plan_is_a_field_error(client, users, make_project):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:plan", args=[project.pk]), {"content": " ", "version": NEW}
    )
    assert response.context["form"].errors["content"]
    assert not ProjectPlan.objects.exists()


def test_milestone_created_and_completed(client, users, make_project, today):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.post(
        reverse("projects:milestone-create", args=[project.pk]),
        {"title": "取得施工许可证", "due_on": (today + dt.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    assert response.url.endswith("#milestones")
    milestone = Milestone.objects.get(project=project)
    url = reverse("projects:milestone-complete", args=[milestone.pk])
    version = version_of(milestone)
    future = client.post(
        url, {"done_on": (today + dt.timedelta(days=1)).isoformat(), "version": version}
    )
    assert future.context["form"].errors["done_on"] == ["日期不能晚于今天"]
    client.post(url, {"done_on": today.isoformat(), "version": version})
    milestone.refresh_from_db()
    assert milestone.done_on == today


def test_leader_may_add_progress_but_not_milestones(client, users, make_project, today):
    project = make_project()
    client.force_login(users["linqing_leader"])
    assert client.get(reverse("projects:milestone-create", args=[project.pk])).status_code == 403
    response = client.post(
        reverse("projects:progress-create", args=[project.pk]),
        {"on": today.isoformat(), "content": "现场调度，解决用电问题", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(project=project)
    photo = Evidence.objects.get(progress_update=update)
    assert (photo.kind, photo.original_name) == (EvidenceKind.PHOTO, "现场.jpg")
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert reverse("projects:evidence", args=[photo.pk]) + "?inline=1" in html
    inline = client.get(reverse("projects:evidence", args=[photo.pk]), {"inline": "1"})
    assert inline["Content-Type"] == "image/jpeg"
    assert inline["Content-Disposition"].startswith("inline")


def test_htmx_dialog_for_progress_is_a_fragment(client, users, make_project):
    project = make_project()
    client.force_login(users["linqing"])
    response = client.get(
        reverse("projects:progress-create", args=[project.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="modal-content",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-bs-dismiss="modal"' in html
    assert 'hx-encoding="multipart/form-data"' in html
