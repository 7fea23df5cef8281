"""Covenant rules: versions (loading, drafting, publishing) and asking signatories to sign again.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from covenant_portal import audit
from covenant_portal.accounts.models import User, is_active_organisation_admin
from covenant_portal.audit.service import Actor
from covenant_portal.covenant.models import CovenantSignature, CovenantStatus, CovenantVersion
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email
from covenant_portal.signing.canonical import canonical_json, canonical_sha256
from covenant_portal.covenant.service.errors import CovenantError


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


def publish_version(session: Session, links: Links, version: CovenantVersion, actor: Actor, now: datetime) -> int:
    """Publishes a draft and asks every organisation that signed an older version to sign again
    (by email to its organisation admins). Returns how many emails were queued."""
    if version.status == CovenantStatus.PUBLISHED:
        raise CovenantError(f"Version {version.number} is already published.")
    published = current_version(session)
    if published is not None and published.number > version.number:
        raise CovenantError(f"Version {published.number} is newer and already published: draft a new version instead.")
    version.status = CovenantStatus.PUBLISHED
    version.published_at = now
    emails = _ask_to_sign_again(session, links, version, now)
    audit.record(session, actor, "covenant.version_published", version, now, number=version.number, emails=emails)
    session.commit()
    return emails


def _ask_to_sign_again(session: Session, links: Links, version: CovenantVersion, now: datetime) -> int:
    signed_older = (
        select(CovenantSignature.organisation_id).join(CovenantVersion).where(CovenantVersion.number < version.number)
    )
    admins = session.scalars(
        select(User)
        .options(joinedload(User.organisation))
        .where(User.organisation_id.in_(signed_older), *is_active_organisation_admin())
        .order_by(User.id)
    )
    queued = 0
    for admin in admins:
        queued += (
            queue_email(
                session,
                to=admin.email,
                subject=f"Please sign version {version.number} of the GM First Covenant",
                template="covenant_sign_again",
                dedupe_key=f"covenant-sign-again:{version.number}:{admin.id}",
                now=now,
                user=admin,
                organisation=admin.organisation,
                version=version,
                covenant_link=links.url("covenant.read"),
            )
            is not None
        )
    return queued
