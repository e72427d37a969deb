"""The permission matrix of every enterprise-library page and API endpoint, one declaration
each: anonymous → login (pages) / 401 (API); a role without the permission → 403; another
unit's record → 404 where records are scoped; the inspector reads but never writes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.tests.harness import NOBODY, Page, PagePermissionCases
from zhaoshang.enterprises.importing.service import import_job_create, import_job_run
from zhaoshang.enterprises.models import (
    Contact,
    Enterprise,
    ImportJob,
    Placement,
    Relation,
    Signal,
    TargetEntry,
)
from zhaoshang.enterprises.services import (
    contact_create,
    enterprise_create,
    relation_create,
    signal_create,
    target_entry_create,
)

from .conftest import csv_file, make_uscc

pytestmark = pytest.mark.django_db

READERS_ONLY = ("leader", "commissioner", "dept_land", "inspector", *NOBODY)  # no writes here
CITY_ONLY = ("linqing", "leader", "commissioner", "dept_land", "inspector", *NOBODY)


class TestEnterprisePages(PagePermissionCases):
    readers = ("linqing", "city")
    writers = ("city",)
    post_data = {"name": "x", "status": "confirmed", "reason": "x"}
    pages = [
        Page("enterprises:list"),
        Page("enterprises:export"),
        Page("enterprises:detail", "enterprise"),
        Page("enterprises:create", write=True, denied=READERS_ONLY),
        Page("enterprises:edit", "enterprise", write=True, denied=READERS_ONLY),
        Page("enterprises:contact-create", "enterprise", write=True, denied=READERS_ONLY),
        Page("enterprises:contact-edit", "contact", write=True, denied=READERS_ONLY),
        Page("enterprises:contact-reveal", "contact", write=True,
             denied=("linqing", "leader", "commissioner", "dept_land", *NOBODY), post_only=True),
        Page("enterprises:relation-create", "enterprise", write=True, denied=READERS_ONLY),
        Page("enterprises:relation-delete", "relation", write=True, denied=CITY_ONLY, post_only=True),
        Page("enterprises:signal-create", "enterprise", write=True, denied=READERS_ONLY),
        Page("enterprises:signal-delete", "signal", write=True, denied=CITY_ONLY, post_only=True),
        Page("enterprises:placement", "enterprise", write=True, denied=CITY_ONLY),
        Page("enterprises:import", write=True, denied=CITY_ONLY),
        Page("enterprises:import-template", denied=CITY_ONLY),
        Page("enterprises:import-job", "job", denied=("linqing", "leader", "commissioner", "dept_land", *NOBODY)),
        Page("enterprises:import-progress", "job", denied=("linqing", "leader", "commissioner", "dept_land", *NOBODY)),
        Page("enterprises:import-confirm", "job", write=True, denied=CITY_ONLY, post_only=True),
        Page("enterprises:targets", denied=NOBODY),
        Page("enterprises:target-create", write=True, denied=CITY_ONLY),
        Page("enterprises:target-edit", "target", write=True,
             denied=("leader", "commissioner", "dept_land", "inspector", *NOBODY), scoped=True),
        Page("enterprises:target-delete", "target", write=True, denied=CITY_ONLY, post_only=True),
    ]  # fmt: skip

    def footprint(self) -> tuple:
        return _footprint()


@pytest.fixture
def objects(users, org, chain, all_tags):
    city, unit = users["city"], users["linqing"]
    enterprise = enterprise_create(actor=city, name="某企业", uscc=make_uscc(1))
    other = enterprise_create(actor=city, name="另一企业", uscc=make_uscc(2, "320505"))
    job = import_job_create(
        actor=city, file=csv_file([["企业名称", "统一社会信用代码"], ["甲", make_uscc(3)]])
    )
    import_job_run(job=job, actor=city)
    return {
        "enterprise": enterprise,
        "other": other,
        "contact": contact_create(
            actor=unit, enterprise=enterprise, name="张三", phone="13812345678"
        ),
        "relation": relation_create(actor=unit, source=enterprise, target=other, kind="supplier"),
        "signal": signal_create(
            actor=unit,
            enterprise=enterprise,
            kind="financing",
            on=job.created_at.date(),
            title="A轮融资",
        ),
        "job": job,
        "target": target_entry_create(
            actor=city,
            year=2024,
            enterprise=enterprise,
            direction=chain["aluminium"],
            owner_unit=org["linqing"],
        ),
    }


def _footprint():
    return (
        AuditEntry.objects.exclude(action__in=["login", "logout", "reveal"]).count(),
        Enterprise.objects.count(),
        Contact.objects.count(),
        Relation.objects.count(),
        Signal.objects.count(),
        Placement.objects.count(),
        TargetEntry.objects.count(),
        ImportJob.objects.count(),
    )


# --- API -----------------------------------------------------------------------------------------


def endpoints(o) -> list[tuple[str, str, bool]]:
    """(method, url, write) for every enterprise-library endpoint."""
    e, c, t = o["enterprise"].pk, o["contact"].pk, o["target"].pk
    return [
        ("get", f"/api/enterprises/{e}/contacts/", False),
        ("post", f"/api/enterprises/{e}/contacts/", True),
        ("post", f"/api/enterprises/{e}/contacts/{c}/reveal/", False),
        ("get", f"/api/enterprises/{e}/relations/", False),
        ("post", f"/api/enterprises/{e}/relations/", True),
        ("get", f"/api/enterprises/{e}/signals/", False),
        ("post", f"/api/enterprises/{e}/signals/", True),
        ("get", f"/api/enterprises/{e}/placements/", False),
        ("post", f"/api/enterprises/{e}/placements/", True),
        ("post", "/api/enterprises/import/", True),
        ("get", "/api/target-entries/", False),
        ("post", "/api/target-entries/", True),
        ("get", f"/api/target-entries/{t}/", False),
        ("patch", f"/api/target-entries/{t}/", True),
        ("post", f"/api/target-entries/{t}/remove/", True),
    ]


def test_api_anonymous_gets_401_everywhere(objects):
    client = APIClient()
    for method, path, _ in endpoints(objects):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 401, (method, path)


def test_api_roles_without_permission_get_403(users, objects):
    for name in NOBODY:
        client = client_for(users[name])
        for method, path, _ in endpoints(objects):
            response = getattr(client, method)(path, {}, format="json")
            assert response.status_code == 403, (name, method, path, response.status_code)


def test_api_inspector_reads_but_never_writes(users, objects):
    client = client_for(users["inspector"])
    before = _footprint()
    for method, path, write in endpoints(objects):
        response = getattr(client, method)(path, {}, format="json")
        if write:
            assert response.status_code == 403, (method, path, response.status_code)
        elif method == "get":
            assert response.status_code == 200, (method, path)
    assert _footprint() == before


def test_api_other_units_target_entry_is_404(users, objects):
    client = client_for(users["dongchangfu"])
    t = objects["target"].pk
    assert client.get(f"/api/target-entries/{t}/").status_code == 404
    assert (
        client.patch(f"/api/target-entries/{t}/", {"status": "landed"}, format="json").status_code
        == 404
    )
    assert client.get("/api/target-entries/").json()["results"] == []
