"""Reads for goals, indicators, rankings and dashboards — what pages, API and exports call.

Permissions. Live figures need ``goals.view_goal``; published rankings ``goals.view_rankingsnapshot``
(else PermissionDenied → 403). A user of the city (scope *all*) may ask about any unit; a county
or zone user about the city as a whole and their own unit only. The records behind a figure
(drill-down) always go through ``.restrict(user, "view")``, so nobody opens another unit's
record. A published ranking is seen whole by everyone permitted; before publication
(``ranking_preview``) the city sees everything and a unit sees only its own row and records, and
only if the scheme's ``preview`` is ``own_unit``.

All amounts are ``Decimal`` (万元 unless the indicator says 万美元); counts are whole Decimals.
Dates are ``datetime.date``. Every function is keyword-only and documented with its shape.

Selectors
    indicator_catalogue()                               → [{key, label, unit, doc, source, options}]
    indicator_value(user, key, unit_code, period, options) → {value, indicator, unit, period, …}
    indicator_records(user, key, unit_code, period, options) → QuerySet (restricted drill-down)
    indicator_by_unit(user, key, period, options)       → [{unit, name, division_code, value}] (maps)
    goal_progress(user, year, unit_code, on)            → [{indicator, target, actual, completion_pct,
                                                           expected_pct, expected_value, gap, …}]
    goal_matrix(user, year, on)                         → per indicator: city row + unit rows + shares
    kaimenhong(user, year)                              → 开门红: Q1 per unit vs goal and last year
    unit_dashboard(user, unit_code, year)               → a unit's goals, rank and what it lacks
    ranking_published(user, quarter, scheme)            → {hash, scheme, tracks: [{name, units: …}]}
    ranking_latest(user, scheme)                        → the newest published ranking, or None
    ranking_drilldown(user, quarter, scheme, column, unit_code) → frozen records of one number
    ranking_preview(user, scheme, quarter)              → a live (unpublished) computation
    snapshots_for(user, scheme)                         → QuerySet of published snapshots
    period_closes(user)                                 → QuerySet of closes, newest first
    cockpit_data(user, year)                            → the city cockpit in a handful of queries
"""

from .common import visible_units
from .dashboards import cockpit_data, unit_dashboard
from .figures import indicator_by_unit, indicator_catalogue, indicator_records, indicator_value
from .progress import goal_matrix, goal_progress, kaimenhong
from .rankings import (
    period_closes,
    ranking_drilldown,
    ranking_latest,
    ranking_preview,
    ranking_published,
    snapshot_get,
    snapshot_summary,
    snapshots_for,
)

__all__ = [
    "cockpit_data",
    "goal_matrix",
    "goal_progress",
    "indicator_by_unit",
    "indicator_catalogue",
    "indicator_records",
    "indicator_value",
    "kaimenhong",
    "period_closes",
    "ranking_drilldown",
    "ranking_latest",
    "ranking_preview",
    "ranking_published",
    "snapshot_get",
    "snapshot_summary",
    "snapshots_for",
    "unit_dashboard",
    "visible_units",
]
