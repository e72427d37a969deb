"""Each scoring method against numbers computed by hand."""

from decimal import Decimal as Dec

from zhaoshang.goals import scoring


def test_completion_rate_times_weight_capped():
    assert scoring.completion(Dec(90), Dec(100), weight=Dec(40), cap=Dec(120)) == Dec("36.00")
    assert scoring.completion(Dec(150), Dec(100), weight=Dec(40), cap=Dec(120)) == Dec("48.00")
    # 1 of 3 → 33.333…% × 25 / 100 = 8.333… → 8.33
    assert scoring.completion(Dec(1), Dec(3), weight=Dec(25), cap=Dec(120)) == Dec("8.33")
    assert scoring.completion(Dec(5), Dec(0), weight=Dec(10), cap=Dec(120)) == Dec("10.00")


def test_efficacy_coefficient_within_the_track():
    values = {"a": Dec(10), "b": Dec(20), "c": Dec(30)}
    # a: 60 × 0.3 = 18; b: (0.5 × 40 + 60) × 0.3 = 24; c: 100 × 0.3 = 30
    assert scoring.efficacy(values, weight=Dec(30)) == {
        "a": Dec("18.00"),
        "b": Dec("24.00"),
        "c": Dec("30.00"),
    }
    # (7 − 0) / (9 − 0) × 40 + 60 = 91.111…, × 0.15 = 13.666… → 13.67
    assert scoring.efficacy({"x": Dec(0), "y": Dec(7), "z": Dec(9)}, weight=Dec(15))["y"] == Dec(
        "13.67"
    )


def test_efficacy_all_equal_gives_full_marks():
    assert scoring.efficacy({"a": Dec(5), "b": Dec(5)}, weight=Dec(20)) == {
        "a": Dec("20.00"),
        "b": Dec("20.00"),
    }


def test_rank_points_share_a_rank_on_equal_values_and_stop_at_the_floor():
    values = {"a": Dec(5), "b": Dec(9), "c": Dec(9), "d": Dec(1), "e": Dec(0)}
    points = scoring.rank_points(values, weight=Dec(10), step=Dec(3), floor=Dec(2))
    # b, c first (10); a third (10 − 2×3 = 4); d fourth (10 − 9 = 1 → floor 2); e floor 2
    assert points == {
        "b": Dec("10.00"),
        "c": Dec("10.00"),
        "a": Dec("4.00"),
        "d": Dec("2.00"),
        "e": Dec("2.00"),
    }


def test_growth_rates_then_efficacy():
    rates = scoring.growth_rates(
        {"a": Dec(150), "b": Dec(80), "c": Dec(10), "d": Dec(0)},
        {"a": Dec(100), "b": Dec(100), "c": Dec(0), "d": Dec(0)},
        cap=Dec(200),
    )
    assert rates == {"a": Dec(50), "b": Dec(-20), "c": Dec(200), "d": Dec(0)}
    # min −20, max 200, range 220: a (70/220×40+60)×0.1 = 7.2727 → 7.27; d (20/220×40+60)×0.1
    assert scoring.efficacy(rates, weight=Dec(10)) == {
        "a": Dec("7.27"),
        "b": Dec("6.00"),
        "c": Dec("10.00"),
        "d": Dec("6.36"),
    }
    assert scoring.growth_rate(Dec(500), Dec(100), cap=Dec(200)) == Dec(200)


def test_ties_are_broken_by_the_listed_column_then_the_unit_code():
    def row(unit, total, funds, started=0):
        return {
            "unit": unit,
            "total": str(total),
            "scores": {"funds": str(funds), "started": str(started)},
            "values": {"funds": "0", "started": "0"},
        }

    rows = [
        row("371581", 80, 30),
        row("371502", 80, 35),
        row("371503", 80, 35),
        row("LCZ01", 90, 10),
    ]
    ordered = [r["unit"] for r in scoring.rank(rows, ["funds"])]
    assert ordered == ["LCZ01", "371502", "371503", "371581"]
    assert [r["unit"] for r in scoring.rank(rows, [])] == ["LCZ01", "371502", "371503", "371581"]
    rows[2]["scores"]["started"] = "5"
    assert [r["unit"] for r in scoring.rank(rows, ["funds", "started"])][:3] == [
        "LCZ01",
        "371503",
        "371502",
    ]


def test_equal_totals_and_tie_break_scores_are_decided_by_the_values_before_the_unit_code():
    def row(unit, funds_value):
        return {
            "unit": unit,
            "total": "80",
            "scores": {"funds": "35"},
            "values": {"funds": str(funds_value)},
        }

    rows = [row("371502", "500.00"), row("371581", "900.00"), row("371503", "500.01")]
    assert [r["unit"] for r in scoring.rank(rows, ["funds"])] == ["371581", "371503", "371502"]
    assert [r["unit"] for r in scoring.rank(rows, [])] == ["371502", "371503", "371581"]
