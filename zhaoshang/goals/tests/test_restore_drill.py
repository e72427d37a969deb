"""The backup and restore drill: `manage.py backup` of a working city, `manage.py restore` into an
empty database and an empty MEDIA_ROOT (another process, as an operator would), and everything is
back — each record, each evidence file, each audit entry with the chain intact, and the published
ranking still verifying."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from zhaoshang.core.backup import BackupError, restore
from zhaoshang.core.models import AuditEntry
from zhaoshang.goals.services import goals_set, scheme_create, snapshot_publish
from zhaoshang.projects.models import Evidence, FundsRecord, Project

from .test_ranking import CONFIG, DCF, L

ROOT = Path(settings.BASE_DIR)
COUNTS = """
import io
import json
from django.conf import settings
from zhaoshang.core.models import AuditEntry
from zhaoshang.goals.models import RankingSnapshot
from zhaoshang.projects.models import Evidence, FundsRecord, Project
print(json.dumps({
    "projects": sorted(Project.objects.values_list("pk", "name", "total_investment_wan")),
    "funds": sorted(FundsRecord.objects.values_list("pk", "amount_wan", "status")),
    "evidence": sorted(
        (e.pk, e.file.name, (settings.MEDIA_ROOT / e.file.name).read_bytes().hex())
        for e in Evidence.objects.all()
    ),
    "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "chain_hash")),
    "rankings": list(RankingSnapshot.objects.values_list("quarter", "sha256")),
}, default=str))
"""


@pytest.fixture
def published(users, world):
    goals_set(
        actor=users["city"],
        year=2024,
        indicator="funds_verified",
        city_target=62000,
        shares={L: 10000, DCF: 50000, "371503": 1000, "371526": 1000},
    )
    scheme = scheme_create(actor=users["city"], code="test", name="测试办法", config=CONFIG)
    return snapshot_publish(actor=users["city"], scheme=scheme, quarter="2024Q1")


@pytest.fixture
def empty_database(tmp_path):
    """The URL of an empty database beside the test database (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"{url.replace('postgresql://', 'postgres://')}/{name}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _counts(env: dict[str, str] | None = None) -> dict:
    if env is None:
        namespace: dict = {}
        from contextlib import redirect_stdout
        from io import StringIO

        out = StringIO()
        with redirect_stdout(out):
            exec(COUNTS, namespace)
        return json.loads(out.getvalue())
    done = _manage(env, "shell", "-c", COUNTS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_record_file_and_audit_entry(
    published, tmp_path, empty_database
):
    before = _counts()
    assert len(before["evidence"]) >= 5 and len(before["funds"]) >= 7
    assert len(before["rankings"]) == 1 and len(before["audit"]) == AuditEntry.objects.count()

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    assert "备份完成" in out.getvalue()
    (backup_dir,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["tables"]["projects_project"] == Project.objects.count()
    assert manifest["tables"]["projects_fundsrecord"] == FundsRecord.objects.count()
    assert manifest["tables"]["core_auditentry"] == AuditEntry.objects.count()
    assert set(manifest["files"]) == {e.file.name for e in Evidence.objects.all()}
    assert manifest["audit_head"]["seq"] == AuditEntry.objects.count()

    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "ZHAOSHANG_VAR_DIR": str(tmp_path / "var"),
        "ZHAOSHANG_TESTING": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
    }
    done = _manage(env, "restore", str(backup_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "核验通过" in done.stdout

    assert _counts(env) == before
    chain = _manage(env, "verify_audit_chain")
    assert chain.returncode == 0 and "核验通过：哈希链完整" in chain.stdout, chain.stdout
    ranking = _manage(env, "verify_ranking", "2024Q1", "--scheme", "test")
    assert ranking.returncode == 0 and "发布后无变化" in ranking.stdout, ranking.stdout

    # The restored copy is a drill target, not a second production: a second restore refuses.
    again = _manage(env, "restore", str(backup_dir))
    assert again.returncode == 1 and "目标数据库不是空的" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_a_changed_evidence_file_is_refused_before_anything_is_touched(
    published, tmp_path
):
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    (backup_dir,) = tmp_path.glob("zhaoshang-*")
    name = next(iter(json.loads((backup_dir / "manifest.json").read_text())["files"]))
    (backup_dir / "media" / name).write_bytes(b"%PDF-1.4 forged")
    with pytest.raises(BackupError, match=f"证明材料 {name} 在备份中缺失或校验和不符"):
        restore(backup_dir)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(published, tmp_path):
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    (backup_dir,) = tmp_path.glob("zhaoshang-*")
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(backup_dir))
    call_command("restore", str(backup_dir), "--check-only", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_backup_names_an_evidence_file_missing_from_media(published, tmp_path):
    evidence = Evidence.objects.exclude(file="").first()
    (Path(settings.MEDIA_ROOT) / evidence.file.name).unlink()
    with pytest.raises(CommandError, match="在 MEDIA_ROOT 中找不到") as exc:
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    assert exc.value.returncode == 1
    (backup_dir,) = (tmp_path / "b").iterdir()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["missing_files"] == [evidence.file.name]
