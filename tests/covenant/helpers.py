"""Setting the scene for covenant tests: named contacts, signatures, receipts checked with
securesystemslib (never with the portal's own verifying code)."""

import json

from cryptography.hazmat.primitives import serialization
from flask import current_app
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.covenant import service
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import utcnow
from covenant_portal.signing.models import SigningKey
from covenant_portal.mail.links import Links


def create_named_contact(session: Session, organisation: ProviderOrganisation, **overrides) -> ProviderContact:
    values = {
        "organisation_id": organisation.id,
        "name": "Priya Shah",
        "role": "Placements manager",
        "email": "placements@provider.example",
        "phone": "0161 496 0000",
    } | overrides
    contact = ProviderContact(**values)
    session.add(contact)
    session.flush()
    return contact


def sign_current_version(session: Session, signer: User, now=None) -> CovenantSignature:
    """The signer's organisation signs the current version, as the signing page does."""
    if not service.has_named_contact(session, signer.organisation_id):
        create_named_contact(session, signer.organisation)
    version = service.current_version(session)
    signing = service.Signing(signer.full_name, signer.job_title, version.number)
    return service.sign(
        session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signer,
        signing,
        SYSTEM,
        now or utcnow(),
    )


def sslib_keys_from_rows(session: Session) -> list[SSlibKey]:
    """The portal's published keys (its signing_key rows), as securesystemslib keys."""
    keys = []
    for row in session.scalars(select(SigningKey)):
        public_key = serialization.load_pem_public_key(row.public_key_pem.encode())
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys.append(
            SSlibKey.from_dict(row.keyid, {"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": raw.hex()}})
        )
    return keys


def verify_with_securesystemslib(receipt: bytes, keys: list[SSlibKey]) -> dict:
    """The in-toto Statement in the receipt, once securesystemslib has verified its signature
    (Envelope.verify raises VerificationError unless a key verifies it)."""
    envelope = Envelope.from_dict(json.loads(receipt))
    assert envelope.verify(keys, 1)
    return json.loads(envelope.payload)
