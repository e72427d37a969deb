"""Computing a quarter of a ranking scheme, and checking a published one.

``compute_quarter(scheme, "2024Q1")`` gathers the *inputs* from live records — for each scored
column and each bonus / deduction the indicator's figure per unit with the record ids behind it,
the goals the completion columns need, the previous quarter's published totals and ranks — and
scores them with ``score_inputs``, a pure function of (rules, inputs). Publishing stores inputs,
rules version and results with a SHA-256 over their canonical JSON; ``verify_snapshot`` re-runs
``score_inputs`` on the stored inputs (a check anyone can repeat) and, separately, recomputes the
inputs from today's records to list what changed since publication.

The inputs name units by code and records by id; every number is a string of a Decimal, so the
canonical JSON (schemes.canonical_json) and its hash are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from zhaoshang.accounts.models import Unit
from zhaoshang.core.periods import Period, parse_period

from . import scoring
from .indicators import INDICATORS, Figure, evaluate, parse_options
from .models import Goal, RankingScheme, RankingSnapshot, SchemeVersion
from .schemes import METHODS, canonical_json, sha256_of

ZERO = Decimal(0)


def _s(value: Decimal) -> str:
    return str(value)


def scheme_version_of(scheme: RankingScheme | SchemeVersion | str) -> SchemeVersion:
    """The version to compute with: a version as given, else the scheme's current one."""
    if isinstance(scheme, SchemeVersion):
        return scheme
    if isinstance(scheme, str):
        try:
            scheme = RankingScheme.objects.get(code=scheme)
        except RankingScheme.DoesNotExist:
            raise ValidationError({"scheme": [f"未知考核办法“{scheme}”"]}) from None
    version = scheme.current
    if version is None:
        raise ValidationError({"scheme": [f"考核办法“{scheme.name}”尚无规则"]})
    return version


def parse_quarter(quarter: str | Period) -> Period:
    period = parse_period(quarter, field="quarter")
    if period.kind != "quarter":
        raise ValidationError({"quarter": ["竞赛榜按季度计算，请使用 2024Q1 这样的季度"]})
    return period


def span_period(period: Period, span: str) -> Period:
    """The stretch a column covers: the quarter, or January to the quarter's end."""
    if span == "quarter":
        return period
    return parse_period(f"{period.label}YTD")


def resolve_tracks(config: dict[str, Any]) -> list[tuple[str, list[Unit]]]:
    """(track name, units in order) for the scheme's tracks."""
    out = []
    for track in config["tracks"]:
        if "track" in track:
            units = list(Unit.objects.filter(track=track["track"]).order_by("sort_order", "code"))
        else:
            by_code = {u.code: u for u in Unit.objects.filter(code__in=track["units"])}
            missing = [c for c in track["units"] if c not in by_code]
            if missing:
                raise ValidationError(
                    {"config": [f"赛道“{track['name']}”中的单位不存在：{missing}"]}
                )
            units = [by_code[c] for c in track["units"]]
        out.append((track["name"], units))
    return out


@dataclass
class Computation:
    """A quarter computed from live records (not yet, or not necessarily, published)."""

    version: SchemeVersion
    period: Period
    inputs: dict[str, Any]
    results: dict[str, Any]
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def scheme(self) -> RankingScheme:
        return self.version.scheme

    @property
    def payload(self) -> dict[str, Any]:
        return hash_payload(self.version, self.inputs, self.results)

    @property
    def sha256(self) -> str:
        return sha256_of(self.payload)


def scheme_payload(version: SchemeVersion) -> dict[str, Any]:
    return {"code": version.scheme.code, "version": version.number, "config": version.config}


def hash_payload(version: SchemeVersion, inputs: dict, results: dict) -> dict[str, Any]:
    return {"inputs": inputs, "scheme": scheme_payload(version), "results": results}


