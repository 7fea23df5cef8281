"""The one link helper (web/views.py): a link only to a page the user may open, and a loud failure
for an endpoint that does not exist."""

import re

import pytest
from flask_login import login_user

from covenant_portal.access import Role
from covenant_portal.web.views import link
from tests.factories import create_user


def test_an_unknown_endpoint_raises(app, db_session):
    with app.test_request_context():
        with pytest.raises(LookupError, match=re.escape("no view is called 'returns.no_such_page'")):
            link("returns.no_such_page", return_id=1)


def test_a_link_only_to_a_page_the_user_may_open(app, db_session):
    admin = create_user(db_session, Role.ADMIN)
    with app.test_request_context():
        assert link("compliance.overview") is None  # not signed in
        login_user(admin)
        assert link("compliance.overview") == "/returns/overview"
