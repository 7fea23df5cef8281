"""Setting the scene for signing tests: a ledger of real covenant signatures, the `ledger` commands,
and the keys document read by securesystemslib (never by the portal's own verifying code)."""

import base64
import json

import sqlalchemy as sa
from flask import Flask
from securesystemslib.signer import SSlibKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.signing.models import LedgerEntry
from tests.covenant.helpers import sign_current_version
from tests.factories import create_user


def sign_covenants(session: Session, count: int, now=None) -> list[CovenantSignature]:
    """`count` organisations sign the current covenant: a ledger of `count` real entries."""
    return [sign_current_version(session, create_user(session, Role.PROVIDER), now) for _ in range(count)]


def run_ledger(app: Flask, *args: str):
    """`flask --app covenant_portal ledger ...`, in the test's transaction, with an application
    context (and so a database session) of its own, as a real command has."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["ledger", *args])


def ledger_entries(session: Session) -> list[LedgerEntry]:
    return list(session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)))


def receipt_of(session: Session, signature: CovenantSignature) -> bytes:
    return session.get(LedgerEntry, signature.ledger_seq).envelope


def sslib_keys(keys_document: dict) -> list[SSlibKey]:
    """Each published key exactly as securesystemslib reads it from /.well-known/gm-first-keys.json."""
    return [SSlibKey.from_dict(key["keyid"], dict(key)) for key in keys_document["keys"]]


def statement_in(envelope: bytes | dict) -> dict:
    data = json.loads(envelope) if isinstance(envelope, bytes) else envelope
    return json.loads(base64.b64decode(data["payload"]))


def allow_tampering(session: Session) -> None:
    """Lets the test change ledger rows behind the portal's back, until its transaction rolls back:
    on PostgreSQL as a replica session (no triggers, so neither the append-only trigger nor foreign
    keys fire), on SQLite by deferring foreign keys to a commit that never comes."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql("SET LOCAL session_replication_role = replica")
    else:
        session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def remove_entry(session: Session, seq: int) -> None:
    """Removes a ledger entry and the covenant signature it seals, behind the portal's back, with
    the Merkle tree's nodes over it and the checkpoints (and cosignatures) covering it, as a
    thorough forger would."""
    allow_tampering(session)
    signatures, entries = CovenantSignature.__table__, LedgerEntry.__table__
    session.execute(sa.delete(signatures).where(signatures.c.ledger_seq == seq))
    session.execute(sa.delete(entries).where(entries.c.seq == seq))
    forget_tree_from(session, seq)
    session.expire_all()


def forget_tree_from(session: Session, seq: int) -> None:
    """Deletes the tree nodes over entry `seq` and later ones, and the checkpoints covering them."""
    session.execute(sa.text("DELETE FROM ledger_tree_node WHERE ((idx + 1) << level) > :leaf"), {"leaf": seq - 1})
    session.execute(sa.text("DELETE FROM checkpoint_cosignature WHERE tree_size >= :seq"), {"seq": seq})
    session.execute(sa.text("DELETE FROM ledger_checkpoint WHERE tree_size >= :seq"), {"seq": seq})