def _figure_input(figure: Figure, codes: dict[int, str]) -> dict[str, Any]:
    units: dict[str, Any] = {}
    for unit_id, code in codes.items():
        row: dict[str, Any] = {"value": _s(figure.value(unit_id))}
        if figure.records is not None:
            row["records"] = [[pk, _s(amount)] for pk, amount in figure.records.get(unit_id, [])]
        units[code] = row
    return {
        "indicator": figure.indicator.key,
        "period": figure.period.label,
        "options": figure.options.as_dict(figure.indicator),
        "model": figure.record_model,
        "units": units,
    }


def _previous_input(version: SchemeVersion, period: Period) -> dict[str, Any] | None:
    previous = RankingSnapshot.objects.filter(
        scheme_id=version.scheme_id, quarter=period.previous().label
    ).first()
    if previous is None:
        return None
    units = {
        row["unit"]: {"total": row["total"], "rank": row["rank"]}
        for track in previous.results["tracks"]
        for row in track["units"]
    }
    return {"quarter": previous.quarter, "sha256": previous.sha256, "units": units}


def compute_quarter(
    scheme: RankingScheme | SchemeVersion | str,
    quarter: str | Period,
    *,
    drilldown: bool = True,
) -> Computation:
    """Compute one quarter of a scheme from live records: inputs, scores, totals and ranks.

    `drilldown=False` skips fetching the record ids behind the scored columns (one GROUP BY per
    column instead): enough for a preview or a benchmark, not for publishing.
    """
    version = scheme_version_of(scheme)
    config = version.config
    period = parse_quarter(quarter)
    if config["years"] and period.year not in config["years"]:
        years = "、".join(str(y) for y in config["years"])
        raise ValidationError({"quarter": [f"考核办法“{version.scheme.name}”只适用于{years}年"]})
    tracks = resolve_tracks(config)
    units = [u for _, track_units in tracks for u in track_units]
    codes = {u.pk: u.code for u in units}
    cache: dict[tuple, Figure] = {}

    def figure(key: str, span: Period, options: dict, records: bool) -> Figure:
        indicator = INDICATORS[key]
        parsed = parse_options(indicator, options)
        cache_key = (key, span.label, canonical_json(parsed.as_dict(indicator)), records)
        if cache_key not in cache:
            cache[cache_key] = evaluate(
                indicator, span, parsed, records=records, unit_ids=list(codes)
            )
        return cache[cache_key]

    figures: dict[str, Figure] = {}
    goals: dict[str, dict[str, str]] = {}
    missing_goals: list[str] = []
    for entry in config["indicators"]:
        span = span_period(period, entry["span"])
        figures[entry["id"]] = figure(entry["indicator"], span, entry["options"], drilldown)
        if entry["method"] == "growth":
            base = span.same_last_year()
            figures[f"{entry['id']}@base"] = figure(
                entry["indicator"], base, entry["options"], drilldown
            )
        if entry["method"] == "completion":
            targets = dict(
                Goal.objects.filter(
                    year=period.year, indicator=entry["indicator"], unit__in=units
                ).values_list("unit__code", "target")
            )
            goals[entry["id"]] = {c: _s(targets[c]) for c in codes.values() if c in targets}
            missing_goals += [
                f"{u.name}（{entry['label']}）" for u in units if u.code not in targets
            ]
    for rule in [*config["bonuses"], *config["deductions"]]:
        span = span_period(period, rule["span"])
        figures[rule["id"]] = figure(rule["indicator"], span, rule["options"], True)
    if missing_goals:
        raise ValidationError(
            {"goals": [f"{period.year}年以下单位缺少年度目标：{'；'.join(missing_goals)}"]}
        )

    inputs = {
        "quarter": period.label,
        "period": period.as_dict(),
        "units": {
            u.code: {"name": u.name, "short_name": u.short_name, "track": name}
            for name, track_units in tracks
            for u in track_units
        },
        "tracks": [{"name": name, "units": [u.code for u in us]} for name, us in tracks],
        "figures": {key: _figure_input(fig, codes) for key, fig in figures.items()},
        "goals": goals,
        "previous": _previous_input(version, period),
    }
    results = score_inputs(version, inputs)
    return Computation(
        version=version, period=period, inputs=inputs, results=results, figures=figures
    )


