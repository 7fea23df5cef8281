"""Covenant rules: versions (loading, drafting, publishing), signing, and who has signed what.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit. A signature and the ledger entry that seals it commit together or not at all.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from covenant_portal import audit
from covenant_portal.accounts.models import ProviderOrganisation, Role, User, is_active_organisation_admin
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.accounts.tokens import email_link
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.service import current_contacts
from covenant_portal.db import next_id
from covenant_portal.covenant.models import CovenantSignature, CovenantStatus, CovenantVersion
from covenant_portal.covenant.records import (
    COVENANT_SIGNATURE,
    predicate_for,
    receipt_reference,
    subject_name_for,
)
from covenant_portal.mail.service import queue_email
from covenant_portal.signing.canonical import canonical_json, canonical_sha256
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.service import KeyRetired, seal, with_current_key

logger = logging.getLogger(__name__)


class CovenantError(Exception):
    """A covenant rule was broken; the message is fit to show the user."""


class NoNamedContact(CovenantError):
    pass


class SigningKeyRetired(CovenantError):
    """The portal's signing key was retired (`keys rotate`, perhaps on another machine) and this
    process has no newer key to sign with yet."""


class AlreadySigned(CovenantError):
    def __init__(self, signature: CovenantSignature):
        super().__init__(f"Your organisation has already signed version {signature.covenant_version.number}.")
        self.signature = signature


# Versions


def current_version(session: Session) -> CovenantVersion | None:
    """The newest published version: the one organisations are asked to sign."""
    return session.scalar(
        select(CovenantVersion)
        .where(CovenantVersion.status == CovenantStatus.PUBLISHED)
        .order_by(CovenantVersion.number.desc())
        .limit(1)
    )


def version_numbered(session: Session, number: int) -> CovenantVersion | None:
    return session.scalar(select(CovenantVersion).where(CovenantVersion.number == number))


def published_version_numbered(session: Session, number: int) -> CovenantVersion | None:
    """The version if it is published (drafts are for admins only), else None."""
    version = version_numbered(session, number)
    return version if version is not None and version.status == CovenantStatus.PUBLISHED else None


def document_bytes(version: CovenantVersion) -> bytes:
    """The version's document as it is signed: its RFC 8785 canonical JSON, whose SHA-256 is the
    version's document_sha256 (the subject digest of every signature of it)."""
    return canonical_json(version.document)


def all_versions(session: Session) -> list[CovenantVersion]:
    return list(session.scalars(select(CovenantVersion).order_by(CovenantVersion.number.desc())))


def load_first_version(session: Session, document: dict, now: datetime) -> CovenantVersion | None:
    """Publishes version 1 if there is none yet (returns it); an existing version 1 is never changed,
    because signatures cover its exact text."""
    if version_numbered(session, 1) is not None:
        return None
    version = CovenantVersion(
        number=1,
        title=document["title"],
        document=document,
        document_sha256=canonical_sha256(document),
        status=CovenantStatus.PUBLISHED,
        created_at=now,
        published_at=now,
    )
    # Reference data, like the local authorities: loaded by the operator, not a change anyone makes.
    session.add(version)
    return version


@dataclass(frozen=True)
class Wording:
    """What an admin may change in a new version."""

    title: str
    purpose: str
    aims_preamble: str
    aims: list[str]
    pledges: list[tuple[str, str]]  # (LA pledge, provider pledge), in order


def wording_of(document: dict) -> Wording:
    return Wording(
        title=document["title"],
        purpose=document["purpose"],
        aims_preamble=document.get("aims_preamble", ""),
        aims=list(document["aims"]),
        pledges=[(pledge["la_pledge"], pledge["provider_pledge"]) for pledge in document["pledges"]],
    )


def draft_version(session: Session, wording: Wording, author: User, actor: Actor, now: datetime) -> CovenantVersion:
    """A new draft, numbered after every existing version, from the published document reworded."""
    published = current_version(session)
    if published is None:
        raise CovenantError("There is no published version to start from.")
    document = _reworded(published.document, wording)
    if canonical_sha256(document) == canonical_sha256(_reworded(published.document, wording_of(published.document))):
        raise CovenantError(f"Nothing has changed from version {published.number}: change the wording first.")
    number = (session.scalar(select(func.max(CovenantVersion.number))) or 0) + 1
    document["version"] = number
    version = CovenantVersion(
        number=number,
        title=wording.title,
        document=document,
        document_sha256=canonical_sha256(document),
        status=CovenantStatus.DRAFT,
        created_at=now,
        created_by_id=author.id,
    )
    session.add(version)
    session.flush()
    audit.record(session, actor, "covenant.version_drafted", version, now, number=number, based_on=published.number)
    session.commit()
    return version


