"""Each published version's document is public as the exact bytes its signatures cover, so anyone
can check a receipt's subject digest with `sha256sum`."""

import dataclasses
import hashlib
import json

import rfc8785
from flask import current_app

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.db import utcnow
from covenant_portal.reference import covenant_v1
from covenant_portal.mail.links import Links
from tests.covenant.helpers import sign_current_version, sslib_keys_from_rows, verify_with_securesystemslib
from tests.factories import create_user

VERSION_1_SHA256 = "cc221ff44a06328a945033e99d223c244c994dd0c0c4d4ba5527aeadbac52b73"  # docs/covenant.md


def draft_version_2(session):
    wording = dataclasses.replace(service.wording_of(covenant_v1()), title="GM First Covenant, second edition")
    return service.draft_version(session, wording, create_user(session, Role.ADMIN), SYSTEM, utcnow())


def test_anyone_downloads_version_1_as_the_bytes_its_signatures_cover(client_request, db_session):
    response = client_request.get("/covenant/versions/1.json")  # signed out
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gm-first-covenant-v1.json"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_data()
    assert hashlib.sha256(body).hexdigest() == VERSION_1_SHA256 == service.current_version(db_session).document_sha256
    assert body == rfc8785.dumps(covenant_v1())
    assert json.loads(body) == covenant_v1()


def test_the_download_hashes_to_the_subject_digest_of_a_receipt(client_request, db_session):
    signature = sign_current_version(db_session, create_user(db_session, Role.PROVIDER))
    statement = verify_with_securesystemslib(
        service.receipt_bytes(db_session, signature), sslib_keys_from_rows(db_session)
    )
    body = client_request.get(f"/covenant/versions/{statement['predicate']['covenant']['version']}.json").get_data()
    assert hashlib.sha256(body).hexdigest() == statement["subject"][0]["digest"]["sha256"]


def test_drafts_and_unknown_versions_are_not_found_until_published(client_request, db_session):
    draft = draft_version_2(db_session)
    client_request.get("/covenant/versions/2.json", expected_status=404)
    client_request.get("/covenant/versions/3.json", expected_status=404)
    client_request.get("/covenant/versions/0.json", expected_status=404)

    service.publish_version(db_session, Links.from_app(current_app), draft, SYSTEM, utcnow())

    body = client_request.get("/covenant/versions/2.json").get_data()
    assert hashlib.sha256(body).hexdigest() == draft.document_sha256 != VERSION_1_SHA256
    assert json.loads(body)["title"] == "GM First Covenant, second edition"
    # The older version stays downloadable: receipts of it must stay checkable.
    assert hashlib.sha256(client_request.get("/covenant/versions/1.json").get_data()).hexdigest() == VERSION_1_SHA256


def test_the_covenant_page_and_the_signature_page_link_to_the_download(client_request, db_session):
    signature = sign_current_version(db_session, create_user(db_session, Role.PROVIDER))
    client_request.login(signature.signer)
    for url in ("/covenant", f"/covenant/signatures/{signature.id}"):
        html = client_request.get(url).get_data(as_text=True)
        assert 'href="/covenant/versions/1.json" download>' in html, url
        assert VERSION_1_SHA256 in html, url
