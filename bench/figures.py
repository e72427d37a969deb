"""The benchmarked figures: each as the page computes it (ORM) and as hand-written SQL.

Every figure returns the same numbers both ways (checked before timing), so the ratio measures
what the ORM and the selectors cost over the plain query on the same database.
Imported only after `django.setup()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import QueryDict

from zhaoshang.accounts.models import User
from zhaoshang.projects.models import FundsRecord, FundsStatus, Project
from zhaoshang.projects.selectors import home_figures, projects_for

PAGE_SIZE = 50
YEAR = 2024

# Columns the list page's queryset selects: the project and its select_related rows.
_LIST_JOINS = """
    FROM projects_project p
    INNER JOIN accounts_unit u ON u.id = p.unit_id
    LEFT OUTER JOIN industries_industry i ON i.id = p.industry_id
    LEFT OUTER JOIN industries_direction d ON d.id = p.direction_id
    LEFT OUTER JOIN activities_campaign c ON c.id = p.campaign_id
"""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    orm: Callable[[], Any]
    raw: Callable[[], Any]
    # Both sides reduced to comparable plain values, to prove they compute the same thing.
    same: Callable[[Any, Any], bool]


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# --- the project list, first page --------------------------------------------------------------


def list_page_orm(user: User, query: str) -> tuple[dict[str, Any], list[Project]]:
    """What `projects.views.project_list` runs: the figures row, then page 1 (50 rows)."""
    qs = projects_for(user=user, filters=QueryDict(query))
    figures = qs.order_by().aggregate(
        count=Count("id"),
        investment=Sum("total_investment_wan"),
        over_100m=Count("id", filter=Q(is_over_100m=True)),
    )
    rows = list(qs[:PAGE_SIZE])
    return figures, rows


def list_page_raw(where: str, params: list[Any]) -> tuple[tuple, list[tuple]]:
    head = _fetch(
        "SELECT COUNT(*), SUM(p.total_investment_wan),"
        " COUNT(CASE WHEN p.is_over_100m THEN 1 END)"
        f" FROM projects_project p WHERE {where}",
        params,
    )[0]
    rows = _fetch(
        f"SELECT p.*, u.*, i.*, d.*, c.* {_LIST_JOINS} WHERE {where}"
        f" ORDER BY p.created_at DESC, p.id DESC LIMIT {PAGE_SIZE}",
        params,
    )
    return head, rows


def _same_list(orm: tuple[dict[str, Any], list[Project]], raw: tuple[tuple, list[tuple]]) -> bool:
    figures, rows = orm
    head, raw_rows = raw
    return (
        figures["count"] == head[0]
        and _dec(figures["investment"]) == _dec(head[1])
        and figures["over_100m"] == head[2]
        and [p.pk for p in rows] == [r[0] for r in raw_rows]
    )


def _scope(user: User) -> tuple[str, list[Any]]:
    """The SQL form of `Project.objects.restrict(user, "view")` for the benchmark users."""
    if user.scope == "all":
        return "1 = 1", []
    return (
        "(p.unit_id = %s OR p.commissioner_id = %s OR p.lead_leader_id = %s)",
        [user.unit_id, user.pk, user.pk],
    )


# --- the home page totals ----------------------------------------------------------------------


def home_orm(user: User) -> dict[str, Any]:
    return home_figures(user=user, year=YEAR)


def home_raw(user: User) -> dict[str, Any]:
    where, params = _scope(user)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    counts = _fetch(
        "SELECT COUNT(*),"
        " COUNT(CASE WHEN p.stage <> 'dropped' THEN 1 END),"
        " COUNT(CASE WHEN p.is_key AND p.stage <> 'dropped' THEN 1 END),"
        " COUNT(CASE WHEN p.signed_on >= %s AND p.signed_on < %s THEN 1 END),"
        " COUNT(CASE WHEN p.started_on >= %s AND p.started_on < %s AND p.is_over_100m THEN 1 END),"
        " SUM(CASE WHEN p.started_on >= %s AND p.started_on < %s AND p.is_over_100m"
        "     THEN p.total_investment_wan END)"
        f" FROM projects_project p WHERE {where}",
        [start, end, start, end, start, end, *params],
    )[0]
    by_stage = dict(
        _fetch(
            f"SELECT p.stage, COUNT(*) FROM projects_project p WHERE {where} GROUP BY p.stage",
            params,
        )
    )
    if user.scope == "all":
        funds_from, funds_params = "projects_fundsrecord f WHERE", []
    else:
        funds_from = f"projects_fundsrecord f JOIN projects_project p ON p.id = f.project_id WHERE {where} AND"
        funds_params = params
    funds = _fetch(
        "SELECT SUM(CASE WHEN f.status = 'verified' THEN f.amount_wan END),"
        " SUM(CASE WHEN f.status = 'submitted' THEN f.amount_wan END),"
        " COUNT(CASE WHEN f.status = 'submitted' THEN 1 END)"
        f" FROM {funds_from} f.period >= %s AND f.period < %s",
        [*funds_params, start, end],
    )[0]
    queue = 0
    if user.has_perm("projects.verify_fundsrecord"):
        queue = _fetch(
            f"SELECT COUNT(*) FROM {funds_from} f.status = 'submitted' AND f.submitted_by_id <> %s",
            [*funds_params, user.pk],
        )[0][0]
    return {
        "projects_total": counts[0],
        "projects_active": counts[1],
        "key_projects": counts[2],
        "signed_in_year": counts[3],
        "started_over_100m": counts[4],
        "started_over_100m_investment_wan": _dec(counts[5]),
        "by_stage": by_stage,
        "funds_verified_wan": _dec(funds[0]),
        "funds_pending_wan": _dec(funds[1]),
        "funds_pending_count": funds[2],
        "verification_queue": queue,
    }


def _same_home(orm: dict[str, Any], raw: dict[str, Any]) -> bool:
    for key, value in raw.items():
        mine = orm[key]
        if key == "by_stage":
            mine = {stage: n for stage, _label, n in mine if n}
        elif isinstance(value, Decimal):
            mine = _dec(mine)
        if mine != value:
            return False
    return True


def funds_by_unit_raw() -> list[tuple]:
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    return _fetch(
        "SELECT u.name, u.sort_order,"
        " SUM(CASE WHEN f.status = 'verified' THEN f.amount_wan END),"
        " SUM(CASE WHEN f.status = 'submitted' THEN f.amount_wan END)"
        " FROM projects_fundsrecord f"
        " JOIN projects_project p ON p.id = f.project_id"
        " JOIN accounts_unit u ON u.id = p.unit_id"
        " WHERE f.period >= %s AND f.period < %s"
        " GROUP BY u.name, u.sort_order ORDER BY u.sort_order",
        [start, end],
    )


def _same_units(orm: list[dict[str, Any]], raw: list[tuple]) -> bool:
    mine = [(r["unit"], _dec(r["verified"]), _dec(r["pending"])) for r in orm]
    return mine == [(r[0], _dec(r[2]), _dec(r[3])) for r in raw]


# --- the catalogue ------------------------------------------------------------------------------


def figures(city: User, county: User) -> list[Figure]:
    """The figures timed on each database: list first pages and home totals, city and county."""
    started = "stage=started&stage=operating&is_over_100m=true&signed_on_after=2024-01-01&signed_on_before=2024-12-31"
    started_where = (
        "p.stage IN ('started', 'operating') AND p.is_over_100m"
        " AND p.signed_on >= %s AND p.signed_on <= %s"
    )
    started_params = [dt.date(2024, 1, 1), dt.date(2024, 12, 31)]
    county_where, county_params = _scope(county)
    text_where = (
        "(p.name LIKE %s OR p.description LIKE %s OR p.id IN ("
        " SELECT pi.project_id FROM projects_project_investors pi"
        " JOIN enterprises_enterprise e ON e.id = pi.enterprise_id"
        " WHERE e.name LIKE %s OR e.uscc = %s))"
    )
    text_params = ["%轴承%", "%轴承%", "%轴承%", "轴承"]
    if connection.vendor == "postgresql":
        # What Django's icontains compiles to on PostgreSQL.
        text_where = text_where.replace(" LIKE ", " ILIKE ")
    return [
        Figure(
            "list_city",
            "项目列表首页·市级·无筛选",
            lambda: list_page_orm(city, ""),
            lambda: list_page_raw("1 = 1", []),
            _same_list,
        ),
        Figure(
            "list_city_filtered",
            "项目列表首页·市级·开工/投产+过亿+2024签约",
            lambda: list_page_orm(city, started),
            lambda: list_page_raw(started_where, started_params),
            _same_list,
        ),
        Figure(
            "list_city_text",
            "项目列表首页·市级·关键词“轴承”",
            lambda: list_page_orm(city, "q=轴承"),
            lambda: list_page_raw(text_where, text_params),
            _same_list,
        ),
        Figure(
            "list_county",
            f"项目列表首页·{county.unit.short_name}·无筛选",
            lambda: list_page_orm(county, ""),
            lambda: list_page_raw(county_where, county_params),
            _same_list,
        ),
        Figure(
            "list_county_stage",
            f"项目列表首页·{county.unit.short_name}·开工",
            lambda: list_page_orm(county, "stage=started"),
            lambda: list_page_raw(f"{county_where} AND p.stage = 'started'", county_params),
            _same_list,
        ),
        Figure(
            "home_city",
            f"首页合计·市级·{YEAR}",
            lambda: home_orm(city),
            lambda: home_raw(city),
            _same_home,
        ),
        *_home_units(city),
        Figure(
            "home_county",
            f"首页合计·{county.unit.short_name}·{YEAR}",
            lambda: home_orm(county),
            lambda: home_raw(county),
            _same_home,
        ),
    ]


def _home_units(city: User) -> list[Figure]:
    """The city home page's funds-per-unit table, when the home view provides it."""
    try:
        from zhaoshang.portal.views import _funds_by_unit
    except ImportError:
        return []
    return [
        Figure(
            "home_city_units",
            f"首页各单位到位资金·市级·{YEAR}",
            lambda: _funds_by_unit(city, YEAR),
            funds_by_unit_raw,
            _same_units,
        )
    ]


def orm_sql(figure: Figure) -> list[str]:
    """The SQL statements the ORM side of a figure sends (for EXPLAIN)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        figure.orm()
    return [q["sql"] for q in captured.captured_queries]


def counts() -> dict[str, int]:
    return {"projects": Project.objects.count(), "funds": FundsRecord.objects.count()}


def verified_total() -> Decimal:
    return FundsRecord.objects.filter(status=FundsStatus.VERIFIED).aggregate(t=Sum("amount_wan"))[
        "t"
    ] or Decimal("0")
