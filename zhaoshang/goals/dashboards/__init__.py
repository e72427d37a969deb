"""What the dashboard and ranking pages show, assembled from goals/selectors (reads only).

Every number comes from a selector of goals/selectors/ (``cockpit_data``, ``goal_progress``,
``unit_dashboard``, ``indicator_by_unit``, ``ranking_published`` / ``ranking_preview`` …) or from
a queryset that starts with ``.restrict(user, "view")``. This module only shapes them for the
pages: every chart gets its table (``Table``: the same rows the page shows under the chart and
the Excel download exports), the map's polygons get their unit codes, the ranking its columns.

Entry points (keyword-only; each is what one page renders, and is what the benchmark times):

    cockpit(user, year, indicator)            the city cockpit (a unit's own for a county user)
    map_panel(user, year, indicator, …)       the map: polygons by unit, zones in a side table
    unit_page(user, unit, year)               a unit's dashboard
    leader_page(user)                         a leader's projects, key projects, overdue nodes
    behind_schedule(projects, on, limit)      key projects behind schedule, the earliest first
    ranking_card(ranking, unit_code)          a published ranking as a compact card per track
    ranking_page(user, quarter, scheme, draft) a quarter's ranking (published, or a draft)
    ranking_drill(user, quarter, scheme, column, unit_code) the records behind one number
"""

from .cockpit import _cockpit_key, cockpit, map_indicators, map_panel
from .common import Column, Table, default_year, years_offered
from .maps import MAP_FEATURES, MAP_STATIC, PROVINCE_MAP_STATIC, feature_unit_code
from .rankings import (
    notice_title,
    quarter_title,
    quarters_for,
    ranking_card,
    ranking_cells,
    ranking_drill,
    ranking_page,
    ranking_url,
    scheme_for,
    schemes,
)
from .units import behind_schedule, leader_page, unit_for, unit_page

__all__ = [
    "MAP_FEATURES",
    "MAP_STATIC",
    "PROVINCE_MAP_STATIC",
    "Column",
    "Table",
    "_cockpit_key",
    "behind_schedule",
    "cockpit",
    "default_year",
    "feature_unit_code",
    "leader_page",
    "map_indicators",
    "map_panel",
    "notice_title",
    "quarter_title",
    "quarters_for",
    "ranking_card",
    "ranking_cells",
    "ranking_drill",
    "ranking_page",
    "ranking_url",
    "scheme_for",
    "schemes",
    "unit_for",
    "unit_page",
    "years_offered",
]
