"""Where each section of a return's draft has got: not started, from last quarter (to review),
in progress or completed."""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.drafts.paths import CONTACTS_PATH, OCCUPANCY_PATH, pledge_path, section_of
from covenant_portal.returns.models import (
    PledgeStatus,
    QuarterlyReturn,
)
from covenant_portal.returns.submission.document import open_homes

# Where each section has got


class SectionStatus(StrEnum):
    NOT_STARTED = "not_started"
    FROM_LAST_QUARTER = "from_last_quarter"
    INCOMPLETE = "incomplete"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return SECTION_STATUS_LABELS[self]


SECTION_STATUS_LABELS = {
    SectionStatus.NOT_STARTED: "Not started",
    SectionStatus.FROM_LAST_QUARTER: "From last quarter – review",
    SectionStatus.INCOMPLETE: "Incomplete",
    SectionStatus.COMPLETED: "Completed",
}


@dataclass(frozen=True)
class Section:
    kind: str  # "pledge", "occupancy" or "contacts" (the endpoint of its page, returns.<kind>)
    title: str
    status: SectionStatus
    pledge_number: int | None = None
    hint: str = ""


def pledge_status(draft: dict | None, number: int) -> SectionStatus:
    answer = section_of(draft, pledge_path(number))
    if not answer or answer.get("status") not in set(PledgeStatus):
        return SectionStatus.NOT_STARTED
    return SectionStatus.FROM_LAST_QUARTER if answer.get("from_last_quarter") else SectionStatus.COMPLETED


def occupancy_status(draft: dict | None, homes: list[ProviderHome]) -> SectionStatus:
    answers = section_of(draft, OCCUPANCY_PATH)
    if answers is None or (homes and not any(str(home.id) in answers for home in homes)):
        return SectionStatus.NOT_STARTED
    if any(answers.get(str(home.id), {}).get("from_last_quarter") for home in homes):
        return SectionStatus.FROM_LAST_QUARTER
    if any(str(home.id) not in answers for home in homes):
        return SectionStatus.INCOMPLETE  # a home opened since the figures were saved
    return SectionStatus.COMPLETED


def contacts_status(draft: dict | None) -> SectionStatus:
    answer = section_of(draft, CONTACTS_PATH)
    if answer and answer.get("from_last_quarter"):
        return SectionStatus.FROM_LAST_QUARTER
    if not answer or not answer.get("confirmed"):
        return SectionStatus.NOT_STARTED
    return SectionStatus.COMPLETED


def sections(session: Session, quarterly_return: QuarterlyReturn, pledges: list[dict]) -> list[Section]:
    """The task list: each provider pledge (as in the covenant), then occupancy, then contacts."""
    draft = quarterly_return.draft
    homes = open_homes(session, quarterly_return.organisation_id)
    result = [
        Section(
            "pledge",
            f"Pledge {int(pledge['number'])}",
            pledge_status(draft, int(pledge["number"])),
            int(pledge["number"]),
            pledge["provider_pledge"],
        )
        for pledge in pledges
    ]
    result.append(Section("occupancy", "Occupancy of your homes", occupancy_status(draft, homes)))
    result.append(Section("contacts", "Confirm your named contacts", contacts_status(draft)))
    return result
