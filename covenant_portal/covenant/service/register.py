"""Covenant rules: each organisation's signing status, and the public register of signatories.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit.
"""
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.accounts.models import ProviderOrganisation
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
