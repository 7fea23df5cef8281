"""Finding 2 of issue 11: an id in a URL path or a query string too big for any id column (or not
an ASCII number at all) is not found (404) or ignored, never a server error, on every route."""

import re

import pytest

from covenant_portal.access import Role
from covenant_portal.web.ids import LARGEST_ID, parse_id
from tests.factories import create_user

TOO_BIG = str(LARGEST_ID + 1)
INT_PART = re.compile(r"<int(?:\([^)]*\))?:[a-z_]+>")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1", 1),
        ("0042", 42),
        (str(LARGEST_ID), LARGEST_ID),
        (TOO_BIG, None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
        ("-1", None),
        ("1.5", None),
        ("²", None),
        ("١٢", None),
        (" 1", None),
    ],
)
def test_parse_id_takes_ascii_digits_up_to_the_largest_id(typed, expected):
    assert parse_id(typed) == expected


def rules_with_ids(app):
    return [rule for rule in app.url_map.iter_rules() if INT_PART.search(rule.rule)]


def test_every_route_with_an_id_answers_not_found_for_an_id_too_big(app, client_request, db_session):
    rules = rules_with_ids(app)
    assert len(rules) > 20
    client_request.login(create_user(db_session, Role.ADMIN))
    for rule in rules:
        for too_big in (TOO_BIG, "9" * 5000):
            url = INT_PART.sub(too_big, rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client_request.client.open(url, method=method)
                assert response.status_code == 404, (method, url[:80], response.status_code)


@pytest.mark.parametrize(
    "query", ["organisation=9223372036854775808", "local_authority=99999999999999999999", f"organisation={'9' * 5000}"]
)
def test_an_admins_user_filter_with_an_id_too_big_is_not_found(client_request, db_session, query):
    client_request.login(create_user(db_session, Role.ADMIN))
    client_request.get(f"/admin/users?{query}", expected_status=404)


@pytest.mark.parametrize("query", ["organisation=²", "local_authority=-1", "organisation=abc", "organisation=%00"])
def test_a_user_filter_that_is_not_a_number_filters_nothing(client_request, db_session, query):
    admin = create_user(db_session, Role.ADMIN)
    client_request.login(admin)
    assert admin.email in client_request.get(f"/admin/users?{query}").get_data(as_text=True)
