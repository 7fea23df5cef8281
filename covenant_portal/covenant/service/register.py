"""Covenant rules: each organisation's signing status, and the public register of signatories.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.filters import LONDON
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion
from covenant_portal.covenant.service.versions import current_version


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
        select(CovenantSignature)
        .options(joinedload(CovenantSignature.covenant_version))
        .join(CovenantVersion)
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


def resigning_due_on(version: CovenantVersion, grace_weeks: int) -> date | None:
    """The last (London) day of the grace period after `version` was published, during which
    organisations that signed an earlier version stay on the register while they sign it again."""
    if version.published_at is None:
        return None
    return version.published_at.astimezone(LONDON).date() + timedelta(weeks=grace_weeks)


@dataclass(frozen=True)
class RegisterEntry:
    signature: CovenantSignature  # the organisation's newest signature
    resigning_due_on: date | None  # set while it has still to sign the current version

    @property
    def description(self) -> str:
        number = self.signature.covenant_version.number
        if self.resigning_due_on is None:
            return f"Signed version {number}"
        return f"Signed version {number}, re-signing due by {self.resigning_due_on:%-d %B %Y}"


def register_entries(session: Session, today: date, grace_weeks: int) -> list[RegisterEntry]:
    """The public register: organisations that signed the current version and, until the grace
    period after it was published ends, those that signed an earlier one (they are being asked to
    sign again). By organisation name."""
    current = current_version(session)
    if current is None:
        return []
    due_on = resigning_due_on(current, grace_weeks)
    in_grace = due_on is not None and today <= due_on
    entries = []
    for status in every_organisation_status(session):
        if status.state == SigningState.SIGNED_CURRENT:
            entries.append(RegisterEntry(status.latest, None))
        elif status.state == SigningState.SIGN_AGAIN and in_grace:
            entries.append(RegisterEntry(status.latest, due_on))
    return entries