def _reworded(document: dict, wording: Wording) -> dict:
    pledges = [
        {**pledge, "la_pledge": la_pledge, "provider_pledge": provider_pledge}
        for pledge, (la_pledge, provider_pledge) in zip(document["pledges"], wording.pledges, strict=True)
    ]
    return {
        **document,
        "title": wording.title,
        "purpose": wording.purpose,
        "aims_preamble": wording.aims_preamble,
        "aims": wording.aims,
        "pledges": pledges,
    }


def publish_version(session: Session, version: CovenantVersion, actor: Actor, now: datetime) -> int:
    """Publishes a draft and asks every organisation that signed an older version to sign again
    (by email to its organisation admins). Returns how many emails were queued."""
    if version.status == CovenantStatus.PUBLISHED:
        raise CovenantError(f"Version {version.number} is already published.")
    published = current_version(session)
    if published is not None and published.number > version.number:
        raise CovenantError(
            f"Version {published.number} is newer and already published: draft a new version instead."
        )
    version.status = CovenantStatus.PUBLISHED
    version.published_at = now
    emails = _ask_to_sign_again(session, version, now)
    audit.record(session, actor, "covenant.version_published", version, now, number=version.number, emails=emails)
    session.commit()
    return emails


def _ask_to_sign_again(session: Session, version: CovenantVersion, now: datetime) -> int:
    signed_older = (
        select(CovenantSignature.organisation_id)
        .join(CovenantVersion)
        .where(CovenantVersion.number < version.number)
    )
    admins = session.scalars(
        select(User)
        .options(joinedload(User.organisation))
        .where(User.organisation_id.in_(signed_older), *is_active_organisation_admin())
        .order_by(User.id)
    )
    queued = 0
    for admin in admins:
        queued += queue_email(
            session,
            to=admin.email,
            subject=f"Please sign version {version.number} of the GM First Covenant",
            template="covenant_sign_again",
            dedupe_key=f"covenant-sign-again:{version.number}:{admin.id}",
            now=now,
            user=admin,
            organisation=admin.organisation,
            version=version,
            covenant_link=email_link("covenant.read"),
        ) is not None
    return queued


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


def sign(
    session: Session, key: PortalKey, signer: User, signing: Signing, actor: Actor, now: datetime
) -> CovenantSignature:
    """Signs the current version for the signer's organisation and seals it in the ledger."""
    version = current_version(session)
    organisation = signer.organisation
    if version is None:
        raise CovenantError("There is no published version of the covenant to sign.")
    existing = signature_of(session, organisation.id, version)
    if existing is not None:
        raise AlreadySigned(existing)
    if not has_named_contact(session, organisation.id):
        raise NoNamedContact("Name a contact for vacancies and referrals before you sign.")
    if signing.version_number != version.number:
        raise CovenantError(
            f"Version {version.number} of the covenant was published after you opened this page: read it, then sign."
        )
    signature = _sealed_signature(session, key, signer, signing, version, now)
    _queue_confirmations(session, signature, now)
    audit.record(
        session, actor, "covenant.signed", signature, now,
        organisation_id=organisation.id, version=version.number, ledger_seq=signature.ledger_seq,
    )
    session.commit()
    return signature


def sign_with_current_key(
    session: Session,
    current_key: Callable[[], PortalKey],
    signer: User,
    signing: Signing,
    actor: Actor,
    now: datetime,
) -> CovenantSignature:
    """sign(), sealed with the key current_key() gives. If that key was retired meanwhile, the key is
    asked for again (portal_key() re-reads the key file) and a newer one signs instead, once. If there
    is none, SigningKeyRetired is raised and nothing is saved."""
    try:
        return with_current_key(current_key, lambda key: sign(session, key, signer, signing, actor, now))
    except KeyRetired as retired:
        session.rollback()
        logger.warning("covenant signing refused: signing key %s is retired and no newer key file is here",
                       retired.keyid)
        raise SigningKeyRetired(
            "The portal’s signing key has just been changed, so your signature could not be sealed. "
            "Nothing has been saved. Try again in a few minutes."
        ) from None


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
    try:
        # A savepoint, so that if another admin of the organisation signed meanwhile, the ledger
        # entry made here goes with the refused signature.
        with session.begin_nested():
            entry = seal(
                session, key,
                kind=COVENANT_SIGNATURE.kind,
                subject_name=subject_name_for(signature.id),
                subject_sha256=version.document_sha256,
                predicate_type=COVENANT_SIGNATURE.predicate_type,
                predicate=predicate_for(signature, version),
                now=now,
            )
            signature.ledger_seq = entry.seq
            session.add(signature)
    except IntegrityError:
        raise AlreadySigned(signature_of(session, signer.organisation_id, version)) from None
    return signature


