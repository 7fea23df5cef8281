"""/la/returns at speed: a constant number of SQL queries for a page of the table (and for its CSV),
whatever the number of providers; and who sees what, the same in the lists as in the details."""

from contextlib import contextmanager
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import event

from covenant_portal.access import Role
from covenant_portal.db import get_session
from covenant_portal.returns.compliance import service as compliance
from tests.factories import create_user, local_authority
from tests.returns.helpers import period_of, signed_organisation, submit_filled_return
from tests.returns.test_compliance import BEFORE_DUE, scene  # noqa: F401 (the fixture)

SIGNED_RETURN_AT = datetime(2026, 7, 6, 9, 30, tzinfo=UTC)


@contextmanager
def counted(connection):
    """The SQL statements run on the connection (which the app's requests share) meanwhile."""
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", listener)


def add_providers(db_session, period, count: int) -> None:
    for n in range(count):
        signed = signed_organisation(db_session, homes=1)
        if n % 2 == 0:  # half signed, half not started
            submit_filled_return(db_session, signed, period, now=SIGNED_RETURN_AT)


def queries_for(client_request, db_session, urls: list[str]) -> list[int]:
    counts = []
    for url in urls:
        client_request.get(url)  # once first: the user's session, caches
        with counted(db_session.connection()) as statements:
            body = client_request.get(url).get_data()
        assert body
        counts.append(len(statements))
    return counts


def test_a_page_of_the_table_and_the_csv_take_the_same_queries_for_3_providers_as_for_30(client_request, db_session):
    period = period_of(db_session)
    contact = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    client_request.login(contact)
    urls = [
        f"/la/returns?period={period.id}",
        f"/la/returns?period={period.id}&state=submitted",
        f"/la/returns.csv?period={period.id}",
    ]

    add_providers(db_session, period, 3)
    with_3 = queries_for(client_request, db_session, urls)
    add_providers(db_session, period, 27)
    with_30 = queries_for(client_request, db_session, urls)

    assert with_3 == with_30
    assert with_3[0] <= 8, with_3  # the user, the periods, the counts, the rows, the covenant, the LA …
    assert "30 providers owe a return" in client_request.get(urls[0]).get_data(as_text=True)
    assert len(client_request.get(urls[2]).get_data(as_text=True).splitlines()) == 31


def test_the_csv_is_streamed_in_chunks_of_rows(client_request, db_session, monkeypatch):
    monkeypatch.setattr(compliance, "CSV_CHUNK", 2)
    period = period_of(db_session)
    add_providers(db_session, period, 5)
    client_request.login(create_user(db_session, Role.ADMIN))
    response = client_request.get(f"/la/returns.csv?period={period.id}", buffered=False)
    assert response.is_streamed
    rows = response.get_data(as_text=True).splitlines()
    assert len(rows) == 6
    names = [row.split(",")[0] for row in rows[1:]]
    assert names == sorted(names, key=str.casefold)


def test_the_lists_and_the_details_show_each_viewer_the_same_organisations(db_session, scene):
    returns = [scene.hosted_return, scene.placing_return, scene.unrelated_return, scene.drafting_return]
    viewers = [
        scene.bolton_contact,
        scene.wigan_contact,
        create_user(db_session, Role.ADMIN),
        create_user(db_session, Role.ESCALATION_OFFICER),
    ]
    for viewer in viewers:
        listed = {
            row.organisation_id
            for row in compliance.compliance_table(
                db_session, scene.period, BEFORE_DUE, compliance.scope_for(viewer)
            ).rows
        }
        opened = {r.organisation_id for r in returns if compliance.return_for_viewer(db_session, viewer, r.id)}
        assert opened == listed & {r.organisation_id for r in returns}, viewer.role
        assert all(compliance.may_see_organisation(db_session, viewer, org) for org in listed)
    provider = scene.hosted.user
    assert [r for r in returns if compliance.return_for_viewer(db_session, provider, r.id)] == [scene.hosted_return]


def test_a_streamed_csv_leaves_no_session_open(committed_app, monkeypatch):
    """The body is sent after Flask has torn the view's context down: the rows are read with a
    session of the sending's own, closed when the CSV ends (else SQLite stays locked for writers)."""
    monkeypatch.setattr(compliance, "CSV_CHUNK", 1)
    with committed_app.app_context():
        session = get_session()
        period = period_of(session)
        for _ in range(3):
            signed_organisation(session, homes=1)
        admin = create_user(session, Role.ADMIN)
        session.commit()
        login, period_id = admin.get_id(), period.id
    client = FlaskClient(committed_app)  # as a WSGI server runs the app: no context kept around it
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = login
        flask_session["_fresh"] = True
    engine = committed_app.extensions["db"].engine
    for _ in range(2):
        response = client.get(f"/la/returns.csv?period={period_id}")
        assert response.status_code == 200 and response.is_streamed
        assert len(response.get_data(as_text=True).splitlines()) == 4
        assert engine.pool.checkedout() == 0
