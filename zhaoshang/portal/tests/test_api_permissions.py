"""The API permission matrix: anonymous → 401, no permission → 403, inspector reads but never writes."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from zhaoshang.activities.services import ParticipantInput, visit_create
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import client_for
from zhaoshang.core.tests.support import pdf_file
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.industries.models import Industry
from zhaoshang.projects.models import EvidenceKind, FundsRecord, Project, Stage
from zhaoshang.projects.services import EvidenceFile, funds_submit, project_advance_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(users, make_project, today):
    project = make_project()
    project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=users["linqing"],
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("100"),
    )
    record = funds_submit(
        actor=users["linqing"],
        project=project,
        period=today,
        amount_wan=Decimal("10"),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())],
    )
    enterprise = Enterprise.objects.create(name="某企业")
    return {
        "project": project,
        "funds": record,
        "enterprise": enterprise,
        "industry": Industry.objects.create(code="bearing", name="轴承"),
        "visit": visit_create(
            actor=users["linqing"],
            date=today,
            enterprises=[enterprise],
            outcome="none",
            participants=[ParticipantInput(name="王科长")],
        ),
    }


def endpoints(o) -> list[tuple[str, str]]:
    """Every API endpoint with a method it answers (writes with an empty body)."""
    p, f, e, i = o["project"].pk, o["funds"].pk, o["enterprise"].pk, o["industry"].pk
    v = o["visit"].pk
    return [
        ("get", "/api/"),
        ("get", "/api/projects/"),
        ("post", "/api/projects/"),
        ("get", f"/api/projects/{p}/"),
        ("patch", f"/api/projects/{p}/"),
        ("post", f"/api/projects/{p}/stage/"),
        ("get", f"/api/projects/{p}/stages/"),
        ("get", "/api/funds/"),
        ("post", "/api/funds/"),
        ("get", f"/api/funds/{f}/"),
        ("post", f"/api/funds/{f}/verify/"),
        ("post", f"/api/funds/{f}/reject/"),
        ("get", "/api/enterprises/"),
        ("post", "/api/enterprises/"),
        ("get", f"/api/enterprises/{e}/"),
        ("patch", f"/api/enterprises/{e}/"),
        ("get", "/api/units/"),
        ("get", "/api/units/371581/"),
        ("get", "/api/industries/"),
        ("get", f"/api/industries/{i}/"),
        ("get", "/api/visits/"),
        ("post", "/api/visits/"),
        ("get", f"/api/visits/{v}/"),
        ("get", "/api/trips/"),
        ("post", "/api/trips/"),
        ("get", "/api/events/"),
        ("post", "/api/events/"),
    ]


def test_anonymous_gets_401_on_every_endpoint(objects):
    client = APIClient()
    for method, url in endpoints(objects):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"].startswith("Token"), (method, url)


def test_a_user_without_a_role_gets_403_on_every_endpoint_but_the_root(users, objects):
    client = client_for(users["norole"])
    for method, url in endpoints(objects)[1:]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)


@pytest.mark.parametrize("name", ["dept_land", "sysadmin"])
def test_department_staff_and_sysadmin_get_403_on_projects_and_funds(users, objects, name):
    client = client_for(users[name])
    p, f = objects["project"].pk, objects["funds"].pk
    for method, url in [
        ("get", "/api/projects/"),
        ("get", f"/api/projects/{p}/"),
        ("get", f"/api/projects/{p}/stages/"),
        ("post", "/api/projects/"),
        ("post", f"/api/projects/{p}/stage/"),
        ("get", "/api/funds/"),
        ("get", f"/api/funds/{f}/"),
        ("post", f"/api/funds/{f}/verify/"),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)


def test_inspector_reads_every_endpoint(users, objects):
    client = client_for(users["inspector"])
    for method, url in endpoints(objects):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_inspector_cannot_write_anywhere_and_nothing_is_written(users, objects):
    client = client_for(users["inspector"])
    before = AuditEntry.objects.count()
    for method, url in endpoints(objects):
        if method != "get":
            response = getattr(client, method)(url, {"name": "审计写入"}, format="json")
            assert response.status_code == 403, (method, url)
    assert AuditEntry.objects.count() == before
    assert Project.objects.count() == 1 and Enterprise.objects.count() == 1
    assert FundsRecord.objects.get().status == "submitted"


def test_county_leader_reads_its_county_but_does_not_write(users, objects, make_project):
    other = make_project("dongchangfu", name="东昌府项目")
    client = client_for(users["linqing_leader"])
    listed = client.get("/api/projects/").json()
    assert [r["id"] for r in listed["results"]] == [objects["project"].pk]
    assert client.get(f"/api/projects/{other.pk}/").status_code == 404
    assert client.post("/api/enterprises/", {"name": "x"}, format="json").status_code == 403
    assert client.post("/api/funds/", {}, format="json").status_code == 403


def test_commissioner_sees_only_assigned_projects(users, objects, make_project):
    assigned = make_project("dongchangfu", name="专员项目", commissioner=users["commissioner"])
    client = client_for(users["commissioner"])
    listed = client.get("/api/projects/").json()
    assert [r["id"] for r in listed["results"]] == [assigned.pk]
    assert client.get(f"/api/projects/{objects['project'].pk}/").status_code == 404


def test_api_root_lists_the_endpoints_for_a_signed_in_user(users):
    response = client_for(users["linqing"]).get("/api/")
    assert response.status_code == 200
    assert {"projects", "funds", "enterprises", "units", "industries"} <= set(response.json())
