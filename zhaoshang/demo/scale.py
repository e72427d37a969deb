"""Scale data for benchmarks: 10^5 projects and 10^6 funds records in a few minutes.

Same tables and valid values as the services write — stage dates consistent with the stage log,
funds only after signing and never above the total investment, verified by a city user who did
not enter them, evidence rows (pointing at a few shared placeholder files) behind every stage
change and funds record — but written in bulk: `executemany` on SQLite, `COPY` on PostgreSQL,
in chunks of projects, each chunk in its own transaction. Values go through the same adaptation
Django applies (dates, aware datetimes as naive UTC on SQLite, Decimal), so the ORM reads them
back exactly like service-written rows. One audit entry records the generation itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction

from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.reference import org_load
from zhaoshang.accounts.services import role_groups_sync
from zhaoshang.core import audit
from zhaoshang.core.models import AuditAction
from zhaoshang.enterprises.models import TOP500_TAGS, Enterprise
from zhaoshang.enterprises.tags import tags_setup
from zhaoshang.projects.models import (
    Evidence,
    EvidenceKind,
    FundsRecord,
    FundsStatus,
    Project,
    ProjectInvestorNames,
    Stage,
    StageChange,
)
from zhaoshang.projects.services.funds_totals import funds_totals_rebuild
from zhaoshang.projects.services.project_totals import project_totals_rebuild

from . import names
from .catalogue import campaigns_load, industries_load
from .placeholders import pdf_bytes
from .planner import (
    FINAL_STAGE_WEIGHTS,
    MODE_WEIGHTS,
    REJECT_REASONS,
    SOURCE_WEIGHTS,
    STAGE_GAPS,
)
from .reference import (
    DEFAULT_SEED,
    FOREIGN_ORIGINS,
    INDUSTRIES,
    PLACES,
    REFERENCE_DATE,
    REGION_WEIGHTS,
    UNIT_INDUSTRY_WEIGHTS,
    UNIT_PROJECT_WEIGHTS,
)
from .users import DEMO_USERNAMES, DEMO_USERS, users_load

CHUNK = 5_000  # projects per transaction
SQLITE_BATCH = 20_000  # rows per executemany
ORDER = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING]
DATE_FIELD = {
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
    Stage.DROPPED: "dropped_on",
}
STAGE_EVIDENCE = {
    Stage.SIGNED: EvidenceKind.CONTRACT,
    Stage.STARTED: EvidenceKind.CONSTRUCTION_PERMIT,
    Stage.OPERATING: EvidenceKind.PRODUCTION_LICENCE,
}
FUNDS_KIND = EvidenceKind.BANK_RECEIPT
ENTERPRISE_COLUMNS = [
    "id", "name", "uscc", "division_code", "country", "address", "is_local", "province_code",
    "is_sample", "created_at", "updated_at",
]  # fmt: skip
PROJECT_COLUMNS = [
    "id", "name", "unit_id", "industry_id", "direction_id", "attraction_mode", "campaign_id",
    "total_investment_wan", "contracted_investment_wan", "foreign_investment_usd_wan", "land_mu",
    "expected_jobs", "expected_output_wan", "expected_tax_wan", "is_key", "lead_leader_id",
    "commissioner_id", "team", "description", "duplicate_reason", "created_by_id", "stage",
    "negotiating_on", "signed_on", "started_on", "operating_on", "dropped_on", "drop_reason",
    "is_out_of_province", "is_foreign", "is_top500", "created_at", "updated_at",
]  # fmt: skip
STAGE_COLUMNS = [
    "id", "project_id", "from_stage", "to_stage", "on", "actor_id", "note", "is_reversal",
    "created_at",
]  # fmt: skip
FUNDS_COLUMNS = [
    "id", "project_id", "period", "amount_wan", "source", "status", "note", "submitted_by_id",
    "submitted_at", "verified_by_id", "verified_at", "reject_reason", "override_reason",
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "project_id", "kind", "file", "original_name", "size", "sha256", "stage_change_id",
    "funds_record_id", "progress_update_id", "uploaded_by_id", "uploaded_at",
]  # fmt: skip
# Funds of the last two months still wait in the city's verification queue.
QUEUE_FROM = dt.date(REFERENCE_DATE.year, REFERENCE_DATE.month - 1, 1)
FUNDS_SHARE = {Stage.SIGNED: (0.03, 0.2), Stage.STARTED: (0.15, 0.6), Stage.OPERATING: (0.5, 0.9)}


@dataclass
class ScaleOptions:
    projects: int
    funds_per_project: int = 10
    enterprises: int = 0  # 0: projects // 5
    seed: int = DEFAULT_SEED
    since: dt.date = dt.date(2020, 1, 6)
    password: str = ""


# --- bulk writing -------------------------------------------------------------------------------


class BulkWriter:
    """Inserts rows (tuples in `columns` order, attnames) into a model's table, fast."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.columns = list(columns)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [by_attname[c] for c in self.columns]
        self.converters = [self._converter(f) for f in self.fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.column_sql = ", ".join(quote(f.column) for f in self.fields)
        self.count = 0

    @staticmethod
    def _converter(field: models.Field) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if connection.vendor == "sqlite" and kind == "DateTimeField":
            # What DatabaseOperations.adapt_datetimefield_value does: naive UTC, as text.
            return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
        if kind in ("DateTimeField", "DateField", "DecimalField"):
            return None  # psycopg and Django's sqlite3 adapters take these natively
        if kind in ("CharField", "TextField", "SlugField", "BooleanField", "FileField"):
            return None
        if kind.endswith(("IntegerField", "AutoField")) or kind == "ForeignKey":
            return None
        return lambda v: field.get_db_prep_save(v, connection)

    def _prepare(self, rows: Iterable[tuple]) -> Iterable[tuple]:
        pairs = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        if not pairs:
            yield from rows
            return
        for row in rows:
            values = list(row)
            for i, convert in pairs:
                values[i] = convert(values[i])
            yield tuple(values)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        prepared = self._prepare(rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({marks})"
                batch: list[tuple] = []
                for row in prepared:
                    batch.append(row)
                    if len(batch) >= SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        self.count += len(rows)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- generation ---------------------------------------------------------------------------------


def _utc(day: dt.date, hour_local: int, minute: int) -> dt.datetime:
    """Office hours in Beijing time (UTC+8) as an aware UTC instant on the same date."""
    return dt.datetime(day.year, day.month, day.day, hour_local - 8, minute, tzinfo=dt.UTC)


def _weekday(day: dt.date, floor: dt.date) -> dt.date:
    if day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    return max(day, floor)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass
class Skeleton:
    """What is decided first for every project: where, what, and its stage path."""

    unit_code: str
    direction: str
    industry: str
    total: int  # 万元
    lead_on: dt.date
    path: list[tuple[str, dt.date]]

    @property
    def final(self) -> str:
        return self.path[-1][0] if self.path else Stage.LEAD

    def on(self, stage: str) -> dt.date | None:
        return next((d for s, d in self.path if s == stage), None)


class ScaleGenerator:
    def __init__(self, options: ScaleOptions, stdout: TextIO | None) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.stdout = stdout
        self.started = time.monotonic()
        self.modes = [str(k) for k, w in MODE_WEIGHTS.items() for _ in range(w)]
        self.sources = [str(k) for k, w in SOURCE_WEIGHTS.items() for _ in range(w)]
        self.products = {d.code: d.products for i in INDUSTRIES for d in i.directions}
        self.key_count = 0

    def say(self, message: str) -> None:
        if self.stdout is not None:
            elapsed = time.monotonic() - self.started
            self.stdout.write(f"[{elapsed:6.1f}s] {message}\n")
            self.stdout.flush()

    # base ------------------------------------------------------------------------------------

    def base(self) -> None:
        """Units, demo users, tags, industries and campaigns, through the normal code paths."""
        with transaction.atomic():
            org_load()
            role_groups_sync()
            if User.objects.filter(username__in=DEMO_USERNAMES).count() < len(DEMO_USERNAMES):
                users_load(password=self.options.password)
            self.users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
            city = self.users["city"]
            self.tags = tags_setup(actor=city)
            self.industries, self.directions = industries_load(actor=city)
            self.campaigns = list(campaigns_load(actor=city).values())
        self.units = {u.code: u for u in Unit.objects.all()}
        self.staff = {
            u.unit_code: self.users[u.username].pk for u in DEMO_USERS if u.role == "unit_staff"
        }
        self.placeholders = self._placeholder_files()

    def _placeholder_files(self) -> dict[str, tuple[str, int, str]]:
        """One shared file per evidence kind: (storage name, size, sha256)."""
        files = {}
        for kind in (*STAGE_EVIDENCE.values(), FUNDS_KIND):
            content = pdf_bytes(f"Zhaoshang scale-test placeholder: {kind}")
            name = f"evidence/scale/{kind}.pdf"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(content))
            files[kind] = (name, len(content), hashlib.sha256(content).hexdigest())
        return files

    # enterprises -----------------------------------------------------------------------------

    def enterprises(self) -> None:
        rng = self.rng
        count = self.options.enterprises or max(300, self.options.projects // 5)
        self.say(f"企业 {count:,} 家 …")
        first_id = _next_id(Enterprise)
        writer = BulkWriter(Enterprise, ENTERPRISE_COLUMNS)
        tag_writer = BulkWriter(Enterprise.tags.through, ["enterprise_id", "tag_id"])
        regions = {r: [p for p in PLACES if p.region == r] for r in REGION_WEIGHTS}
        region_keys = list(REGION_WEIGHTS)
        region_weights = list(REGION_WEIGHTS.values())
        words = [(i.code, w) for i in INDUSTRIES for d in i.directions for w in d.company_words]
        serials = rng.sample(range(10_000_000, 100_000_000), count)
        stamp = _utc(self.options.since - dt.timedelta(days=3), 9, 0)
        # What projects need to derive their flags: province, foreign, top-500.
        self.ent_out_of_province: list[bool] = []
        self.ent_foreign: list[bool] = []
        self.ent_top500: list[bool] = []
        self.ent_industry: list[str] = []
        self.ent_brand: list[str] = []
        self.first_enterprise = first_id
        tag_ids = {code: tag.pk for code, tag in self.tags.items()}
        rows: list[tuple] = []
        tag_rows: list[tuple] = []
        for n in range(count):
            region = rng.choices(region_keys, region_weights)[0]
            industry, word = rng.choice(words)
            brand = names.brand(rng)
            pk = first_id + n
            if region == "foreign":
                country = rng.choice(FOREIGN_ORIGINS)[0]
                name = names.foreign_company_name(rng, country=country, brand_name=brand, word=word)
                rows.append((pk, name, None, "", country, "", False, "", True, stamp, stamp))
                out_of_province, foreign = False, True
            else:
                place = rng.choice(regions[region])
                name = names.company_name(rng, city=place.city, brand_name=brand, word=word)
                code = names.uscc_for(place.code, serials[n])
                province = place.code[:2]
                local = place.code.startswith("3715")
                rows.append(
                    (pk, name, code, place.code, "CN", "", local, province, True, stamp, stamp)
                )
                out_of_province, foreign = province != "37", False
            top500 = False
            roll = rng.random()
            if roll < 0.12:
                chosen = rng.sample(list(tag_ids), k=rng.randint(1, 2))
                top500 = any(c in TOP500_TAGS for c in chosen)
                tag_rows.extend((pk, tag_ids[c]) for c in chosen)
            self.ent_out_of_province.append(out_of_province)
            self.ent_foreign.append(foreign)
            self.ent_top500.append(top500)
            self.ent_industry.append(industry)
            self.ent_brand.append(brand)
            if len(rows) >= 50_000:
                with transaction.atomic():
                    writer.write(rows)
                    tag_writer.write(tag_rows)
                rows, tag_rows = [], []
                reset_queries()
        with transaction.atomic():
            writer.write(rows)
            tag_writer.write(tag_rows)
        _reset_sequences([Enterprise])
        self.enterprise_count = count
        self.by_industry: dict[str, list[int]] = {}
        for n, industry in enumerate(self.ent_industry):
            self.by_industry.setdefault(industry, []).append(n)

    # projects --------------------------------------------------------------------------------

    def skeletons(self) -> list[Skeleton]:
        rng = self.rng
        since = self.options.since
        stage_keys = [str(k) for k in FINAL_STAGE_WEIGHTS]
        stage_weights = list(FINAL_STAGE_WEIGHTS.values())
        unit_keys = list(UNIT_PROJECT_WEIGHTS)
        unit_weights = list(UNIT_PROJECT_WEIGHTS.values())
        industry_choice = {u: (list(w), list(w.values())) for u, w in UNIT_INDUSTRY_WEIGHTS.items()}
        directions = {i.code: [d.code for d in i.directions] for i in INDUSTRIES}
        out = []
        for _ in range(self.options.projects):
            unit_code = rng.choices(unit_keys, unit_weights)[0]
            keys, weights = industry_choice[unit_code]
            industry = rng.choices(keys, weights)[0]
            final = rng.choices(stage_keys, stage_weights)[0]
            if final == Stage.DROPPED:
                before = rng.choices(ORDER[:3], (40, 50, 10))[0]
                steps = [str(s) for s in ORDER[1 : ORDER.index(before) + 1]] + [Stage.DROPPED]
            else:
                steps = [str(s) for s in ORDER[1 : ORDER.index(Stage(final)) + 1]]
                if (
                    Stage.NEGOTIATING in steps
                    and final != Stage.NEGOTIATING
                    and rng.random() < 0.15
                ):
                    steps.remove(Stage.NEGOTIATING)
            gaps = [rng.randint(*STAGE_GAPS[s]) for s in steps]
            earliest = since
            if final in (Stage.LEAD, Stage.NEGOTIATING):
                earliest = max(since, REFERENCE_DATE - dt.timedelta(days=420))
            room = max(0, (REFERENCE_DATE - earliest).days - sum(gaps))
            lead_on = _weekday(earliest + dt.timedelta(days=rng.randint(0, room)), since)
            path = []
            day = lead_on
            for stage, gap in zip(steps, gaps, strict=True):
                day = min(_weekday(day + dt.timedelta(days=gap), day), REFERENCE_DATE)
                path.append((stage, day))
            band = rng.random()
            if band < 0.22:
                total = rng.randint(20, 99) * 100
            elif band < 0.75:
                total = rng.randint(100, 600) * 100
            elif band < 0.96:
                total = rng.randint(60, 200) * 1000
            else:
                total = rng.randint(200, 400) * 1000
            direction = rng.choice(directions[industry])
            out.append(Skeleton(unit_code, direction, industry, total, lead_on, path))
        return out

    def funds_quota(self, skeletons: list[Skeleton]) -> list[int]:
        """How many funds records each project gets: exactly the target when capacity allows.

        A project can hold one live record per month from its signing month to the reference
        date; the target is spread in proportion to that capacity.
        """
        target = self.options.projects * self.options.funds_per_project
        capacity = []
        for s in skeletons:
            signed = s.on(Stage.SIGNED)
            eligible = s.final in FUNDS_SHARE and signed is not None
            capacity.append(len(_months(signed, REFERENCE_DATE)) if eligible else 0)  # type: ignore[arg-type]
        total_capacity = sum(capacity)
        if total_capacity <= target:
            return capacity
        quota = [c * target // total_capacity for c in capacity]
        short = target - sum(quota)
        i = 0
        while short > 0:
            if quota[i] < capacity[i]:
                quota[i] += 1
                short -= 1
            i = (i + 1) % len(quota)
        return quota

    def projects(self) -> None:
        opts = self.options
        skeletons = self.skeletons()
        quotas = self.funds_quota(skeletons)
        self.say(f"项目 {opts.projects:,} 个，到位资金记录 {sum(quotas):,} 条 …")
        writers = {
            "project": BulkWriter(Project, PROJECT_COLUMNS),
            "investor": BulkWriter(Project.investors.through, ["project_id", "enterprise_id"]),
            "stage": BulkWriter(StageChange, STAGE_COLUMNS),
            "funds": BulkWriter(FundsRecord, FUNDS_COLUMNS),
            "evidence": BulkWriter(Evidence, EVIDENCE_COLUMNS),
        }
        ids = {
            "project": _next_id(Project),
            "stage": _next_id(StageChange),
            "funds": _next_id(FundsRecord),
        }
        for start in range(0, len(skeletons), CHUNK):
            rows: dict[str, list[tuple]] = {k: [] for k in writers}
            for offset, skeleton in enumerate(skeletons[start : start + CHUNK]):
                self._project_rows(skeleton, quotas[start + offset], ids, rows)
            with transaction.atomic():
                for key, writer in writers.items():
                    writer.write(rows[key])
            reset_queries()
            done = min(start + CHUNK, len(skeletons))
            if done % (CHUNK * 4) == 0 or done == len(skeletons):
                self.say(f"  {done:,} 个项目已写入")
        _reset_sequences([Project, StageChange, FundsRecord, Evidence])
        self.counts = {k: w.count for k, w in writers.items()}
        # The projects and funds records went in without the services: recompute their totals.
        self.say("到位资金月度合计、项目合计 …")
        funds_totals_rebuild()
        project_totals_rebuild()

    def _project_rows(
        self, s: Skeleton, quota: int, ids: dict[str, int], rows: dict[str, list[tuple]]
    ) -> None:
        rng = self.rng
        pk = ids["project"]
        ids["project"] += 1
        staff = self.staff[s.unit_code]
        pool = self.by_industry.get(s.industry)
        if pool and rng.random() < 0.85:
            investors = [rng.choice(pool)]
        else:
            investors = [rng.randrange(self.enterprise_count)]
        if rng.random() < 0.1:
            other = rng.randrange(self.enterprise_count)
            if other != investors[0]:
                investors.append(other)
        for n in investors:
            rows["investor"].append((pk, self.first_enterprise + n))
        foreign = any(self.ent_foreign[n] for n in investors)
        total = Decimal(s.total)
        signed = s.on(Stage.SIGNED)
        contracted = None
        if signed is not None:
            contracted = Decimal(max(100, int(s.total * rng.uniform(0.75, 1.0)) // 100 * 100))
        is_key = s.total >= 60_000 and s.final != Stage.DROPPED and rng.random() < 0.12
        self.key_count += is_key
        product = rng.choice(self.products[s.direction])
        name = names.project_name_for(rng, product=product, brand_name=self.ent_brand[investors[0]])
        campaign = None
        if rng.random() < 0.2:
            for c in self.campaigns:
                if c.starts_on and c.ends_on and c.starts_on <= s.lead_on <= c.ends_on:
                    campaign = c.pk
                    break
        dates = dict.fromkeys(DATE_FIELD.values())
        for stage, day in s.path:
            dates[DATE_FIELD[stage]] = day
        final = s.final
        last_day = s.path[-1][1] if s.path else s.lead_on
        output = Decimal(int(s.total * rng.uniform(0.8, 2.0)))
        usd = (total * Decimal("0.6") / Decimal("7.1")).quantize(Decimal("1")) if foreign else None
        rows["project"].append((
            pk, name, self.units[s.unit_code].pk, self.industries[s.industry].pk,
            self.directions[s.direction].pk, rng.choice(self.modes), campaign, total, contracted,
            usd, Decimal(f"{s.total / rng.uniform(250, 600):.1f}"),
            max(20, int(s.total / rng.uniform(60, 160))), output,
            (output * Decimal("0.05")).quantize(Decimal("1")), is_key,
            self.users["leader"].pk if is_key else None,
            self.users["commissioner"].pk if is_key else None, "",
            f"主要建设{product}生产线及配套设施。", "", staff, final,
            dates["negotiating_on"], dates["signed_on"], dates["started_on"],
            dates["operating_on"], dates["dropped_on"],
            "投资方战略调整" if final == Stage.DROPPED else "",
            any(self.ent_out_of_province[n] for n in investors), foreign,
            any(self.ent_top500[n] for n in investors),
            _utc(s.lead_on, rng.randint(8, 9), rng.randint(0, 59)), _utc(last_day, 17, 0),
        ))  # fmt: skip

        previous = ""
        for stage, day in [(Stage.LEAD.value, s.lead_on), *s.path]:
            sc = ids["stage"]
            ids["stage"] += 1
            at = _utc(day, 10, rng.randint(0, 59))
            rows["stage"].append((sc, pk, previous, stage, day, staff, "", False, at))
            previous = stage
            kind = STAGE_EVIDENCE.get(stage)
            if kind:
                file_name, size, digest = self.placeholders[kind]
                rows["evidence"].append(
                    (pk, kind, file_name, f"{EvidenceKind(kind).label}.pdf", size, digest, sc,
                     None, None, staff, at)
                )  # fmt: skip

        if quota <= 0 or signed is None:
            return
        months = _months(signed, REFERENCE_DATE)
        chosen = sorted(rng.sample(months, quota)) if quota < len(months) else months
        share = rng.uniform(*FUNDS_SHARE[final])
        parts = [rng.uniform(0.5, 1.5) for _ in chosen]
        scale = s.total * share / sum(parts)
        city, verifier = self.users["city"].pk, self.users["city_verifier"].pk
        file_name, size, digest = self.placeholders[FUNDS_KIND]
        for period, part in zip(chosen, parts, strict=True):
            fid = ids["funds"]
            ids["funds"] += 1
            submit_day = period + dt.timedelta(days=rng.randint(33, 40))
            submit_day = min(max(submit_day, signed), REFERENCE_DATE)
            submitted_at = _utc(submit_day, rng.randint(13, 15), rng.randint(0, 59))
            if period >= QUEUE_FROM:
                status, by, at, reason = FundsStatus.SUBMITTED, None, None, ""
            else:
                decide_day = min(submit_day + dt.timedelta(days=rng.randint(1, 12)), REFERENCE_DATE)
                at = _utc(decide_day, 16, rng.randint(0, 59))
                by = verifier if rng.random() < 0.3 else city
                if rng.random() < 0.03:
                    status, reason = FundsStatus.REJECTED, rng.choice(REJECT_REASONS)
                else:
                    status, reason = FundsStatus.VERIFIED, ""
            rows["funds"].append((
                fid, pk, period, Decimal(max(1, int(part * scale))), rng.choice(self.sources),
                status, "", staff, submitted_at, by, at, reason, "",
            ))  # fmt: skip
            rows["evidence"].append(
                (pk, FUNDS_KIND, file_name, "银行进账单.pdf", size, digest, None, fid, None, staff,
                 submitted_at)
            )  # fmt: skip


def scale_load(options: ScaleOptions, *, stdout: TextIO | None = None) -> dict[str, int]:
    """Generate scale data; returns the row counts written per table."""
    generator = ScaleGenerator(options, stdout)
    generator.say("基础数据（单位、用户、产业、标签、会战）…")
    generator.base()
    generator.enterprises()
    generator.projects()
    counts = {"enterprises": generator.enterprise_count, **generator.counts}
    with transaction.atomic():
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            object_repr="规模测试数据",
            note=(
                f"load_demo 批量生成：企业 {counts['enterprises']:,} 家，项目 {counts['project']:,} 个，"
                f"到位资金记录 {counts['funds']:,} 条（种子 {options.seed}）"
            ),
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum does soon after a bulk insert (statistics, visibility map); doing
        # it now makes the first queries representative of a database in use.
        generator.say("VACUUM ANALYZE …")
        with connection.cursor() as cursor:
            for model in (
                Enterprise,
                Project,
                Project.investors.through,
                ProjectInvestorNames,
                StageChange,
                FundsRecord,
                Evidence,
            ):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    generator.say("完成")
    return counts
