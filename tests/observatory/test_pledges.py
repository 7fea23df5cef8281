"""An LA's own pledges as its page shows them: a row a measure for the latest quarter with figures,
how it compares with the quarter before (better or worse the way its pledge wants), and each
measure's earlier quarters, newest first, every figure kept."""

from covenant_portal.observatory import rag
from covenant_portal.observatory.measures import Quarter
from covenant_portal.observatory.pledges import PledgeQuarter, change_words, la_pledges
from covenant_portal.web.duties import LaPledgeFigure

QUARTERS = [Quarter(index, 2026, quarter) for index, quarter in enumerate((1, 2, 3), start=1)]
DAYS = "Days without a named contact"
SHARE = "Share of concerns resolved within their deadline"


def days(quarter: int, value: float | None, la_id: int = 7) -> LaPledgeFigure:
    return LaPledgeFigure(la_id, 2026, quarter, "days", DAYS, value, target=0)


def share(quarter: int, value: float | None) -> LaPledgeFigure:
    return LaPledgeFigure(7, 2026, quarter, "share", SHARE, value, target=100, higher_is_better=True, unit="%")


def test_each_measure_has_one_row_for_the_latest_quarter_and_its_earlier_quarters_newest_first():
    figures = [days(1, 20), share(1, 50), days(2, 0), share(2, None), days(3, 5), share(3, 100), days(3, 99, la_id=8)]
    found = la_pledges(figures, 7, QUARTERS)
    assert found.latest == QUARTERS[2]
    assert [(each.measure, each.label) for each in found.measures] == [("days", DAYS), ("share", SHARE)]
    named, resolved = found.measures
    assert named.latest == PledgeQuarter("Q3 2026 to 2027", "5", "0", rag.NOT_MET)
    assert named.earlier == [
        PledgeQuarter("Q2 2026 to 2027", "0", "0", rag.MET),
        PledgeQuarter("Q1 2026 to 2027", "20", "0", rag.NOT_MET),
    ]
    assert named.change == "Worse (0 the quarter before)"
    assert resolved.latest == PledgeQuarter("Q3 2026 to 2027", "100%", "100%", rag.MET)
    assert resolved.earlier == [
        PledgeQuarter("Q2 2026 to 2027", "No cases", "100%", rag.NO_CASES),
        PledgeQuarter("Q1 2026 to 2027", "50%", "100%", rag.NOT_MET),
    ]
    assert resolved.change == "No cases the quarter before"
    shown = [row for each in found.measures for row in [each.latest, *each.earlier]]
    assert len(shown) == 6  # every figure of the LA's, and none of another LA's


def test_the_latest_quarter_is_the_newest_with_a_figure_and_a_measure_without_one_then_says_so():
    found = la_pledges([days(1, 3), share(1, 90), share(2, 95)], 7, QUARTERS)
    assert found.latest == QUARTERS[1]
    named, resolved = found.measures
    assert named.latest is None and named.change == "No figure this quarter (3 the quarter before)"
    assert named.earlier == [PledgeQuarter("Q1 2026 to 2027", "3", "0", rag.NOT_MET)]
    assert resolved.change == "Better (90% the quarter before)"


def test_better_and_worse_follow_the_way_the_pledge_wants_the_figure_to_move():
    assert change_words(days(2, 1), days(1, 4)) == "Better (4 the quarter before)"
    assert change_words(days(2, 4), days(1, 1)) == "Worse (1 the quarter before)"
    assert change_words(share(2, 80), share(1, 90)) == "Worse (90% the quarter before)"
    assert change_words(days(2, 2.46), days(1, 2.5)) == "No change (2.5 the quarter before)"  # as shown
    assert change_words(days(2, None), days(1, 2)) == "No cases this quarter (2 the quarter before)"
    assert change_words(days(2, 2), None) == "No figure the quarter before"


def test_no_figures_for_the_la_means_no_rows():
    found = la_pledges([days(1, 3, la_id=8)], 7, QUARTERS)
    assert found.latest is None and found.measures == []


def whole(quarter: int, value: float, cases: int) -> LaPledgeFigure:
    """Days without a named contact as contacts/figures.py gives them: of `cases` days measured."""
    return LaPledgeFigure(7, 2026, quarter, "days", DAYS, value, target=0, cases=cases, of_cases="days")


def test_a_whole_quarter_without_a_named_contact_reads_as_such_and_a_longer_one_is_no_worse():
    # Q1 is 91 days, Q2 92: no named contact on any day of either is no change, not one day worse.
    found = la_pledges([whole(1, 91, 91), whole(2, 92, 92)], 7, QUARTERS)
    (named,) = found.measures
    assert named.latest == PledgeQuarter("Q2 2026 to 2027", "All 92 days", "0", rag.NOT_MET)
    assert named.earlier == [PledgeQuarter("Q1 2026 to 2027", "All 91 days", "0", rag.NOT_MET)]
    assert named.change == "No change (all 91 days the quarter before)"


def test_a_named_contact_on_some_day_is_better_than_none_all_quarter_whatever_the_count():
    # 91 of Q2's 92 days is one day with a contact, against none in all of Q1's 91.
    assert change_words(whole(2, 91, 92), whole(1, 91, 91)) == "Better (all 91 days the quarter before)"
    assert change_words(whole(2, 91, 91), whole(1, 91, 92)) == "Worse (91 the quarter before)"
    assert change_words(whole(2, 90, 92), whole(1, 10, 91)) == "Worse (10 the quarter before)"
    assert change_words(whole(2, 10, 92), whole(1, 10, 91)) == "No change (10 the quarter before)"
    assert change_words(whole(2, 0, 92), whole(1, 91, 91)) == "Better (all 91 days the quarter before)"
