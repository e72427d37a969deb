"""The gap-analysis thresholds service: validation at the field, permission, one audit entry per
change."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.models import AuditEntry
from zhaoshang.core.tests.api_support import audit_actions, last_audit_id
from zhaoshang.targeting.chains.services import gap_thresholds_update
from zhaoshang.targeting.models import GapThresholds

pytestmark = pytest.mark.django_db


def test_thresholds_are_created_then_updated_each_audited(users):
    since = last_audit_id()
    th = gap_thresholds_update(actor=users["city"], fill_below=2, strengthen_below=4)
    assert GapThresholds.objects.count() == 1
    assert (th.fill_below, th.strengthen_below, th.strong_min_enterprises) == (2, 4, 5)
    th = gap_thresholds_update(actor=users["city2"], build_chain_below_share=Decimal("0.35"))
    assert th.build_chain_below_share == Decimal("0.35")
    assert GapThresholds.objects.count() == 1
    entries = list(AuditEntry.objects.filter(id__gt=since).order_by("id"))
    assert [(e.action, e.username) for e in entries] == [("create", "city"), ("update", "city2")]
    assert ("build_chain_below_share", "0.20", "0.35") in entries[1].changed_fields()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"fill_below": 4, "strengthen_below": 3}, "strengthen_below"),
        ({"build_chain_below_share": Decimal("1.5")}, "build_chain_below_share"),
        ({"placement_min_confidence": Decimal("-0.1")}, "placement_min_confidence"),
        ({"strengthen_output_below_wan": Decimal("-1")}, "strengthen_output_below_wan"),
        ({"strong_min_enterprises": 0}, "strong_min_enterprises"),
    ],
)
def test_bad_thresholds_are_refused_at_their_field(users, values, field):
    with pytest.raises(ValidationError) as info:
        gap_thresholds_update(actor=users["city"], **values)
    assert field in info.value.message_dict
    assert not GapThresholds.objects.exists()


@pytest.mark.parametrize("name", ["inspector", "linqing", "leader", "sysadmin", "norole"])
def test_only_the_city_edits_the_thresholds(users, name):
    since = last_audit_id()
    with pytest.raises(PermissionDenied, match=r"^没有修改缺链分析阈值的权限$"):
        gap_thresholds_update(actor=users[name], fill_below=2)
    assert not GapThresholds.objects.exists()
    assert audit_actions(since) == []
