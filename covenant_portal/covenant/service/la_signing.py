"""The LAs' side of the covenant: each local authority signs the LAs' pledges of the current version.
An LA contact of the authority signs, typing the authorised officer's name and job title and
confirming the officer authorised it; the signature and the ledger entry that seals it commit
together. A new version asks every LA to sign again. Every LA's status is public on the register."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal import audit
from covenant_portal.access import Role
from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.audit.service import Actor
from covenant_portal.covenant.la_records import LA_COVENANT_SIGNATURE, predicate_for, subject_name_for
from covenant_portal.covenant.models import CovenantVersion, LaCovenantSignature
from covenant_portal.covenant.service.errors import CovenantError
from covenant_portal.covenant.service.signing import Signing, must_have_read, sealed_in_savepoint, version_to_sign
from covenant_portal.covenant.service.versions import current_version
from covenant_portal.db import next_id
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.stored_records import receipt_envelope


class AuthorityAlreadySigned(CovenantError):
    def __init__(self, signature: LaCovenantSignature | None):
        super().__init__("Your local authority has already signed this version of the covenant.")
        self.signature = signature


def authority_declaration(authority: LocalAuthority, version: CovenantVersion) -> str:
    """The exact words the LA contact confirms; stored and signed as shown."""
    return (
        f"I confirm that the officer named below is authorised to sign for {authority.council}, that they "
        f"have authorised me to sign for it, and I sign the local authorities’ pledges of version "
        f"{version.number} of the GM First Covenant on its behalf."
    )


def authority_signature_of(
    session: Session, local_authority_id: int, version: CovenantVersion
) -> LaCovenantSignature | None:
    return session.scalar(
        select(LaCovenantSignature).where(
            LaCovenantSignature.local_authority_id == local_authority_id,
            LaCovenantSignature.covenant_version_id == version.id,
        )
    )


def sign_for_authority(
    session: Session, key: PortalKey, signer: User, signing: Signing, actor: Actor, now: datetime
) -> LaCovenantSignature:
    """An LA contact signs the current version's LA pledges for their authority; `signing` holds the
    authorised officer's name and job title and the version number the signer read."""
    if signer.role != Role.LA_CONTACT or signer.local_authority is None:
        raise CovenantError("Only a local authority contact signs for their local authority.")
    version = version_to_sign(session)
    authority = signer.local_authority
    existing = authority_signature_of(session, authority.id, version)
    if existing is not None:
        raise AuthorityAlreadySigned(existing)
    must_have_read(version, signing)
    signature = LaCovenantSignature(
        id=next_id(session, LaCovenantSignature),
        local_authority_id=authority.id,
        covenant_version=version,
        signer_id=signer.id,
        signer_name=signer.full_name,
        signer_email=signer.email,
        officer_name=signing.full_name,
        officer_job_title=signing.job_title,
        declaration=authority_declaration(authority, version),
        signed_at=now,
        local_authority_name=authority.name,
        local_authority_ons_code=authority.ons_code,
    )
    predicate = predicate_for(signature, version)
    if not sealed_in_savepoint(
        session, key, LA_COVENANT_SIGNATURE, signature, subject_name_for(signature.id), predicate, now
    ):
        raise AuthorityAlreadySigned(authority_signature_of(session, authority.id, version))
    audit.record(
        session,
        actor,
        "la_covenant.signed",
        signature,
        now,
        local_authority_id=authority.id,
        version=version.number,
        ledger_seq=signature.ledger_seq,
    )
    session.commit()
    return signature


def authority_signature_for_viewer(session: Session, signature_id: int) -> LaCovenantSignature | None:
    """LA signatures are public (the register shows them), so anyone signed in sees any of them."""
    return session.get(LaCovenantSignature, signature_id)


def authority_receipt_bytes(session: Session, signature: LaCovenantSignature) -> bytes:
    return receipt_envelope(session, signature.ledger_seq)


@dataclass(frozen=True)
class AuthorityStatus:
    authority: LocalAuthority
    current: CovenantVersion | None
    latest: LaCovenantSignature | None  # its signature of the newest version it has signed

    @property
    def signed_current(self) -> bool:
        return (
            self.latest is not None and self.current is not None and self.latest.covenant_version_id == self.current.id
        )

    @property
    def description(self) -> str:
        if self.latest is None:
            return "Not signed"
        number = self.latest.covenant_version.number
        return f"Signed version {number}" if self.signed_current else f"Signed version {number}, re-signing needed"


def every_authority_status(session: Session) -> list[AuthorityStatus]:
    """The ten Greater Manchester LAs, by name, each with its newest signature."""
    current = current_version(session)
    latest: dict[int, LaCovenantSignature] = {}
    for signature in session.scalars(
        select(LaCovenantSignature)
        .options(joinedload(LaCovenantSignature.covenant_version))
        .join(CovenantVersion)
        .order_by(CovenantVersion.number)
    ):
        latest[signature.local_authority_id] = signature
    authorities = session.scalars(
        select(LocalAuthority).where(LocalAuthority.is_greater_manchester).order_by(LocalAuthority.name)
    )
    return [AuthorityStatus(authority, current, latest.get(authority.id)) for authority in authorities]


def authority_status(session: Session, authority: LocalAuthority) -> AuthorityStatus:
    return next(
        (status for status in every_authority_status(session) if status.authority.id == authority.id),
        AuthorityStatus(authority, current_version(session), None),
    )
