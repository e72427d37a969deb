"""Working days: the Chinese holidays and 调休 from the package, the city's overrides, and the
weekday fallback for years the package does not know (2027 onwards in the installed version)."""

import datetime as dt

import pytest

from zhaoshang.core.models import WorkdayOverride
from zhaoshang.core.workdays import (
    add_workdays,
    fallback_years,
    is_known_year,
    is_workday,
    workdays_between,
)

D = dt.date


@pytest.mark.django_db
def test_a_problem_raised_friday_before_national_day_2024_with_five_working_days_is_due_october_10():
    assert add_workdays(D(2024, 9, 27), 5) == D(2024, 10, 10)


@pytest.mark.django_db
def test_the_tiaoxiu_sunday_before_national_day_is_a_working_day_and_the_holiday_monday_is_not():
    assert is_workday(D(2024, 9, 29)) is True  # Sunday, 调休
    assert is_workday(D(2024, 10, 7)) is False  # Monday, 国庆节
    assert is_workday(D(2024, 10, 12)) is True  # Saturday, 调休
    assert is_workday(D(2024, 10, 13)) is False  # Sunday


@pytest.mark.django_db
def test_spring_festival_2025_pushes_a_three_day_limit_past_the_holiday():
    # 2025-01-28 .. 02-04 off; 01-26 (Sunday) and 02-08 (Saturday) worked.
    assert add_workdays(D(2025, 1, 24), 3) == D(2025, 2, 5)
    assert add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)


@pytest.mark.django_db
def test_zero_working_days_is_the_start_itself_and_a_negative_count_is_refused():
    assert add_workdays(D(2024, 10, 1), 0) == D(2024, 10, 1)
    with pytest.raises(ValueError):
        add_workdays(D(2024, 10, 1), -1)


@pytest.mark.django_db
def test_workdays_between_counts_the_days_after_the_first_up_to_the_second():
    assert workdays_between(D(2024, 9, 27), D(2024, 10, 10)) == 5
    assert workdays_between(D(2024, 10, 10), D(2024, 9, 27)) == -5
    assert workdays_between(D(2024, 10, 1), D(2024, 10, 7)) == 0
    assert workdays_between(D(2024, 10, 8), D(2024, 10, 8)) == 0


@pytest.mark.django_db
def test_2027_is_not_known_to_the_package_and_falls_back_to_monday_to_friday():
    assert is_known_year(2026) is True
    assert is_known_year(2027) is False
    assert fallback_years(D(2026, 12, 6), D(2027, 1, 20)) == [2027]
    assert fallback_years(D(2026, 1, 6), D(2026, 12, 20)) == []
    # 2027-01-01 is a Friday: without an override it counts as a working day.
    assert is_workday(D(2027, 1, 1)) is True
    assert is_workday(D(2027, 1, 2)) is False
    # Thursday 2026-12-31 + 2 working days: Friday 01-01, Monday 01-04.
    assert add_workdays(D(2026, 12, 31), 2) == D(2027, 1, 4)


@pytest.mark.django_db
def test_the_citys_override_declares_new_years_day_2027_a_holiday_and_a_saturday_worked():
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    WorkdayOverride.objects.create(date=D(2027, 1, 9), is_workday=True, name="调休上班")
    assert is_workday(D(2027, 1, 1)) is False
    assert add_workdays(D(2026, 12, 31), 2) == D(2027, 1, 5)
    # Mon 4 .. Fri 8 and Saturday 9 worked: six working days after New Year's Eve.
    assert workdays_between(D(2026, 12, 31), D(2027, 1, 10)) == 6


@pytest.mark.django_db
def test_an_override_wins_over_the_package_in_a_known_year():
    WorkdayOverride.objects.create(date=D(2024, 10, 8), is_workday=False, name="临时停工")
    assert is_workday(D(2024, 10, 8)) is False
    assert add_workdays(D(2024, 9, 27), 5) == D(2024, 10, 11)
