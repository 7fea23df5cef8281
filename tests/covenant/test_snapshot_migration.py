"""Migration 0004 gives existing covenant signatures the organisation's details exactly as they
were signed, read from each signature's own envelope in the ledger."""

import base64
import json
from datetime import datetime, timezone

import sqlalchemy as sa

from covenant_portal.db import create_db_engine, upgrade_database

SIGNED_IN_AT = "2026-05-04T08:15:30.250000Z"


def envelope_signing(organisation: dict) -> bytes:
    predicate = {"organisation": organisation, "ceremony": {"authentication": {"signedInAt": SIGNED_IN_AT}}}
    payload = json.dumps({"predicate": predicate}).encode()
    return json.dumps({"payload": base64.b64encode(payload).decode(), "payloadType": "x", "signatures": []}).encode()


def test_existing_signatures_take_the_signed_details_from_their_envelopes(empty_database_url):
    engine = create_db_engine(empty_database_url)
    upgrade_database(engine, "0003")
    signed = {
        "id": 1,
        "name": "Old Name Homes Ltd",
        "companiesHouseNumber": "01234567",
        "charityNumber": None,
        "ofstedProviderUrn": "SC123456",
    }
    moment = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO provider_organisation (id, name, created_at) VALUES (1, 'Renamed Since Ltd', :at)"),
            {"at": moment},
        )
        connection.execute(
            sa.text(
                "INSERT INTO user_account (id, email, full_name, job_title, role, organisation_id, "
                "is_organisation_admin, session_version, created_at) "
                "VALUES (1, 'a@example.org', 'A', 'B', 'provider', 1, true, 1, :at)"
            ),
            {"at": moment},
        )
        connection.execute(
            sa.text(
                "INSERT INTO covenant_version (id, number, title, document, document_sha256, status, created_at, "
                "published_at) VALUES (1, 1, 'T', '{}', :digest, 'published', :at, :at)"
            ),
            {"digest": "0" * 64, "at": moment},
        )
        connection.execute(
            sa.text(
                "INSERT INTO ledger_entry (seq, created_at, kind, subject, envelope, envelope_sha256, prev_hash, "
                "entry_hash) VALUES (1, :at, 'covenant-signature', 'urn:gm-first:covenant-signature:1', :envelope, "
                ":digest, :digest, :digest)"
            ),
            {"at": moment, "envelope": envelope_signing(signed), "digest": "0" * 64},
        )
        connection.execute(
            sa.text(
                "INSERT INTO covenant_signature (id, organisation_id, covenant_version_id, signer_id, signer_name, "
                "signer_job_title, signer_email, declaration, signed_at, ledger_seq) "
                "VALUES (1, 1, 1, 1, 'A', 'B', 'a@example.org', 'I sign', :at, 1)"
            ),
            {"at": moment},
        )

    upgrade_database(engine, "0004")

    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT organisation_name, organisation_companies_house_number, organisation_charity_number, "
                "organisation_ofsted_provider_urn, signer_signed_in_at FROM covenant_signature"
            )
        ).one()
    engine.dispose()
    assert row[:4] == ("Old Name Homes Ltd", "01234567", None, "SC123456")
    signed_in_at = row[4] if isinstance(row[4], datetime) else datetime.fromisoformat(row[4])
    signed_in_at = (
        signed_in_at.astimezone(timezone.utc) if signed_in_at.tzinfo else signed_in_at.replace(tzinfo=timezone.utc)
    )
    assert signed_in_at == datetime(2026, 5, 4, 8, 15, 30, 250000, tzinfo=timezone.utc)
