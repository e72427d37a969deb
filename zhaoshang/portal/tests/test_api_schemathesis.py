"""Schemathesis over the whole OpenAPI schema, with a city administrator's token (issue 9 §6).

Every operation gets generated requests, valid and invalid, within a fixed budget and a fixed
seed (derandomized), so the run is bounded and repeatable in CI. No response may be a server
error, and every response must match what the schema declares for it (body, content type,
headers). The schema comes from the app itself and the requests go to its WSGI application in
this process: nothing leaves the machine.
"""

from __future__ import annotations

import json
import logging
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from zhaoshang.core.tests.support import PASSWORD

pytestmark = pytest.mark.django_db

# Examples per operation: enough to reach every parameter with bad values, a few minutes at most
# on a loaded machine for the whole schema. SCHEMATHESIS_EXAMPLES raises it for a deeper run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


def _schema() -> schemathesis.BaseSchema:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    document = json.loads(OpenApiJsonRenderer().render(generated))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def in_process_requests(settings, caplog, token):
    """Requests through the WSGI handler stay inside the test's transaction (as Django's test
    client does, the connection is not closed at the end of each request). After `token`: the
    test client reconnects the signal when its own request ends."""
    settings.ALLOWED_HOSTS = ["*"]
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 4xx
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(users, make_project) -> str:
    """The city administrator's token, taken through the API itself; a few records to reach."""
    make_project(name="轴承项目")
    make_project("dongchangfu", name="新能源汽车零部件项目")
    response = APIClient().post(
        "/api/auth/token/", {"username": "city", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    run()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(_describe(e) for e in exc.exceptions)
    return str(exc)[:800]


def test_no_api_operation_answers_a_server_error_or_breaks_its_schema(token, in_process_requests):
    headers = {"Authorization": f"Token {token}"}
    failures = []
    operations = 0
    for result in _schema().get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, headers)
        except (Exception, BaseExceptionGroup) as exc:
            # Each operation's failures are reported, all of them, not only the first.
            failures.append(f"{operation.label}: {_describe(exc)}")

    assert operations >= 40
    if failures:
        pytest.fail(f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures))
