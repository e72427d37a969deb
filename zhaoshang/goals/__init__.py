"""Goals, indicators, quarterly competition rankings (竞赛榜) and the period-closing pages.

Periods (``core.periods``) and closing them (``core.closing``: ``ensure_open``, ``closed_message``,
``period_close`` / ``period_reopen``) are on the ground floor, as the project services use them.

Where to look
    indicators.py   the registry (``INDICATORS``): each figure computed from projects, the stage
                    log and verified funds records, by unit, with its drill-down records; the
                    options once_only / exclude_same_city / entered_before_close; 境外 USD.
    schemes.py      a ranking scheme's rules as validated JSON (tracks, columns, methods,
                    bonuses, deductions, tie-break, preview visibility) and the canonical JSON.
    scoring.py      completion, efficacy coefficient, rank points, growth, ranking with ties.
    ranking.py      ``compute_quarter(scheme, "2024Q1")`` (inputs → results, pure scoring),
                    ``verify_snapshot`` (recompute frozen inputs, check SHA-256, list changes).
    services.py     writes, audited: goal_set / goals_set, scheme_create / scheme_update (new
                    version), snapshot_publish.
    selectors.py    reads for pages, API and exports (dashboards, goal gauges, 开门红, rankings,
                    drill-downs, cockpit_data) — see its docstring for every shape.
    api.py          GET /api/indicators/ and /api/rankings/<quarter>/ (+ drilldown, preview).
    management/commands/verify_ranking.py   ``manage.py verify_ranking 2024Q1 [--scheme …]``.
"""
