"""Issue 13, point 3: the one check for child-identifying data (web/identifiers.py)."""

import pytest

from covenant_portal.web.identifiers import identifying_data_problem, nhs_number_is_valid

GUIDANCE = "could identify a child"


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9990000018", "1234567881"])
def test_valid_nhs_numbers_pass_the_modulus_11_check(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "0000000001", "123456789", "94347659190"])
def test_invalid_nhs_numbers_do_not(number):
    assert not nhs_number_is_valid(number)


@pytest.mark.parametrize("text", ["NHS number 943 476 5919", "ref 9434765919", "401-023-2137 was discussed"])
def test_a_valid_nhs_number_is_refused_and_named(text):
    problem = identifying_data_problem(text)
    assert problem and "it looks like an NHS number" in problem and GUIDANCE in problem


@pytest.mark.parametrize("text", ["Order 943 476 5918 arrived", "Invoice 1234567890", "Call 0161 496 0000"])
def test_ten_digits_failing_the_check_are_allowed(text):
    assert identifying_data_problem(text) is None


@pytest.mark.parametrize(
    "text, found",
    [
        ("Placed on 12/05/2014", "12/05/2014"),
        ("dob 1.5.14", "1.5.14"),
        ("seen 3-5-2012", "3-5-2012"),
        ("born 1 May 2014", "1 May 2014"),
        ("the young person's birthday is 1 May 2014", "1 May 2014"),
        ("May 1st 2014 was the date", "May 1st 2014"),
        ("on 21st of September, 2013", "21st of September, 2013"),
        ("Sept 3 2015", "Sept 3 2015"),
        ("recorded as 2014-05-01", "2014-05-01"),
    ],
)
def test_dates_in_common_formats_are_refused_and_named(text, found):
    problem = identifying_data_problem(text)
    assert problem and found in problem and GUIDANCE in problem


@pytest.mark.parametrize("text", ["Pupil A123456789012 attends", "UPN: b12345678901C"])
def test_unique_pupil_numbers_are_refused(text):
    problem = identifying_data_problem(text)
    assert problem and "unique pupil number" in problem


@pytest.mark.parametrize("text, found", [("Lives at BL9 0EJ", "BL9 0EJ"), ("M1 1AE", "M1 1AE"), ("sw1a1aa", "sw1a1aa")])
def test_full_postcodes_are_refused(text, found):
    problem = identifying_data_problem(text)
    assert problem and f"postcode {found}" in problem and "first part of the postcode" in problem


@pytest.mark.parametrize(
    "text, found",
    [
        ("Sam Smith, aged 12, moved", "Sam Smith, aged 12"),
        ("Sam, 12 years old", "Sam, 12 years old"),
        ("12-year-old Sam was upset", "12-year-old Sam"),
        ("Jo (aged 9) settled well", "Jo (aged 9)"),
        ("Jane Smith is 12", "Jane Smith is 12"),
        ("Jane Smith (12) settled", "Jane Smith (12)"),
        ("Jane Smith, 12, from Bury", "Jane Smith, 12"),
        ("Jane Smith age: 12", "Jane Smith age: 12"),
        ("Jane Smith, aged twelve", "Jane Smith, aged twelve"),
        ("Jane Smith who is 12 years old", "Jane Smith who is 12 years old"),
        ("Jane Smith in Year 7 at St Mary's", "Jane Smith in Year 7"),
    ],
)
def test_a_child_named_with_an_age_is_refused(text, found):
    problem = identifying_data_problem(text)
    assert problem and f"“{found}”" in problem and "name with their age or school year" in problem


@pytest.mark.parametrize(
    "text, found",
    [("Jane Smith, born Feb 2012", "Feb 2012"), ("J.S. born 2012", "2012"), ("born in March 2011", "March 2011")],
)
def test_born_with_a_year_is_refused_as_a_date_of_birth(text, found):
    assert identifying_data_problem(text) == (
        f"Remove the date of birth ({found}). Do not include information that could identify a child."
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "We told Bolton about every vacancy within a day, in May 2026.",
        "Call our placements team on 0161 496 0000 or 07700 900982.",
        "International: +44 161 496 0000",
        "Home Ofsted URN SC123456; company 01234567.",
        "Q1 2026 to 2027: 3 children placed from Wigan, 1 vacancy.",
        "Fees rose to £4,250.50 a week (12.5%).",
        "Children aged 12 to 17, young people aged 16-18.",
        "A young person, aged 14, was placed in the BL9 area near M1.",
        "A 12-year-old was placed; 15 year olds are welcome.",
        "The meeting on Monday, 3 March, went well. Section A1 2nd part.",
        "Oak House (12 places) in Bury",
        "Greater Manchester (12); Bolton (12), Bury (8); places in Bolton, 12, and Bury, 8.",
        "Oak House is 12 miles from Bury. Total beds is 12. Rose Cottage, 4, opens soon.",
        "Opened in Year 2 of the plan; we have been open since 2012, and our founder was born in Bury.",
    ],
)
def test_allowed_text_passes(text):
    assert identifying_data_problem(text) is None


def test_several_kinds_of_identifier_are_all_named_in_one_sentence():
    problem = identifying_data_problem("Lives at BL9 0EJ, NHS number 943 476 5919")
    assert problem == (
        "Remove the postcode BL9 0EJ and the NHS number 943 476 5919: "
        "do not include information that could identify a child."
    )


def test_each_kind_found_is_named_in_the_order_it_appears():
    problem = identifying_data_problem(
        "Jane Smith, aged 12, UPN A123456789012, seen 12/05/2014 at M1 1AE (NHS 9434765919)"
    )
    assert problem == (
        "Remove the child’s name with their age or school year (“Jane Smith, aged 12”), "
        "the unique pupil number (UPN) A123456789012, the date 12/05/2014, the postcode M1 1AE "
        "and the NHS number 9434765919: do not include information that could identify a child."
    )
