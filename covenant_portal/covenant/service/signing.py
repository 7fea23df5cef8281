"""Covenant rules: signing a version for an organisation (a signature and the ledger entry that seals
it commit together or not at all), and who may see a signature and its receipt.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.service import current_contacts
from covenant_portal.db import next_id
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion
from covenant_portal.covenant.records import (
    COVENANT_SIGNATURE,
    predicate_for,
    subject_name_for,
)
from covenant_portal.signing.references import receipt_reference
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email_to_each
from covenant_portal.signing.crash_points import crash_point
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.records import RecordKind
from covenant_portal.signing.retired_keys import sign_or_refuse
from covenant_portal.signing.stored_records import receipt_envelope, seal_record
from covenant_portal.covenant.service.errors import AlreadySigned, CovenantError, NoNamedContact, SigningKeyRetired
from covenant_portal.covenant.service.versions import current_version


# Signing


def declaration_for(organisation: ProviderOrganisation, version: CovenantVersion) -> str:
    """The exact words the signer confirms; they are stored and signed as shown."""
    return (
        f"I confirm I am authorised to sign for {organisation.name}, and I sign version {version.number} "
        f"of the GM First Covenant on its behalf."
    )


def has_named_contact(session: Session, organisation_id: int) -> bool:
    # Pledge 2: an organisation names someone LAs can talk to before it signs.
    return bool(current_contacts(session, organisation_id))


def signature_of(session: Session, organisation_id: int, version: CovenantVersion) -> CovenantSignature | None:
    return session.scalar(
        select(CovenantSignature).where(
            CovenantSignature.organisation_id == organisation_id,
            CovenantSignature.covenant_version_id == version.id,
        )
    )


@dataclass(frozen=True)
class Signing:
    """What the signer typed, and the number of the version they read and confirmed signing."""

    full_name: str
    job_title: str
    version_number: int


# What signing a version asks, on either side (a provider's signature, or an LA's: la_signing.py)


def version_to_sign(session: Session) -> CovenantVersion:
    """The current version, which is the one anyone signs; CovenantError if none is published."""
    version = current_version(session)
    if version is None:
        raise CovenantError("There is no published version of the covenant to sign.")
    return version


def must_have_read(version: CovenantVersion, signing: Signing) -> None:
    """CovenantError unless the version the signer read and confirmed is the one they would sign."""
    if signing.version_number != version.number:
        raise CovenantError(
            f"Version {version.number} of the covenant was published after you opened this page: read it, then sign."
        )


def sealed_in_savepoint(
    session: Session, key: PortalKey, kind: RecordKind, signature, subject_name: str, predicate: dict, now: datetime
) -> bool:
    """Seals a signature of its covenant version (the subject is the version's document) in a
    savepoint; False, with nothing of it kept, if the one signature a signer's organisation or
    authority may make of the version was stored meanwhile (by a colleague signing at that moment)."""
    try:
        with session.begin_nested():
            seal_record(
                session,
                key,
                kind,
                signature,
                subject_name=subject_name,
                subject_sha256=signature.covenant_version.document_sha256,
                predicate=predicate,
                now=now,
            )
    except IntegrityError:
        return False
    return True


def sign(
    session: Session, links: Links, key: PortalKey, signer: User, signing: Signing, actor: Actor, now: datetime
) -> CovenantSignature:
    """Signs the current version for the signer's organisation and seals it in the ledger."""
    version = version_to_sign(session)
    organisation = signer.organisation
    existing = signature_of(session, organisation.id, version)
    if existing is not None:
        raise AlreadySigned(existing)
    if not has_named_contact(session, organisation.id):
        raise NoNamedContact("Name a contact for vacancies and referrals before you sign.")
    must_have_read(version, signing)
    signature = _sealed_signature(session, key, signer, signing, version, now)
    _queue_confirmations(session, links, signature, now)
    audit.record(
        session,
        actor,
        "covenant.signed",
        signature,
        now,
        organisation_id=organisation.id,
        version=version.number,
        ledger_seq=signature.ledger_seq,
    )
    crash_point("covenant.before_commit")
    session.commit()
    crash_point("covenant.committed")
    return signature


def sign_with_current_key(
    session: Session,
    links: Links,
    current_key: Callable[[], PortalKey],
    signer: User,
    signing: Signing,
    actor: Actor,
    now: datetime,
) -> CovenantSignature:
    """sign(), sealed with the key current_key() gives. If that key was retired meanwhile, the key is
    asked for again (portal_key() re-reads the key file) and a newer one signs instead, once. If there
    is none, SigningKeyRetired is raised and nothing is saved."""
    return sign_or_refuse(
        session,
        current_key,
        lambda key: sign(session, links, key, signer, signing, actor, now),
        lambda: SigningKeyRetired(
            "The portal’s signing key has just been changed, so your signature could not be sealed. "
            "Nothing has been saved. Try again in a few minutes."
        ),
        "covenant signing",
    )


def _sealed_signature(
    session: Session, key: PortalKey, signer: User, signing: Signing, version: CovenantVersion, now: datetime
) -> CovenantSignature:
    signature = CovenantSignature(
        id=next_id(session, CovenantSignature),
        organisation_id=signer.organisation_id,
        covenant_version=version,
        signer_id=signer.id,
        signer_name=signing.full_name,
        signer_job_title=signing.job_title,
        signer_email=signer.email,
        declaration=declaration_for(signer.organisation, version),
        signed_at=now,
        organisation_name=signer.organisation.name,
        organisation_companies_house_number=signer.organisation.companies_house_number,
        organisation_charity_number=signer.organisation.charity_number,
        organisation_ofsted_provider_urn=signer.organisation.ofsted_provider_urn,
        signer_signed_in_at=signer.last_login_at,
    )
    # A savepoint, so that if another admin of the organisation signed meanwhile, the ledger entry
    # made here goes with the refused signature.
    predicate = predicate_for(signature, version)
    if not sealed_in_savepoint(
        session, key, COVENANT_SIGNATURE, signature, subject_name_for(signature.id), predicate, now
    ):
        raise AlreadySigned(signature_of(session, signer.organisation_id, version))
    return signature


def _queue_confirmations(session: Session, links: Links, signature: CovenantSignature, now: datetime) -> None:
    reference = receipt_reference(signature.ledger_seq)
    queue_email_to_each(
        session,
        signer_and_organisation_admins(session, signature.organisation_id, signature.signer),
        subject=f"Your organisation has signed the GM First Covenant (receipt {reference})",
        template="covenant_signed",
        dedupe_key=f"covenant-signed:{signature.id}",
        now=now,
        signature=signature,
        organisation=signature.organisation,
        reference=reference,
        receipt_link=links.url("covenant.signature", signature_id=signature.id),
    )


# Who can see a signature, and its receipt


def signatures_visible_to(viewer: User) -> ColumnElement[bool]:
    """Who sees which signatures (and their receipts), as a WHERE clause on CovenantSignature: a
    provider user their own organisation's; the LA contacts, escalation officers and admins who
    oversee the covenant every organisation's."""
    if viewer.role == Role.PROVIDER:
        return CovenantSignature.organisation_id == viewer.organisation_id
    return true()


def signature_for_viewer(session: Session, viewer: User, signature_id: int) -> CovenantSignature | None:
    """The signature if the viewer may see it (signatures_visible_to), else None (answered as not found)."""
    return session.scalar(
        select(CovenantSignature).where(CovenantSignature.id == signature_id, signatures_visible_to(viewer))
    )


def receipt_bytes(session: Session, signature: CovenantSignature) -> bytes:
    """The DSSE envelope exactly as the ledger keeps it."""
    return receipt_envelope(session, signature.ledger_seq)