def _queue_confirmations(session: Session, signature: CovenantSignature, now: datetime) -> None:
    reference = receipt_reference(signature.ledger_seq)
    for user_id, address in signer_and_organisation_admins(session, signature.organisation_id, signature.signer):
        queue_email(
            session,
            to=address,
            subject=f"Your organisation has signed the GM First Covenant (receipt {reference})",
            template="covenant_signed",
            dedupe_key=f"covenant-signed:{signature.id}:{user_id}",
            now=now,
            signature=signature,
            organisation=signature.organisation,
            reference=reference,
            receipt_link=email_link("covenant.signature", signature_id=signature.id),
        )


# Who can see a signature, and its receipt


def signature_for_viewer(session: Session, viewer: User, signature_id: int) -> CovenantSignature | None:
    """The signature if the viewer may see it: its own organisation's people, and the LA contacts,
    escalation officers and admins who oversee the covenant. None otherwise (answered as not found)."""
    signature = session.get(CovenantSignature, signature_id)
    if signature is None:
        return None
    if viewer.role == Role.PROVIDER and viewer.organisation_id != signature.organisation_id:
        return None
    return signature


def receipt_bytes(session: Session, signature: CovenantSignature) -> bytes:
    """The DSSE envelope exactly as the ledger keeps it."""
    return session.get(LedgerEntry, signature.ledger_seq).envelope


# Status and the register


class SigningState(StrEnum):
    SIGNED_CURRENT = "signed current"
    SIGN_AGAIN = "re-signing needed"
    NOT_SIGNED = "not signed"


@dataclass(frozen=True)
class OrganisationStatus:
    organisation: ProviderOrganisation
    current: CovenantVersion | None
    latest: CovenantSignature | None  # its signature of the newest version it has signed

    @property
    def state(self) -> SigningState:
        if self.latest is None:
            return SigningState.NOT_SIGNED
        if self.current is not None and self.latest.covenant_version_id == self.current.id:
            return SigningState.SIGNED_CURRENT
        return SigningState.SIGN_AGAIN

    @property
    def description(self) -> str:
        if self.state == SigningState.SIGN_AGAIN:
            return f"Signed version {self.latest.covenant_version.number} — re-signing needed"
        if self.state == SigningState.SIGNED_CURRENT:
            return f"Signed version {self.latest.covenant_version.number}"
        return "Not signed"


def status_of(session: Session, organisation: ProviderOrganisation) -> OrganisationStatus:
    latest = session.scalar(
        select(CovenantSignature)
        .join(CovenantVersion)
        .where(CovenantSignature.organisation_id == organisation.id)
        .order_by(CovenantVersion.number.desc())
        .limit(1)
    )
    return OrganisationStatus(organisation, current_version(session), latest)


def every_organisation_status(session: Session) -> list[OrganisationStatus]:
    """Every provider organisation, by name, with its newest signature."""
    current = current_version(session)
    latest: dict[int, CovenantSignature] = {}
    signatures = session.scalars(
        select(CovenantSignature).options(joinedload(CovenantSignature.covenant_version)).join(CovenantVersion)
        .order_by(CovenantVersion.number)
    )
    for signature in signatures:
        latest[signature.organisation_id] = signature
    organisations = session.scalars(select(ProviderOrganisation).order_by(ProviderOrganisation.name))
    return [OrganisationStatus(org, current, latest.get(org.id)) for org in organisations]


def signatories(session: Session) -> list[CovenantSignature]:
    """The signatures of the current version, by organisation name: the public register."""
    current = current_version(session)
    if current is None:
        return []
    return list(
        session.scalars(
            select(CovenantSignature)
            .options(joinedload(CovenantSignature.organisation), joinedload(CovenantSignature.covenant_version))
            .join(ProviderOrganisation)
            .where(CovenantSignature.covenant_version_id == current.id)
            .order_by(ProviderOrganisation.name, ProviderOrganisation.id)
        )
    )