# --- scoring the inputs (pure) ------------------------------------------------------------------


def _values(figure: dict[str, Any], codes: Iterable[str], key: str) -> dict[str, Decimal]:
    """Each unit's value; recomputed from the records when the inputs carry them."""
    indicator = INDICATORS[key]
    out = {}
    for code in codes:
        row = figure["units"].get(code, {"value": "0"})
        if "records" in row:
            out[code] = indicator.quantize(sum((Decimal(a) for _, a in row["records"]), ZERO))
        else:
            out[code] = Decimal(row["value"])
    return out


def _year_share(period: Period) -> Decimal:
    """Share of the year elapsed at the end of the period (for completion on a time basis)."""
    year_days = (dt.date(period.year + 1, 1, 1) - dt.date(period.year, 1, 1)).days
    return Decimal((period.end_exclusive - dt.date(period.year, 1, 1)).days) / Decimal(year_days)


def _score_entry(
    entry: dict, values: dict[str, Decimal], inputs: dict, period: Period, base: dict | None
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(scores, rates) of one column within one track."""
    weight = Decimal(entry["weight"])
    method = entry["method"]
    if method == "completion":
        cap = Decimal(entry["cap"])
        share = _year_share(period) if entry["basis"] == "time" else Decimal(1)
        goals = inputs["goals"][entry["id"]]
        rates = {
            c: scoring.completion_rate(v, Decimal(goals[c]) * share, cap) for c, v in values.items()
        }
        return {c: scoring.r2(r * weight / scoring.HUNDRED) for c, r in rates.items()}, rates
    if method == "efficacy":
        return scoring.efficacy(values, weight=weight), {}
    if method == "rank_points":
        step, floor = Decimal(entry["step"]), Decimal(entry["floor"])
        return scoring.rank_points(values, weight=weight, step=step, floor=floor), {}
    assert method == "growth" and base is not None
    rates = scoring.growth_rates(values, base, cap=Decimal(entry["growth_cap"]))
    if entry["then"] == "rank_points":
        step = Decimal(entry["step"])
        return scoring.rank_points(rates, weight=weight, step=step), rates
    return scoring.efficacy(rates, weight=weight), rates


def _rule_projects(inputs: dict, rule_id: str, code: str) -> set[int]:
    row = inputs["figures"][rule_id]["units"].get(code, {})
    return {pk for pk, _ in row.get("records", [])}


def score_inputs(version: SchemeVersion | dict, inputs: dict[str, Any]) -> dict[str, Any]:
    """Scores, totals and ranks from frozen inputs and the rules; no database access."""
    config = version.config if isinstance(version, SchemeVersion) else version["config"]
    scheme = (
        {"code": version.scheme.code, "name": version.scheme.name, "version": version.number}
        if isinstance(version, SchemeVersion)
        else {k: version[k] for k in ("code", "name", "version")}
    )
    period = parse_quarter(inputs["quarter"])
    previous = inputs.get("previous") or {"units": {}}
    tracks_out = []
    for track in inputs["tracks"]:
        codes = track["units"]
        rows = {
            c: {"scores": {}, "values": {}, "rates": {}, "bonus": ZERO, "deduction": ZERO}
            for c in codes
        }
        for entry in config["indicators"]:
            figure = inputs["figures"][entry["id"]]
            values = _values(figure, codes, entry["indicator"])
            base_figure = inputs["figures"].get(f"{entry['id']}@base")
            base = _values(base_figure, codes, entry["indicator"]) if base_figure else None
            scores, rates = _score_entry(entry, values, inputs, period, base)
            for c in codes:
                rows[c]["scores"][entry["id"]] = scores[c]
                rows[c]["values"][entry["id"]] = values[c]
                if c in rates:
                    rows[c]["rates"][entry["id"]] = scoring.r2(rates[c])
        for kind, rules in (("bonus", config["bonuses"]), ("deduction", config["deductions"])):
            for rule in rules:
                for c in codes:
                    counted = _rule_projects(inputs, rule["id"], c)
                    for other in rule["exclude"]:
                        counted -= _rule_projects(inputs, other, c)
                    points = Decimal(rule["points"]) * len(counted)
                    if "max" in rule:
                        points = min(points, Decimal(rule["max"]))
                    rows[c]["values"][rule["id"]] = Decimal(len(counted))
                    rows[c]["scores"][rule["id"]] = scoring.r2(
                        points if kind == "bonus" else -points
                    )
                    rows[c][kind] += points
        units_out = []
        for c in codes:
            row = rows[c]
            bonus = row["bonus"]
            if "bonus_cap" in config:
                bonus = min(bonus, Decimal(config["bonus_cap"]))
            column_total = sum((row["scores"][e["id"]] for e in config["indicators"]), ZERO)
            total = scoring.r2(column_total + bonus - row["deduction"])
            units_out.append(
                {
                    "unit": c,
                    "unit_name": inputs["units"][c]["name"],
                    "short_name": inputs["units"][c]["short_name"],
                    "values": {k: _s(v) for k, v in row["values"].items()},
                    "rates": {k: _s(v) for k, v in row["rates"].items()},
                    "scores": {k: _s(v) for k, v in row["scores"].items()},
                    "bonus": _s(scoring.r2(bonus)),
                    "deduction": _s(scoring.r2(row["deduction"])),
                    "total": _s(total),
                }
            )
        ordered = scoring.rank(units_out, config["tie_break"])
        for n, row in enumerate(ordered, start=1):
            row["rank"] = n
            before = previous["units"].get(row["unit"])
            row["previous_rank"] = before["rank"] if before else None
            row["previous_total"] = before["total"] if before else None
            row["rank_change"] = before["rank"] - n if before else None
        tracks_out.append({"name": track["name"], "units": list(ordered)})
    return {
        "quarter": inputs["quarter"],
        "period": inputs["period"],
        "scheme": scheme,
        "title": config.get("title", ""),
        "columns": _columns(config),
        "tracks": tracks_out,
    }


def _columns(config: dict[str, Any]) -> list[dict[str, Any]]:
    columns = []
    for entry in config["indicators"]:
        indicator = INDICATORS[entry["indicator"]]
        columns.append(
            {
                "id": entry["id"],
                "kind": "indicator",
                "label": entry["label"],
                "indicator": entry["indicator"],
                "unit": indicator.unit,
                "weight": entry["weight"],
                "method": entry["method"],
                "method_label": METHODS[entry["method"]],
                "span": entry["span"],
            }
        )
    for kind, rules in (("bonus", config["bonuses"]), ("deduction", config["deductions"])):
        for rule in rules:
            columns.append(
                {
                    "id": rule["id"],
                    "kind": kind,
                    "label": rule["label"],
                    "indicator": rule["indicator"],
                    "unit": "个",
                    "points": rule["points"],
                    "span": rule["span"],
                }
            )
    return columns


# --- checking a published snapshot --------------------------------------------------------------


@dataclass
class Verification:
    """What `verify_snapshot` found. `ok` is about the frozen snapshot only; differences are news."""

    snapshot: RankingSnapshot
    stored_hash_ok: bool
    recomputed_hash: str
    results_match: bool
    differences: list[dict[str, Any]]
    rank_changes: list[dict[str, Any]]
    live_error: str = ""

    @property
    def ok(self) -> bool:
        return self.stored_hash_ok and self.results_match


def verify_snapshot(snapshot: RankingSnapshot, *, live: bool = True) -> Verification:
    """Recompute a published quarter from its frozen inputs and check its hash; list live changes."""
    version = snapshot.scheme_version
    stored = sha256_of(hash_payload(version, snapshot.inputs, snapshot.results))
    recomputed_results = score_inputs(version, snapshot.inputs)
    recomputed = sha256_of(hash_payload(version, snapshot.inputs, recomputed_results))
    results_match = canonical_json(recomputed_results) == canonical_json(snapshot.results)
    differences: list[dict[str, Any]] = []
    rank_changes: list[dict[str, Any]] = []
    error = ""
    if live:
        try:
            current = compute_quarter(version, snapshot.quarter)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            differences = diff_inputs(snapshot.inputs, current.inputs)
            rank_changes = diff_results(snapshot.results, current.results)
    return Verification(
        snapshot=snapshot,
        stored_hash_ok=stored == snapshot.sha256,
        recomputed_hash=recomputed,
        results_match=results_match,
        differences=differences,
        rank_changes=rank_changes,
        live_error=error,
    )


def diff_inputs(frozen: dict[str, Any], live: dict[str, Any]) -> list[dict[str, Any]]:
    """Record by record, what the live inputs count differently from the frozen ones."""
    out: list[dict[str, Any]] = []
    for key in sorted(set(frozen["figures"]) | set(live["figures"])):
        a = frozen["figures"].get(key, {"units": {}})
        b = live["figures"].get(key, {"units": {}})
        model = a.get("model") or b.get("model")
        for code in sorted(set(a["units"]) | set(b["units"])):
            ra = dict((pk, amount) for pk, amount in a["units"].get(code, {}).get("records", []))
            rb = dict((pk, amount) for pk, amount in b["units"].get(code, {}).get("records", []))
            for pk in sorted(set(ra) | set(rb)):
                if ra.get(pk) == rb.get(pk):
                    continue
                kind = "added" if pk not in ra else "removed" if pk not in rb else "changed"
                out.append(
                    {
                        "figure": key,
                        "unit": code,
                        "model": model,
                        "record": pk,
                        "change": kind,
                        "before": ra.get(pk),
                        "after": rb.get(pk),
                    }
                )
            va = a["units"].get(code, {}).get("value")
            vb = b["units"].get(code, {}).get("value")
            if va != vb and not (ra or rb):
                out.append(
                    {
                        "figure": key,
                        "unit": code,
                        "model": model,
                        "record": None,
                        "change": "value",
                        "before": va,
                        "after": vb,
                    }
                )
    for key in sorted(set(frozen["goals"]) | set(live["goals"])):
        ga, gb = frozen["goals"].get(key, {}), live["goals"].get(key, {})
        for code in sorted(set(ga) | set(gb)):
            if ga.get(code) != gb.get(code):
                out.append(
                    {
                        "figure": key,
                        "unit": code,
                        "model": "goals.goal",
                        "record": None,
                        "change": "goal",
                        "before": ga.get(code),
                        "after": gb.get(code),
                    }
                )
    pa, pb = frozen.get("previous") or {}, live.get("previous") or {}
    if pa.get("sha256") != pb.get("sha256"):
        out.append(
            {
                "figure": "previous",
                "unit": None,
                "model": "goals.rankingsnapshot",
                "record": None,
                "change": "previous",
                "before": pa.get("sha256"),
                "after": pb.get("sha256"),
            }
        )
    return out


def diff_results(frozen: dict[str, Any], live: dict[str, Any]) -> list[dict[str, Any]]:
    """Units whose total or rank would differ if the quarter were computed today."""
    before = {r["unit"]: (t["name"], r) for t in frozen["tracks"] for r in t["units"]}
    out = []
    for track in live["tracks"]:
        for row in track["units"]:
            old = before.get(row["unit"], (track["name"], None))[1]
            if old is None or old["total"] != row["total"] or old["rank"] != row["rank"]:
                out.append(
                    {
                        "track": track["name"],
                        "unit": row["unit"],
                        "unit_name": row["unit_name"],
                        "total_before": old["total"] if old else None,
                        "total_after": row["total"],
                        "rank_before": old["rank"] if old else None,
                        "rank_after": row["rank"],
                    }
                )
    return out
