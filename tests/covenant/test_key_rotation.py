"""Signing the covenant while the portal's key is rotated (`keys rotate`, signing.service.rotate_key):
the new key signs if this machine has its file; otherwise the signer is told to try again shortly,
with what they typed kept and nothing saved."""

import json
import os
import shutil

import pytest
from securesystemslib.dsse import Envelope
from sqlalchemy import func, select
from flask import current_app

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import utcnow
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.signing.keys import load_private_key
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import PortalKey, portal_key
from covenant_portal.signing.service import rotate_key
from covenant_portal.mail.links import Links
from tests.conftest import csrf_token_in, make_app, page_title
from tests.covenant.helpers import create_named_contact
from tests.factories import create_user


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "this-machine" / "signing_key.pem"


@pytest.fixture
def app(migrated_engine, database_url, key_file):
    # A key file of the test's own (made at start-up), so rotating it is harmless.
    return make_app(database_url, SIGNING_KEY_FILE=str(key_file))


@pytest.fixture
def provider_admin(db_session):
    admin = create_user(db_session, Role.PROVIDER, full_name="Ada Okoro")
    create_named_contact(db_session, admin.organisation)
    return admin


def signing_page_token(client_request, provider_admin) -> str:
    client_request.login(provider_admin)
    return csrf_token_in(client_request.get("/covenant/sign").get_data(as_text=True))


def submit(client_request, token):
    return client_request.client.post(
        "/covenant/sign",
        data={
            "csrf_token": token,
            "confirm": "y",
            "full_name": "Ada M. Okoro",
            "job_title": "Director",
            "version_number": "1",
        },
    )


def rotated_on_another_machine(session, key_file, tmp_path):
    """`keys rotate` run on another web machine holding a copy of this machine's key file."""
    other = tmp_path / "other-machine" / "signing_key.pem"
    other.parent.mkdir()
    shutil.copy(key_file, other)
    old_keyid, new = rotate_key(session, other, utcnow())
    return other, old_keyid, new


def counts(session) -> tuple[int, int, int]:
    models = (CovenantSignature, LedgerEntry, OutboxMessage)
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in models)


def signing_keyid(session, signature) -> str:
    [keyid] = Envelope.from_dict(json.loads(service.receipt_bytes(session, signature))).signatures
    return keyid


def test_a_key_rotated_here_between_loading_the_page_and_signing_signs_with_the_new_key(
    client_request, db_session, provider_admin, key_file
):
    old = portal_key()
    token = signing_page_token(client_request, provider_admin)
    _retired, new = rotate_key(db_session, key_file, utcnow())

    response = submit(client_request, token)

    assert response.status_code == 302, response.get_data(as_text=True)
    signature = db_session.scalar(select(CovenantSignature))
    assert signing_keyid(db_session, signature) == new.keyid != old.keyid


def test_a_key_rotated_on_another_machine_asks_the_signer_to_try_again_and_saves_nothing(
    client_request, db_session, provider_admin, key_file, tmp_path
):
    token = signing_page_token(client_request, provider_admin)
    before = counts(db_session)
    other, old_keyid, new = rotated_on_another_machine(db_session, key_file, tmp_path)
    assert portal_key().keyid == old_keyid  # this machine's file still holds the retired key

    response = submit(client_request, token)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    html = response.get_data(as_text=True)
    assert page_title(html).startswith("Error: Sign the covenant")
    assert 'class="govuk-error-summary"' in html
    assert "The portal’s signing key has just been changed" in html and "Nothing has been saved." in html
    assert 'value="Ada M. Okoro"' in html and 'value="Director"' in html  # what was typed is kept
    assert counts(db_session) == before

    # Once the new key file reaches this machine, signing again works, with the new key.
    os.replace(shutil.copy(other, key_file.with_name("arriving.pem")), key_file)
    response = submit(client_request, csrf_token_in(html))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert signing_keyid(db_session, db_session.scalar(select(CovenantSignature))) == new.keyid


def test_a_new_key_file_arriving_while_signing_is_used_at_once(db_session, provider_admin, key_file, tmp_path):
    # The race: the retired key is taken for signing just before the new file lands on this machine.
    other, old_keyid, new = rotated_on_another_machine(db_session, key_file, tmp_path)
    asked: list[PortalKey] = []

    def current_key() -> PortalKey:
        asked.append(portal_key())
        if len(asked) == 1:
            os.replace(shutil.copy(other, key_file.with_name("arriving.pem")), key_file)
        return asked[-1]

    signing = service.Signing("Ada Okoro", "Director", 1)
    signature = service.sign_with_current_key(
        db_session, Links.from_app(current_app), current_key, provider_admin, signing, SYSTEM, utcnow()
    )

    assert [key.keyid for key in asked] == [old_keyid, new.keyid]
    assert signing_keyid(db_session, signature) == new.keyid
    assert PortalKey.from_private_key(load_private_key(key_file)).keyid == new.keyid
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
