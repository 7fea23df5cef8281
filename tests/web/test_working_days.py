"""Working-day clocks (covenant_portal/web/working_days.py), across England's bank holidays and pauses."""

from datetime import date

import pytest

from covenant_portal.web.working_days import add_working_days, clock, is_working_day, working_days_between


def test_christmas_and_new_year_do_not_count():
    # Fri 18 Dec 2026: 21-24 Dec (4), 25 Dec and 28 Dec (Boxing Day, substitute) off, 29-31 Dec (7),
    # 1 Jan off, 4-6 Jan (10).
    assert not is_working_day(date(2026, 12, 28))
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_easter_does_not_count():
    # Good Friday 26 Mar 2027 and Easter Monday 29 Mar 2027.
    assert add_working_days(date(2027, 3, 19), 10) == date(2027, 4, 6)
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_started_on_a_weekend_counts_from_the_monday():
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 30), 0) == date(2026, 11, 30)


def test_days_between_count_the_days_after_the_first():
    assert working_days_between(date(2026, 12, 18), date(2027, 1, 6)) == 10
    assert working_days_between(date(2027, 1, 6), date(2026, 12, 18)) == 0


def test_a_closed_pause_moves_the_due_date_by_its_working_days():
    # Paused Tue 1 Dec to Thu 3 Dec 2026: three working days.
    unpaused = add_working_days(date(2026, 11, 30), 10)
    paused = add_working_days(date(2026, 11, 30), 10, [(date(2026, 12, 1), date(2026, 12, 3))])
    assert (unpaused, paused) == (date(2026, 12, 14), date(2026, 12, 17))


def test_a_pause_across_christmas_counts_only_working_days_outside_it():
    pause = [(date(2026, 12, 22), date(2027, 1, 4))]
    # 21 Dec (1), paused to 4 Jan, 5-13 Jan (2..8), 14, 15 Jan (10).
    assert add_working_days(date(2026, 12, 18), 10, pause) == date(2027, 1, 15)


def test_an_open_pause_stops_the_clock_and_says_so():
    seen = clock(date(2026, 11, 30), 10, today=date(2026, 12, 9), pauses=[(date(2026, 12, 2), None)])
    assert seen.paused and seen.working_days_left == 9 and seen.describe() == "9 working days left (paused)"
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 30), 10, [(date(2026, 12, 2), None)])


def test_clock_counts_down_then_shows_days_overdue():
    assert clock(date(2026, 11, 30), 2, today=date(2026, 11, 30)).describe() == "2 working days left"
    assert clock(date(2026, 11, 30), 2, today=date(2026, 12, 2)).describe() == "Due today"
    late = clock(date(2026, 11, 30), 2, today=date(2026, 12, 7))
    assert late.overdue and late.due_on == date(2026, 12, 2) and late.describe() == "3 working days overdue"
    assert clock(date(2026, 11, 30), 2, today=date(2026, 12, 3)).describe() == "1 working day overdue"


def test_a_clock_is_described_to_start_a_sentence_or_in_the_middle_of_one():
    today = clock(date(2026, 11, 30), 2, today=date(2026, 12, 2))
    assert (today.describe(), today.describe(mid_sentence=True)) == ("Due today", "due today")
    paused = clock(date(2026, 11, 30), 2, today=date(2026, 12, 2), pauses=[(date(2026, 12, 2), None)])
    assert paused.describe(mid_sentence=True) == "1 working day left (paused)"
    for seen_on in (date(2026, 11, 30), date(2026, 12, 3)):
        shown = clock(date(2026, 11, 30), 2, today=seen_on)
        assert shown.describe(mid_sentence=True) == shown.describe()  # nothing else to lower
