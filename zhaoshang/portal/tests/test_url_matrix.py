"""The permission matrix built from the URL list: every URL pattern of the project has an entry
saying what a GET answers to each role, so a new view cannot ship without declaring who may
open it. The admin site is one entry (Django's own permission model guards it).

Records a URL takes come from one fixture city (linqing's project, enterprise, chain …); a
record that is not made (a push, a scoring profile) is asked for with an unknown pk, so the
entry still says who is refused (403) and who is told it does not exist (404).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhaoshang.core.tests.support import pdf_file
from zhaoshang.enterprises.importing.service import import_job_create, import_job_run
from zhaoshang.enterprises.services import (
    contact_create,
    enterprise_create,
    relation_create,
    signal_create,
    target_entry_create,
)
from zhaoshang.enterprises.tests.conftest import csv_file, make_uscc
from zhaoshang.industries.models import ChainEdge
from zhaoshang.industries.tests.chain_support import chain, direction
from zhaoshang.projects.models import EvidenceKind, Stage
from zhaoshang.projects.services import (
    EvidenceFile,
    funds_submit,
    milestone_create,
    project_advance_stage,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "city", "linqing", "sysadmin", "auditor", "inspector")
ADMIN = "admin:*"  # every URL of the admin site
UNKNOWN = 99999


def url_names() -> set[str]:
    """The name of every URL pattern (format-suffix twins of an API route share one)."""

    def walk(resolver: URLResolver, namespace: str = ""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name or ''}"
                yield ADMIN if name.startswith("admin:") else name

    return set(walk(get_resolver()))


# name → GET status for (anonymous, city, linqing, sysadmin, auditor, inspector)
MATRIX: dict[str, tuple[int, int, int, int, int, int]] = {
    "accounts:account": (302, 200, 200, 200, 200, 200),
    "accounts:approval-queue": (302, 403, 403, 403, 403, 403),
    "accounts:login": (200, 302, 302, 302, 302, 302),
    "accounts:lockout-release": (302, 405, 405, 405, 405, 405),
    "accounts:lockouts": (302, 403, 403, 200, 403, 403),
    "accounts:logout": (405, 405, 405, 405, 405, 405),
    "accounts:password-change": (302, 200, 200, 200, 200, 200),
    "accounts:role-edit": (302, 403, 403, 200, 403, 403),
    "accounts:role-list": (302, 403, 403, 200, 403, 403),
    "accounts:role-restore": (302, 405, 405, 405, 405, 405),
    "accounts:token-regenerate": (302, 405, 405, 405, 405, 405),
    "accounts:token-revoke": (302, 405, 405, 405, 405, 405),
    "accounts:user-create": (302, 403, 403, 200, 403, 403),
    "accounts:user-edit": (302, 403, 403, 200, 403, 403),
    "accounts:user-list": (302, 200, 403, 200, 200, 403),
    "accounts:user-approve": (302, 405, 405, 405, 405, 405),
    "accounts:user-password": (302, 405, 405, 405, 405, 405),
    "accounts:user-reject": (302, 405, 405, 405, 405, 405),
    "accounts:user-token-revoke": (302, 405, 405, 405, 405, 405),
    "admin:*": (302, 302, 302, 302, 302, 302),
    "api-docs": (302, 200, 200, 200, 200, 200),
    "api-indicators": (401, 200, 200, 403, 403, 200),
    "api-ranking": (401, 404, 404, 403, 403, 404),
    "api-ranking-drilldown": (401, 400, 400, 403, 403, 400),
    "api-ranking-preview": (401, 400, 400, 403, 403, 400),
    "api-rankings": (401, 200, 200, 403, 403, 200),
    "api-redoc": (302, 200, 200, 200, 200, 200),
    "api-root": (401, 200, 200, 200, 200, 200),
    "api-schema": (401, 200, 200, 200, 200, 200),
    "api-targeting-push": (401, 405, 405, 403, 403, 405),
    "api-targeting-recommendations": (401, 400, 400, 403, 403, 400),
    "api-token": (405, 405, 405, 405, 405, 405),
    "chain-node-detail": (401, 200, 200, 403, 403, 200),
    "chain-node-list": (401, 200, 200, 403, 403, 200),
    "core:audit-export": (302, 200, 403, 403, 200, 403),
    "core:audit-admin": (302, 200, 403, 403, 200, 403),
    "core:audit-log": (302, 200, 403, 403, 200, 403),
    "core:csp-report": (405, 405, 405, 405, 405, 405),
    "enterprise-contacts": (401, 200, 200, 403, 403, 200),
    "enterprise-detail": (401, 200, 200, 403, 403, 200),
    "enterprise-import-file": (401, 405, 405, 403, 403, 405),
    "enterprise-list": (401, 200, 200, 403, 403, 200),
    "enterprise-placements": (401, 200, 200, 403, 403, 200),
    "enterprise-relations": (401, 200, 200, 403, 403, 200),
    "enterprise-reveal-phone": (401, 405, 405, 403, 403, 405),
    "enterprise-signals": (401, 200, 200, 403, 403, 200),
    "enterprises:contact-create": (302, 200, 200, 403, 403, 403),
    "enterprises:contact-edit": (302, 200, 200, 403, 403, 403),
    "enterprises:contact-reveal": (302, 405, 405, 405, 405, 405),
    "enterprises:create": (302, 200, 200, 403, 403, 403),
    "enterprises:detail": (302, 200, 200, 403, 403, 200),
    "enterprises:division": (302, 200, 200, 403, 403, 200),
    "enterprises:edit": (302, 200, 200, 403, 403, 403),
    "enterprises:export": (302, 200, 200, 403, 403, 200),
    "enterprises:import": (302, 200, 403, 403, 403, 403),
    "enterprises:import-confirm": (302, 405, 405, 405, 405, 405),
    "enterprises:import-job": (302, 200, 403, 403, 403, 200),
    "enterprises:import-progress": (302, 200, 403, 403, 403, 200),
    "enterprises:import-template": (302, 200, 403, 403, 403, 403),
    "enterprises:list": (302, 200, 200, 403, 403, 200),
    "enterprises:placement": (302, 200, 403, 403, 403, 403),
    "enterprises:relation-create": (302, 200, 200, 403, 403, 403),
    "enterprises:relation-delete": (302, 405, 405, 405, 405, 405),
    "enterprises:signal-create": (302, 200, 200, 403, 403, 403),
    "enterprises:signal-delete": (302, 405, 405, 405, 405, 405),
    "enterprises:target-create": (302, 200, 403, 403, 403, 403),
    "enterprises:target-delete": (302, 405, 405, 405, 405, 405),
    "enterprises:target-edit": (302, 200, 200, 403, 403, 403),
    "enterprises:targets": (302, 200, 200, 403, 403, 200),
    "funds-detail": (401, 200, 200, 403, 403, 200),
    "funds-list": (401, 200, 200, 403, 403, 200),
    "funds-reject": (401, 405, 405, 403, 403, 405),
    "funds-verify": (401, 405, 405, 403, 403, 405),
    "goals:cockpit": (302, 200, 302, 403, 403, 200),
    "goals:cockpit-map": (302, 200, 403, 403, 403, 200),
    "goals:cockpit-table": (302, 200, 404, 403, 403, 200),
    "goals:indicator": (302, 200, 200, 403, 403, 200),
    "goals:leader": (302, 200, 200, 403, 403, 200),
    "goals:period-close": (302, 405, 405, 405, 405, 405),
    "goals:period-reopen": (302, 405, 405, 405, 405, 405),
    "goals:statistics-year": (302, 405, 405, 405, 405, 405),
    "goals:periods": (302, 200, 200, 403, 403, 200),
    "goals:ranking": (302, 302, 302, 403, 403, 302),
    "goals:ranking-drill": (302, 404, 404, 403, 403, 404),
    "goals:ranking-pdf": (302, 404, 404, 403, 403, 404),
    "goals:ranking-publish": (302, 405, 405, 405, 405, 405),
    "goals:ranking-verify": (302, 405, 405, 405, 405, 405),
    "goals:ranking-xlsx": (302, 404, 404, 403, 403, 404),
    "goals:rankings": (302, 200, 200, 403, 403, 200),
    "goals:screen": (302, 200, 302, 403, 403, 200),
    "goals:unit": (302, 200, 200, 403, 403, 200),
    "goals:unit-table": (302, 200, 200, 403, 403, 200),
    "healthz": (200, 200, 200, 200, 200, 200),
    "industries:edge-create": (302, 200, 403, 403, 403, 403),
    "industries:edge-delete": (302, 200, 403, 403, 403, 403),
    "industries:list": (302, 200, 200, 403, 403, 200),
    "industries:map": (302, 200, 200, 403, 403, 200),
    "industries:node": (302, 200, 200, 403, 403, 200),
    "industries:node-create": (302, 200, 403, 403, 403, 403),
    "industries:node-delete": (302, 200, 403, 403, 403, 403),
    "industries:node-edit": (302, 200, 403, 403, 403, 403),
    "industries:thresholds": (302, 200, 403, 403, 403, 403),
    "industry-detail": (401, 200, 200, 403, 403, 200),
    "industry-list": (401, 200, 200, 403, 403, 200),
    "lead-push-accept": (401, 405, 405, 403, 403, 405),
    "lead-push-decline": (401, 405, 405, 403, 403, 405),
    "lead-push-withdraw": (401, 405, 405, 403, 403, 405),
    "lead-push-detail": (401, 404, 404, 403, 403, 404),
    "lead-push-list": (401, 200, 200, 403, 403, 200),
    "notices:list": (302, 200, 200, 403, 403, 200),
    "notices:open": (302, 405, 405, 405, 405, 405),
    "notices:preferences": (302, 200, 200, 403, 403, 200),
    "notices:read": (302, 405, 405, 405, 405, 405),
    "notices:read-all": (302, 405, 405, 405, 405, 405),
    "notification-detail": (401, 404, 404, 403, 403, 404),
    "notification-list": (401, 200, 200, 403, 403, 200),
    "notification-read": (401, 405, 405, 403, 403, 405),
    "notification-read-all": (401, 405, 405, 403, 403, 405),
    "portal:home": (302, 200, 200, 200, 200, 200),
    "project-detail": (401, 200, 200, 403, 403, 200),
    "project-list": (401, 200, 200, 403, 403, 200),
    "project-stage": (401, 405, 405, 403, 403, 405),
    "project-stages": (401, 200, 200, 403, 403, 200),
    "projects:create": (302, 200, 200, 403, 403, 403),
    "projects:detail": (302, 200, 200, 403, 403, 200),
    "projects:edit": (302, 200, 200, 403, 403, 403),
    "projects:evidence": (302, 200, 200, 403, 403, 200),
    "projects:evidence-preview": (302, 200, 200, 403, 403, 200),
    "projects:export": (302, 200, 200, 403, 403, 200),
    "projects:funds-create": (302, 200, 200, 403, 403, 403),
    "projects:funds-list": (302, 200, 200, 403, 403, 200),
    "projects:funds-reject": (302, 200, 403, 403, 403, 403),
    "projects:funds-edit": (302, 403, 200, 403, 403, 403),
    "projects:funds-withdraw": (302, 403, 200, 403, 403, 403),
    "projects:funds-verify": (302, 200, 403, 403, 403, 403),
    "projects:investor-search": (302, 200, 200, 403, 403, 200),
    "projects:list": (302, 200, 200, 403, 403, 200),
    "projects:milestone-complete": (302, 200, 200, 403, 403, 403),
    "projects:milestone-create": (302, 200, 200, 403, 403, 403),
    "projects:plan": (302, 200, 200, 403, 403, 403),
    "projects:progress-create": (302, 200, 200, 403, 403, 403),
    "projects:stage": (302, 200, 200, 403, 403, 403),
    "projects:verify-queue": (302, 200, 403, 403, 403, 403),
    "scoring-profile-detail": (401, 404, 404, 403, 403, 404),
    "scoring-profile-list": (401, 200, 200, 403, 403, 200),
    "target-entry-detail": (401, 200, 200, 403, 403, 200),
    "target-entry-list": (401, 200, 200, 403, 403, 200),
    "target-entry-remove": (401, 405, 405, 403, 403, 405),
    "service:review-close": (302, 404, 403, 403, 403, 403),
    "service:review-detail": (302, 404, 404, 403, 403, 404),
    "service:review-list": (302, 200, 200, 403, 403, 200),
    "service:review-opinion": (302, 404, 403, 403, 403, 403),
    "service:review-policy": (302, 200, 403, 403, 403, 403),
    "service:review-rules": (302, 200, 200, 403, 403, 200),
    "service:review-send": (302, 200, 200, 403, 403, 403),
    "service:reviewer-rule": (302, 404, 403, 403, 403, 403),
    "service:department": (302, 404, 404, 403, 403, 404),
    "service:figures": (302, 200, 200, 403, 403, 200),
    "service:figures-xlsx": (302, 200, 200, 403, 403, 200),
    "service:my-department": (302, 404, 404, 403, 403, 404),
    "service:servicelog-create": (302, 200, 200, 403, 403, 403),
    "service:servicelog-edit": (302, 404, 404, 403, 403, 403),
    "service:servicelog-project": (302, 200, 200, 403, 403, 200),
    "service:servicelog-reveal": (302, 405, 405, 405, 405, 405),
    "service:timings": (302, 200, 200, 403, 403, 200),
    "targeting:inbox": (302, 200, 200, 403, 403, 200),
    "service:meeting-list": (302, 200, 200, 403, 403, 200),
    "service:meeting-create": (302, 200, 403, 403, 403, 403),
    "service:meeting-detail": (302, 404, 404, 403, 403, 404),
    "service:meeting-edit": (302, 404, 403, 403, 403, 403),
    "service:meeting-proposals": (302, 404, 403, 403, 403, 403),
    "service:meeting-agenda-add": (302, 405, 405, 405, 405, 405),
    "service:meeting-agenda-free": (302, 404, 403, 403, 403, 403),
    "service:meeting-confirm": (302, 405, 405, 405, 405, 405),
    "service:meeting-hold": (302, 405, 405, 405, 405, 405),
    "service:meeting-issue": (302, 404, 403, 403, 403, 403),
    "service:meeting-minutes-pdf": (302, 404, 404, 403, 403, 404),
    "service:agenda-item-move": (302, 405, 405, 405, 405, 405),
    "service:agenda-item-remove": (302, 405, 405, 405, 405, 405),
    "service:agenda-item-decide": (302, 404, 403, 403, 403, 403),
    "service:decision-edit": (302, 404, 403, 403, 403, 403),
    "service:decision-delete": (302, 405, 405, 405, 405, 405),
    "meeting-list": (401, 200, 200, 403, 403, 200),
    "meeting-detail": (401, 404, 404, 403, 403, 404),
    "targeting:profile-create": (302, 200, 403, 403, 403, 403),
    "targeting:profile-edit": (302, 404, 403, 403, 403, 403),
    "targeting:profiles": (302, 200, 200, 403, 403, 200),
    "targeting:push": (302, 404, 404, 403, 403, 403),
    "problem-list": (401, 200, 200, 403, 403, 200),
    "problem-detail": (401, 404, 404, 403, 403, 404),
    "problem-acknowledge": (401, 405, 405, 403, 403, 405),
    "problem-answer": (401, 405, 405, 403, 403, 405),
    "problem-resolve": (401, 405, 405, 403, 403, 405),
    "problem-escalate": (401, 405, 405, 403, 403, 405),
    "problem-confirm": (401, 405, 405, 403, 403, 405),
    "problem-reopen": (401, 405, 405, 403, 403, 405),
    "service:problem-create": (302, 200, 200, 403, 403, 403),
    # 登门拜访 (#12): records asked for by an unknown pk (activities/tests hold the scope).
    "activities:visit-list": (302, 200, 200, 403, 403, 200),
    "activities:visit-create": (302, 200, 200, 403, 403, 403),
    "activities:visit-rules": (302, 200, 403, 403, 403, 403),
    "activities:enterprise-search": (302, 200, 200, 403, 403, 200),
    "activities:visit-detail": (302, 404, 404, 403, 403, 404),
    "activities:visit-photo": (302, 404, 404, 403, 403, 404),
    "activities:visit-edit": (302, 404, 404, 403, 403, 403),
    "activities:visit-complete": (302, 404, 404, 403, 403, 403),
    "activities:visit-cancel": (302, 404, 404, 403, 403, 403),
    "activities:visit-join": (302, 405, 405, 405, 405, 405),
    "activities:visit-lead": (302, 405, 405, 405, 405, 405),
    "activities:trip-list": (302, 200, 200, 403, 403, 200),
    "activities:trip-create": (302, 200, 200, 403, 403, 403),
    "activities:trip-detail": (302, 404, 404, 403, 403, 404),
    "activities:trip-edit": (302, 404, 404, 403, 403, 403),
    "activities:event-list": (302, 200, 200, 403, 403, 200),
    "activities:event-create": (302, 200, 200, 403, 403, 403),
    "activities:event-detail": (302, 404, 404, 403, 403, 404),
    "activities:event-edit": (302, 404, 404, 403, 403, 403),
    "activities:campaign-list": (302, 200, 200, 403, 403, 200),
    "activities:campaign-detail": (302, 404, 404, 403, 403, 404),
    "enterprises:contact-rules": (302, 200, 403, 403, 403, 403),
    "visit-list": (401, 200, 200, 403, 403, 200),
    "visit-detail": (401, 404, 404, 403, 403, 404),
    "trip-list": (401, 200, 200, 403, 403, 200),
    "trip-detail": (401, 404, 404, 403, 403, 404),
    "event-list": (401, 200, 200, 403, 403, 200),
    "event-detail": (401, 404, 404, 403, 403, 404),
    "service:problem-department-home": (302, 200, 200, 403, 403, 200),
    "service:problem-detail": (302, 404, 404, 403, 403, 404),
    "service:problem-list": (302, 200, 200, 403, 403, 200),
    "service:problem-photo": (302, 404, 404, 403, 403, 404),
    "service:problem-step": (302, 404, 404, 403, 403, 404),
    "service:workday-calendar": (302, 200, 403, 403, 403, 403),
    "service:workday-delete": (302, 405, 405, 405, 405, 405),
    "targeting:push-accept": (302, 405, 405, 405, 405, 405),
    "targeting:push-decline": (302, 405, 405, 405, 405, 405),
    "targeting:push-withdraw": (302, 405, 405, 405, 405, 405),
    "targeting:recommend": (302, 200, 200, 403, 403, 200),
    "unit-detail": (401, 200, 200, 200, 200, 200),
    "unit-list": (401, 200, 200, 200, 200, 200),
    # 督办事项 (service): a task that does not exist, so who is refused (403) and who is told
    # it does not exist (404); only roles that may change tasks reach the write pages.
    "service:task-list": (302, 200, 200, 403, 403, 200),
    "service:task-detail": (302, 404, 404, 403, 403, 404),
    "service:task-close": (302, 404, 404, 403, 403, 403),
    "service:task-cancel": (302, 404, 404, 403, 403, 403),
    "service:task-extend": (302, 404, 404, 403, 403, 403),
    "review-detail": (401, 404, 404, 403, 403, 404),
    "review-list": (401, 200, 200, 403, 403, 200),
    "review-opinion": (401, 405, 405, 403, 403, 405),
    # 五个一, 领导批示, 要素保障 (service): records that do not exist (404 to those who may look).
    "service:carry-overview": (302, 200, 200, 403, 403, 200),
    "service:carry-mine": (302, 302, 302, 403, 403, 302),
    "service:carry-leader": (302, 404, 404, 403, 403, 404),
    "service:carry-department": (302, 404, 404, 403, 403, 404),
    "service:carry-commissioner": (302, 404, 404, 403, 403, 404),
    "service:team-edit": (302, 404, 404, 403, 403, 403),
    "service:member-add": (302, 404, 404, 403, 403, 403),
    "service:member-leave": (302, 404, 404, 403, 403, 403),
    "service:instruction-create": (302, 403, 403, 403, 403, 403),
    "service:element-overview": (302, 200, 200, 403, 403, 200),
    "service:element-quotas": (302, 200, 403, 403, 403, 403),
    "service:element-request": (302, 405, 405, 405, 405, 405),
    "service:element-allocate": (302, 405, 405, 405, 405, 405),
    "task-list": (401, 200, 200, 403, 403, 200),
    "task-detail": (401, 404, 404, 403, 403, 404),
    "task-close": (401, 405, 405, 403, 403, 405),
    "task-cancel": (401, 405, 405, 403, 403, 405),
    "task-extend": (401, 405, 405, 403, 403, 405),
    "service:settings": (302, 200, 200, 403, 403, 200),
    "service:settings-category-add": (302, 200, 403, 403, 403, 403),
    "service:settings-category": (302, 404, 403, 403, 403, 403),
    "service:settings-leader": (302, 404, 403, 403, 403, 403),
    "service:settings-element-kind": (302, 404, 403, 403, 403, 403),
    "service:settings-service-kind-add": (302, 200, 403, 403, 403, 403),
    "service:settings-service-kind": (302, 404, 403, 403, 403, 403),
    "service:settings-rule": (302, 404, 403, 403, 403, 403),
    "team-list": (401, 200, 200, 403, 403, 200),
    "team-detail": (401, 404, 404, 403, 403, 404),
    "element-need-list": (401, 200, 200, 403, 403, 200),
    "element-need-detail": (401, 404, 404, 403, 403, 404),
    "service-log-list": (401, 200, 200, 403, 403, 200),
    "service-log-detail": (401, 404, 404, 403, 403, 404),
}  # fmt: skip


def each(names: list[str], kwargs: dict[str, object]) -> dict[str, dict[str, object]]:
    return {name: kwargs for name in names}


# URL kwargs: "@key" is the pk of the fixture's record `key`, anything else is taken as it is.
KWARGS: dict[str, dict[str, object]] = {
    **each(
        [
            "accounts:user-edit",
            "accounts:user-password",
            "accounts:user-token-revoke",
            "accounts:user-approve",
            "accounts:user-reject",
        ],
        {"pk": "@user"},
    ),
    **each(["accounts:role-edit", "accounts:role-restore"], {"role": "unit_staff"}),
    **each(
        [
            "projects:detail",
            "projects:edit",
            "projects:stage",
            "projects:funds-create",
            "projects:plan",
            "projects:milestone-create",
            "projects:progress-create",
            "project-detail",
            "project-stage",
            "project-stages",
            "service:servicelog-project",
            "service:servicelog-create",
        ],
        {"pk": "@project"},
    ),
    "service:review-send": {"project_pk": "@project"},
    "service:reviewer-rule": {"department_pk": UNKNOWN},
    "service:review-opinion": {"pk": UNKNOWN, "opinion_pk": UNKNOWN},
    **each(
        ["service:review-detail", "service:review-close", "review-detail", "review-opinion"],
        {"pk": UNKNOWN},
    ),
    "projects:milestone-complete": {"pk": "@milestone"},
    **each(
        [
            "projects:funds-verify",
            "projects:funds-reject",
            "projects:funds-edit",
            "projects:funds-withdraw",
            "funds-detail",
            "funds-reject",
            "funds-verify",
        ],
        {"pk": "@funds"},
    ),
    **each(["projects:evidence", "projects:evidence-preview"], {"pk": "@evidence"}),
    **each(
        [
            "enterprises:detail",
            "enterprises:edit",
            "enterprises:contact-create",
            "enterprises:relation-create",
            "enterprises:signal-create",
            "enterprises:placement",
            "enterprise-detail",
            "enterprise-contacts",
            "enterprise-placements",
            "enterprise-relations",
            "enterprise-signals",
        ],
        {"pk": "@enterprise"},
    ),
    **each(["enterprises:contact-edit", "enterprises:contact-reveal"], {"pk": "@contact"}),
    "enterprise-reveal-phone": {"pk": "@enterprise", "contact_id": "@contact"},
    "enterprises:relation-delete": {"pk": "@relation"},
    "enterprises:signal-delete": {"pk": "@signal"},
    **each(
        ["enterprises:import-job", "enterprises:import-progress", "enterprises:import-confirm"],
        {"pk": "@job"},
    ),
    **each(
        [
            "enterprises:target-edit",
            "enterprises:target-delete",
            "target-entry-detail",
            "target-entry-remove",
        ],
        {"pk": "@target"},
    ),
    **each(
        ["industries:map", "industries:node-create", "industries:edge-create"],
        {"pk": "@direction"},
    ),
    **each(
        ["industries:node", "industries:node-edit", "industries:node-delete", "chain-node-detail"],
        {"pk": "@node"},
    ),
    "industries:edge-delete": {"pk": "@edge"},
    "industry-detail": {"pk": "@industry"},
    "goals:cockpit-table": {"key": "all"},
    **each(["goals:unit", "unit-detail"], {"code": "371581"}),
    "goals:unit-table": {"code": "371581", "key": "all"},
    "goals:indicator": {"key": "funds_verified"},
    **each(
        [
            "goals:ranking",
            "goals:ranking-drill",
            "goals:ranking-xlsx",
            "goals:ranking-pdf",
            "goals:ranking-publish",
            "goals:ranking-verify",
            "api-ranking",
            "api-ranking-drilldown",
            "api-ranking-preview",
        ],
        {"quarter": "2024Q1"},
    ),
    # 联席会议: records no other page takes (their own tests hold the scope matrix).
    **each(
        [
            "service:meeting-detail",
            "service:meeting-edit",
            "service:meeting-proposals",
            "service:meeting-agenda-add",
            "service:meeting-agenda-free",
            "service:meeting-confirm",
            "service:meeting-hold",
            "service:meeting-issue",
            "service:meeting-minutes-pdf",
            "service:agenda-item-move",
            "service:agenda-item-remove",
            "service:agenda-item-decide",
            "service:decision-edit",
            "service:decision-delete",
            "meeting-detail",
        ],
        {"pk": UNKNOWN},
    ),
    **each(
        [
            "targeting:push-accept",
            "targeting:push-decline",
            "targeting:push-withdraw",
            "targeting:profile-edit",
            "lead-push-detail",
            "lead-push-accept",
            "notices:read",
            "notices:open",
            "notification-detail",
            "notification-read",
            "lead-push-decline",
            "lead-push-withdraw",
            "scoring-profile-detail",
            "service:servicelog-edit",
            "service:servicelog-reveal",
            "service:problem-detail",
            "service:problem-photo",
            "service:workday-delete",
            "service:department",
            "team-detail",
            "element-need-detail",
            "service:settings-category",
            "service:settings-element-kind",
            "service:settings-service-kind",
            "service:settings-rule",
            "service-log-detail",
        ],
        {"pk": UNKNOWN},
    ),
    "service:settings-leader": {"department_pk": UNKNOWN},
    **each(
        [
            "service:task-detail",
            "service:task-close",
            "service:task-cancel",
            "service:task-extend",
            "task-detail",
            "task-close",
            "task-cancel",
            "task-extend",
        ],
        {"pk": UNKNOWN},
    ),
    **each(
        [
            "service:carry-leader",
            "service:carry-department",
            "service:carry-commissioner",
            "service:team-edit",
            "service:member-add",
            "service:member-leave",
            "service:instruction-create",
            "service:element-request",
            "service:element-allocate",
        ],
        {"pk": UNKNOWN},
    ),
    "service:problem-step": {"pk": UNKNOWN, "step": "acknowledge"},
    **each(
        [
            "activities:visit-detail",
            "activities:visit-photo",
            "activities:visit-edit",
            "activities:visit-complete",
            "activities:visit-cancel",
            "activities:visit-join",
            "activities:visit-lead",
            "visit-detail",
            "trip-detail",
            "event-detail",
            "activities:trip-detail",
            "activities:trip-edit",
            "activities:event-detail",
            "activities:event-edit",
            "activities:campaign-detail",
        ],
        {"pk": UNKNOWN},
    ),
    "enterprises:contact-rules": {"pk": "@enterprise"},
    **each(
        [
            k
            for k in [
                "problem-detail",
                "problem-acknowledge",
                "problem-answer",
                "problem-resolve",
                "problem-escalate",
                "problem-confirm",
                "problem-reopen",
            ]
        ],
        {"pk": UNKNOWN},
    ),
}


@pytest.fixture
def objects(users, org, make_project, today):
    """One of each record a URL takes, all of linqing's unit."""
    city, unit = users["city"], users["linqing"]
    aluminium = direction()
    nodes = chain(aluminium, "锭:up 板:mid", "锭>板")
    project = make_project()
    change = project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=today,
        actor=unit,
        evidence=[EvidenceFile(EvidenceKind.CONTRACT, pdf_file())],
        contracted_investment_wan=Decimal("100"),
    )
    funds = funds_submit(
        actor=unit,
        project=project,
        period=today,
        amount_wan=Decimal("10"),
        source="own",
        evidence=[EvidenceFile(EvidenceKind.BANK_RECEIPT, pdf_file())],
    )
    enterprise = enterprise_create(actor=city, name="某企业", uscc=make_uscc(1))
    other = enterprise_create(actor=city, name="另一企业", uscc=make_uscc(2, "320505"))
    job = import_job_create(
        actor=city, file=csv_file([["企业名称", "统一社会信用代码"], ["甲", make_uscc(3)]])
    )
    import_job_run(job=job, actor=city)
    return {
        "user": unit,
        "project": project,
        "funds": funds,
        "milestone": milestone_create(actor=unit, project=project, title="完成环评", due_on=today),
        "evidence": change.evidence.get(),
        "enterprise": enterprise,
        "contact": contact_create(
            actor=unit, enterprise=enterprise, name="张三", phone="13812345678"
        ),
        "relation": relation_create(actor=unit, source=enterprise, target=other, kind="supplier"),
        "signal": signal_create(
            actor=unit, enterprise=enterprise, kind="financing", on=today, title="A轮融资"
        ),
        "job": job,
        "target": target_entry_create(
            actor=city,
            year=2024,
            enterprise=enterprise,
            direction=aluminium,
            owner_unit=org["linqing"],
        ),
        "industry": aluminium.industry,
        "direction": aluminium,
        "node": nodes["锭"],
        "edge": ChainEdge.objects.get(source=nodes["锭"], target=nodes["板"]),
    }


