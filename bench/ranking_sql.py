"""Hand-written SQL for every figure of a ranking scheme, fed to the same `score_inputs` as the
ORM side, so `bench/goals.py` can time one quarter's ranking against it (results must match)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlkit import CENT, _agg, _cents, _fetch, _in

# --- one quarter of a ranking in SQL ------------------------------------------------------------


class RankingSQL:
    """Every figure a ranking scheme needs, by hand-written SQL, fed to the same `score_inputs`.

    Covers the indicators and options the demo's schemes use (see `SPEC`); the candidate rows
    of each figure are one WHERE clause, summed per unit in SQL, or fetched with their ids when
    the scheme keeps the records (bonuses, deductions) or a rule needs calendar months.
    """

    EXTERNAL = (
        "{ref} IN (SELECT pi.project_id FROM projects_project_investors pi"
        " JOIN enterprises_enterprise e ON e.id = pi.enterprise_id WHERE NOT e.is_local)"
    )

    def __init__(self) -> None:
        self._closes: dict[tuple, list[tuple]] = {}

    def closes(self, start: dt.date, end: dt.date) -> list[tuple]:
        key = (start, end)
        if key not in self._closes:
            self._closes[key] = _fetch(
                "SELECT start, end_exclusive, MIN(closed_at) FROM goals_periodclose"
                " WHERE start < %s AND end_exclusive > %s GROUP BY start, end_exclusive"
                " ORDER BY start, end_exclusive",
                [end, start],
            )
        return self._closes[key]

    @staticmethod
    def cut(closes: list[tuple], day: str, at: str) -> tuple[str, list[Any]]:
        sql, params = "", []
        for start, end, first in closes:
            sql += f" AND NOT ({day} >= %s AND {day} < %s AND {at} >= %s)"
            params += [start, end, first]
        return sql, params

    def entered(self, stage: str, period: Any, opts: Any) -> tuple[str, list[Any]]:
        """WHERE (on projects p) for the projects that entered `stage` in the period."""
        field = {"signed": "signed_on", "started": "started_on"}[stage]
        sql, params = f"p.{field} IS NOT NULL", []
        if opts.once_only:
            closes = (
                self.closes(dt.date(1900, 1, 1), period.end_exclusive)
                if opts.entered_before_close
                else []
            )
            cut, cp = self.cut(closes, 'c."on"', "c.created_at")
            cut2, _ = self.cut(closes, 'c2."on"', "c2.created_at")
            # the first entry into the stage (among those not entered after a close) is in
            # the period: grouped over the log of the projects with an entry in the period
            sql += (
                " AND p.id IN (SELECT c.project_id FROM projects_stagechange c"
                f" WHERE c.to_stage = %s{cut} AND c.project_id IN ("
                "SELECT c2.project_id FROM projects_stagechange c2 WHERE c2.to_stage = %s"
                f' AND c2."on" >= %s AND c2."on" < %s{cut2})'
                ' GROUP BY c.project_id HAVING MIN(c."on") >= %s AND MIN(c."on") < %s)'
            )
            params += [stage, *cp, stage, period.start, period.end_exclusive, *cp]
            params += [period.start, period.end_exclusive]
        else:
            sql += f" AND p.{field} >= %s AND p.{field} < %s"
            params += [period.start, period.end_exclusive]
            if opts.entered_before_close:
                closes = self.closes(period.start, period.end_exclusive)
                cut, cp = self.cut(closes, 'c."on"', "c.created_at")
                sql += (
                    " AND EXISTS (SELECT 1 FROM projects_stagechange c WHERE c.project_id = p.id"
                    f' AND c.to_stage = %s AND c."on" = p.{field}{cut})'
                )
                params += [stage, *cp]
        if opts.exclude_same_city:
            sql += " AND " + self.EXTERNAL.format(ref="p.id")
        return sql, params

    @staticmethod
    def first_entry(stage: str) -> str:
        # `|| ''` keeps SQLite on the project index (not the whole log by to_stage)
        return (
            'SELECT MIN(c."on") FROM projects_stagechange c WHERE c.project_id = p.id'
            f" AND c.to_stage || '' = '{stage}'"
        )

    def candidates(self, key: str, period: Any, opts: Any) -> tuple[str, list[Any], str, str]:
        """(FROM … WHERE …, params, unit column, measure column or '') of an indicator."""
        from zhaoshang.goals.indicators import WAN_1BN, WAN_5BN

        if key == "funds_verified":
            closes = (
                self.closes(period.start, period.end_exclusive) if opts.entered_before_close else []
            )
            cut, cp = self.cut(closes, "f.period", "f.verified_at")
            sql = (
                " FROM projects_fundsrecord f JOIN projects_project p ON p.id = f.project_id"
                f" WHERE f.status = 'verified' AND f.period >= %s AND f.period < %s{cut}"
            )
            params = [period.start, period.end_exclusive, *cp]
            if opts.exclude_same_city:
                sql += " AND " + self.EXTERNAL.format(ref="f.project_id")
            return sql, params, "f.id", "f.amount_wan"
        stage = "started" if key in ("new_started_over_100m", "key_started") else "signed"
        where, params = self.entered(stage, period, opts)
        extra = {
            "new_started_over_100m": " AND p.is_over_100m",
            "key_started": " AND p.is_key",
            "new_signed_count": "",
            "new_signed_contracted_wan": "",
            "signed_over_1bn": " AND p.total_investment_wan >= %s",
            "signed_over_5bn": " AND p.total_investment_wan >= %s",
        }
        if key in extra:
            if key == "signed_over_1bn":
                params = [*params, WAN_1BN]
            if key == "signed_over_5bn":
                params = [*params, WAN_5BN]
            measure = "p.contracted_investment_wan" if key == "new_signed_contracted_wan" else ""
            return f" FROM projects_project p WHERE {where}{extra[key]}", params, "p.id", measure
        if key == "top500_projects":
            tags = list(opts.tags)
            sql = (
                f" FROM projects_project p WHERE {where} AND EXISTS (SELECT 1"
                " FROM projects_project_investors pi"
                " JOIN enterprises_enterprise_tags et ON et.enterprise_id = pi.enterprise_id"
                " JOIN enterprises_tag t ON t.id = et.tag_id"
                f" WHERE pi.project_id = p.id AND t.code IN ({_in(tags)}))"
            )
            return sql, [*params, *tags], "p.id", ""
        raise KeyError(f"no hand-written SQL for indicator {key!r}")

    def figure(
        self, key: str, period: Any, opts: Any, unit_ids: list[int], records: bool
    ) -> tuple[dict[int, Decimal], dict[int, list] | None]:
        """(values by unit, records by unit or None), as `indicators.evaluate` gives them."""
        from zhaoshang.core.periods import add_months
        from zhaoshang.goals.indicators import INDICATORS

        indicator = INDICATORS[key]
        units = f" AND p.unit_id IN ({_in(unit_ids)})"
        if key in ("signed_to_started_within_n_months", "signed_not_started_within_n_months"):
            rows = self._month_rules(key, period, opts, unit_ids)
            found: dict[int, list] = defaultdict(list)
            for unit_id, pk, signed, started in rows:
                signed = _date(signed)
                started = _date(started)
                if signed is None:
                    continue
                deadline = add_months(signed, opts.months)
                if key == "signed_to_started_within_n_months":
                    keep = started <= deadline
                else:
                    keep = period.contains(deadline) and (started is None or started > deadline)
                if keep:
                    found[unit_id].append((pk, Decimal(1)))
            for rs in found.values():
                rs.sort()
            values = {u: indicator.quantize(Decimal(len(rs))) for u, rs in found.items()}
            return values, (dict(found) if records else None)
        sql, params, id_col, measure = self.candidates(key, period, opts)
        if not records:
            agg = f"SUM({measure})" if measure else "COUNT(*)"
            rows = _fetch(
                f"SELECT p.unit_id, {agg}{sql}{units} GROUP BY p.unit_id", [*params, *unit_ids]
            )
            return {u: indicator.quantize(_agg(v)) for u, v in rows}, None
        columns = f"p.unit_id, {id_col}" + (f", {measure}" if measure else "")
        found = defaultdict(list)
        for row in _fetch(f"SELECT {columns}{sql}{units}", [*params, *unit_ids]):
            amount = _agg(row[2]).quantize(CENT) if measure else Decimal(1)
            found[row[0]].append((row[1], amount))
        for rs in found.values():
            rs.sort()
        values = {
            u: indicator.quantize(sum((a for _, a in rs), Decimal(0))) for u, rs in found.items()
        }
        return values, dict(found)

    def _month_rules(self, key: str, period: Any, opts: Any, unit_ids: list[int]) -> list[tuple]:
        from zhaoshang.core.periods import Period, add_months

        units = f" AND p.unit_id IN ({_in(unit_ids)})"
        if key == "signed_to_started_within_n_months":
            assert not opts.entered_before_close and opts.once_only
            where, params = self.entered("started", period, opts)
            sql = (
                f"SELECT p.unit_id, p.id, ({self.first_entry('signed')}),"
                f" ({self.first_entry('started')}) FROM projects_project p WHERE {where}{units}"
            )
            return _fetch(sql, [*params, *unit_ids])
        assert not opts.entered_before_close and opts.once_only and not opts.exclude_same_city
        lo = add_months(period.start, -opts.months) - dt.timedelta(days=3)
        hi = add_months(period.end_exclusive, -opts.months) + dt.timedelta(days=3)
        window = Period(lo, hi, "", "range")
        sql = (
            f"SELECT p.unit_id, p.id, ({self.first_entry('signed')}), p.started_on"
            " FROM projects_project p WHERE p.signed_on IS NOT NULL AND p.id IN ("
            "SELECT c.project_id FROM projects_stagechange c WHERE c.to_stage = 'signed'"
            f' AND c."on" >= %s AND c."on" < %s){units}'
        )
        return _fetch(sql, [window.start, window.end_exclusive, *unit_ids])


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def ranking_raw(version: Any, quarter: str) -> dict[str, Any]:
    """The quarter's results from SQL figures and the scheme's pure scoring."""
    from zhaoshang.goals.indicators import INDICATORS, parse_options
    from zhaoshang.goals.ranking import parse_quarter, score_inputs, span_period
    from zhaoshang.goals.schemes import canonical_json

    config = version.config
    period = parse_quarter(quarter)
    units = _fetch(
        "SELECT id, code, name, short_name, track FROM accounts_unit ORDER BY sort_order, code"
    )
    tracks = []
    for track in config["tracks"]:
        if "track" in track:
            members = [u for u in units if u[4] == track["track"]]
        else:
            by_code = {u[1]: u for u in units}
            members = [by_code[c] for c in track["units"]]
        tracks.append((track["name"], members))
    codes = {u[0]: u[1] for _, members in tracks for u in members}
    unit_ids = list(codes)
    sql = RankingSQL()
    cache: dict[tuple, dict[str, Any]] = {}

    def figure(key: str, span: Any, options: dict, records: bool) -> dict[str, Any]:
        indicator = INDICATORS[key]
        opts = parse_options(indicator, options)
        cache_key = (key, span.label, canonical_json(opts.as_dict(indicator)), records)
        if cache_key not in cache:
            values, found = sql.figure(key, span, opts, unit_ids, records)
            zero = indicator.quantize(Decimal(0))
            out_units = {}
            for uid, code in codes.items():
                row: dict[str, Any] = {"value": str(values.get(uid, zero))}
                if found is not None:
                    row["records"] = [[pk, str(a)] for pk, a in found.get(uid, [])]
                out_units[code] = row
            cache[cache_key] = {
                "indicator": key,
                "period": span.label,
                "options": opts.as_dict(indicator),
                "model": indicator.model._meta.label_lower,
                "units": out_units,
            }
        return cache[cache_key]

    figures, goals = {}, {}
    for entry in config["indicators"]:
        span = span_period(period, entry["span"])
        figures[entry["id"]] = figure(entry["indicator"], span, entry["options"], False)
        if entry["method"] == "growth":
            figures[f"{entry['id']}@base"] = figure(
                entry["indicator"], span.same_last_year(), entry["options"], False
            )
        if entry["method"] == "completion":
            rows = _fetch(
                "SELECT u.code, g.target FROM goals_goal g JOIN accounts_unit u ON u.id = g.unit_id"
                f" WHERE g.year = %s AND g.indicator = %s AND g.unit_id IN ({_in(unit_ids)})",
                [period.year, entry["indicator"], *unit_ids],
            )
            targets = {c: str(_cents(t)) for c, t in rows}
            goals[entry["id"]] = {c: targets[c] for c in codes.values() if c in targets}
    for rule in [*config["bonuses"], *config["deductions"]]:
        span = span_period(period, rule["span"])
        figures[rule["id"]] = figure(rule["indicator"], span, rule["options"], True)
    previous = None
    before = _fetch(
        "SELECT quarter, sha256, results FROM goals_rankingsnapshot"
        " WHERE scheme_id = %s AND quarter = %s",
        [version.scheme_id, period.previous().label],
    )
    if before:
        results = before[0][2]
        results = json.loads(results) if isinstance(results, str) else results
        previous = {
            "quarter": before[0][0],
            "sha256": before[0][1],
            "units": {
                r["unit"]: {"total": r["total"], "rank": r["rank"]}
                for t in results["tracks"]
                for r in t["units"]
            },
        }
    inputs = {
        "quarter": period.label,
        "period": period.as_dict(),
        "units": {
            u[1]: {"name": u[2], "short_name": u[3], "track": name}
            for name, members in tracks
            for u in members
        },
        "tracks": [{"name": name, "units": [u[1] for u in members]} for name, members in tracks],
        "figures": figures,
        "goals": goals,
        "previous": previous,
    }
    return score_inputs(version, inputs)
