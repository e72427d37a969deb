"""Scale data: valid codes and divisions, realistic regions and rarities, fast bulk writes,
and a generated CSV that the importer takes without an error."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from stdnum.cn import uscc as uscc_std

from zhaoshang.demo import enterprises as generation
from zhaoshang.enterprises.importing.service import import_job_create, import_job_run
from zhaoshang.enterprises.models import Contact, Enterprise, Relation, Signal
from zhaoshang.geo import divisions

pytestmark = pytest.mark.django_db


def test_generated_enterprises_have_valid_unique_codes_and_current_divisions():
    generator = generation.EnterpriseGenerator(seed=7)
    sample = list(generator.many(3000))
    assert len(sample) == 3000
    codes = [e.uscc for e in sample]
    assert len(set(codes)) == len(codes)
    assert all(uscc_std.is_valid(c) for c in codes)
    for e in sample:
        division = divisions.lookup(e.division_code)
        assert division is not None and not division.abolished
        assert e.uscc[2:8] == e.division_code
        assert e.is_local == e.division_code.startswith("3715")
        assert e.registered_capital_wan >= 0 and e.founded_on <= generator.today
    regions = Counter()
    for e in sample:
        code = e.division_code
        if code[:2] in ("31", "32", "33"):
            regions["长三角"] += 1
        elif code[:2] == "37":
            regions["山东"] += 1
    assert 0.15 < regions["长三角"] / len(sample) < 0.35
    assert 0.06 < regions["山东"] / len(sample) < 0.16
    assert any(e.is_local for e in sample)


def test_the_same_seed_gives_the_same_enterprises():
    first = [e.uscc + e.name for e in generation.EnterpriseGenerator(seed=3).many(50)]
    again = [e.uscc + e.name for e in generation.EnterpriseGenerator(seed=3).many(50)]
    other = [e.uscc + e.name for e in generation.EnterpriseGenerator(seed=4).many(50)]
    assert first == again != other


def test_business_scopes_come_from_chain_node_keywords_when_chains_exist(chain):
    trades = generation.trades_from_chains()
    assert {t.node_id for t in trades} == {n.pk for n in chain["nodes"].values()}
    generator = generation.EnterpriseGenerator(seed=1, trades=trades)
    scopes = [e.business_scope for e in generator.many(2000) if e.node_id]
    assert scopes and any("轮毂" in s for s in scopes) and any("套圈" in s for s in scopes)


def test_the_command_writes_enterprises_tags_signals_relations_and_contacts(capsys):
    call_command("generate_enterprises", "--count", "3000", "--seed", "11", "--batch", "1000")
    assert Enterprise.objects.count() == 3000
    assert Enterprise.objects.filter(is_sample=True).count() == 3000
    tagged = Enterprise.objects.filter(tags__isnull=False).distinct().count()
    assert 0.02 * 3000 < tagged < 0.4 * 3000
    assert Signal.objects.count() > 300 and Relation.objects.count() > 300
    assert Contact.objects.exists()
    assert Relation.objects.filter(kind="subsidiary").exists()
    assert Enterprise.objects.filter(parent__isnull=False).exists()
    assert "已生成企业 3,000 家" in capsys.readouterr().out
    enterprise = Enterprise.objects.create(name="之后手工登记")  # sequences moved past the ids
    assert enterprise.pk > Enterprise.objects.exclude(pk=enterprise.pk).order_by("-pk")[0].pk
    call_command("generate_enterprises", "--count", "500", "--seed", "11", "--batch", "1000")
    assert Enterprise.objects.count() == 3501  # a second run never collides with the first


def test_a_generated_csv_imports_without_a_single_error(tmp_path, users, all_tags):
    path = tmp_path / "scale.csv"
    call_command(
        "generate_enterprises", "--count", "1500", "--csv", str(path), "--encoding", "gb18030"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scale.csv", path.read_bytes())
    job = import_job_create(actor=users["city"], file=upload, dry_run=False)
    report = import_job_run(job=job, actor=users["city"])
    assert report.ok, report.as_dict()["errors"][:5]
    assert report.created == 1500 and report.audit == "bulk" and report.encoding == "gb18030"
    assert Enterprise.objects.filter(tags__isnull=False).exists()