def path_of(name: str, objects) -> str:
    if name == ADMIN:
        return reverse("admin:index")
    kwargs = {
        key: objects[value[1:]].pk if isinstance(value, str) and value.startswith("@") else value
        for key, value in KWARGS.get(name, {}).items()
    }
    return reverse(name, kwargs=kwargs)


def observed(users, objects, names) -> dict[str, dict[str, int]]:
    client = Client()
    out: dict[str, dict[str, int]] = {}
    for name in sorted(names):
        path = path_of(name, objects)
        out[name] = {}
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            out[name][role] = client.get(path).status_code
    return out


def test_every_url_has_an_entry_in_the_matrix():
    names = url_names()
    assert len(names) > 100
    assert sorted(names - set(MATRIX)) == [], "URLs without an entry in MATRIX"
    assert sorted(set(MATRIX) - names) == [], "entries in MATRIX for URLs that no longer exist"
    assert sorted(set(KWARGS) - names) == []


def test_every_url_answers_each_role_as_the_matrix_declares(users, objects):
    got = observed(users, objects, MATRIX)
    wrong = [
        (name, role, expected, got[name][role])
        for name, codes in MATRIX.items()
        for role, expected in zip(ROLES, codes, strict=True)
        if got[name][role] != expected
    ]
    assert wrong == []


# 三员分立: the security administrator has no business data either; where its GET differs from
# the system administrator's, it is on an account page of its own duty.
SECADMIN_DIFFERS = {
    "accounts:approval-queue": 200,  # it approves accounts
    "accounts:lockouts": 403,  # lifting a lockout is for those who manage accounts
    "accounts:user-create": 403,  # it creates none
    "accounts:user-edit": 403,  # nor edits one
}


def test_the_security_administrator_answers_like_the_system_administrator_elsewhere(users, objects):
    client = Client()
    client.force_login(users["secadmin"])
    sysadmin = ROLES.index("sysadmin")
    wrong = []
    for name, codes in sorted(MATRIX.items()):
        expected = SECADMIN_DIFFERS.get(name, codes[sysadmin])
        got = client.get(path_of(name, objects)).status_code
        if got != expected:
            wrong.append((name, expected, got))
    assert wrong == []
