"""Chasing re-signing: the daily `chase_covenant_resigning` job, and what people see of it.

When a new covenant version is published, organisations whose newest signature is of an earlier
version stay on the register until its re-signing due date (ladder.py) and are chased on the
ladder's stages, then escalated to the host LAs' named contacts and the escalation officers. An
organisation that signs the new version is not chased again.

As for quarterly returns (returns/chasing/service.py): each run sends, per organisation, the latest
stage whose date has come (by the run's London day) and that has not been sent, unless a later one
has; so missed days catch up with one email per person, and replaying every stage date with
`--as-of` gives exactly the ladder's emails. Exactly once: a `ResigningReminder` row per
(organisation, version, stage) under a unique constraint, inserted with INSERT … ON CONFLICT DO
NOTHING … RETURNING in the same transaction as its outbox emails (dedupe key
"covenant-resigning:<version>:<organisation>:<stage>:<address>"); only the transaction whose insert
returns the row queues them.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.audit.service import SYSTEM, event_row, record_many
from covenant_portal.covenant.chasing.emails import resigning_email
from covenant_portal.covenant.chasing.ladder import RANK, stage_due
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion, ResigningReminder, ResigningStage
from covenant_portal.covenant.service.register import resigning_due_on
from covenant_portal.covenant.service.versions import current_version
from covenant_portal.db import insert_ignoring_duplicates
from covenant_portal.filters import LONDON
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_emails
from covenant_portal.returns.chasing.recipients import (
    Recipient,
    host_authority_people,
    officers_linked_to,
    organisation_people,
    provider_contacts,
)

CHUNK_SIZE = 500
ESCALATED_ACTION = "covenant.resigning_escalated"


@dataclass(frozen=True)
class ChaseDay:
    """What one run chases: the version, its due date, the stage due and the run's London day."""

    version: CovenantVersion
    due_on: date
    stage: ResigningStage
    today: date


def chase_resigning(session: Session, links: Links, grace_weeks: int, as_of: datetime) -> str:
    """What the chase_covenant_resigning job does: the re-signing reminders and escalations due on
    as_of's London day, for the current covenant version."""
    day = chase_day(session, grace_weeks, as_of.astimezone(LONDON).date())
    if day is None:
        return "No re-signing to chase."
    signed_versions = organisations_to_chase(session, day.version, day.stage)
    emails = 0
    ids = sorted(signed_versions)
    for start in range(0, len(ids), CHUNK_SIZE):
        emails += _chase_chunk(session, links, day, ids[start : start + CHUNK_SIZE], signed_versions, as_of)
        session.commit()
    if not ids:
        return "No re-signing to chase."
    organisations = "1 organisation" if len(ids) == 1 else f"{len(ids)} organisations"
    return f"Chased {organisations} to re-sign version {day.version.number} ({day.stage.label.lower()}); {emails} emails queued."


def chase_day(session: Session, grace_weeks: int, today: date) -> ChaseDay | None:
    version = current_version(session)
    if version is None or version.published_at is None or version.number == 1:
        return None
    due_on = resigning_due_on(version, grace_weeks)
    assert due_on is not None  # a published version has its due date
    stage = stage_due(due_on, version.published_at.astimezone(LONDON).date(), today)
    return ChaseDay(version, due_on, stage, today) if stage is not None else None


def organisations_to_chase(session: Session, version: CovenantVersion, stage: ResigningStage) -> dict[int, int]:
    """Organisations whose newest signature is of a version before `version`, and that have been
    sent neither this stage nor a later one for it: {organisation id: the version it signed}."""
    newest = dict(
        session.execute(
            select(CovenantSignature.organisation_id, func.max(CovenantVersion.number))
            .join(CovenantVersion, CovenantVersion.id == CovenantSignature.covenant_version_id)
            .group_by(CovenantSignature.organisation_id)
        ).all()
    )
    latest_sent: dict[int, int] = {}
    for organisation_id, sent in session.execute(
        select(ResigningReminder.organisation_id, ResigningReminder.stage).where(
            ResigningReminder.covenant_version_id == version.id
        )
    ):
        latest_sent[organisation_id] = max(latest_sent.get(organisation_id, -1), RANK[ResigningStage(sent)])
    return {
        organisation_id: signed
        for organisation_id, signed in newest.items()
        if signed < version.number and latest_sent.get(organisation_id, -1) < RANK[stage]
    }


def recipients_for(session: Session, links: Links, stage: ResigningStage, ids: list[int]) -> dict[int, list[Recipient]]:
    """The organisation's named contacts and admins; on escalation the host LAs' named contacts and
    the escalation officers, their emails linking to the register of every provider's status."""
    if stage != ResigningStage.ESCALATED:
        return organisation_people(session, links.url("covenant.sign"), ids, provider_contacts(session, ids))
    link = links.url("covenant.all_signatories")
    return host_authority_people(session, link, ids, officers_linked_to(session, link))


def _chase_chunk(
    session: Session, links: Links, day: ChaseDay, ids: list[int], signed_versions: dict[int, int], now: datetime
) -> int:
    names = dict(
        session.execute(
            select(ProviderOrganisation.id, ProviderOrganisation.name).where(ProviderOrganisation.id.in_(ids))
        ).all()
    )
    recipients = recipients_for(session, links, day.stage, ids)
    table = ResigningReminder.__table__
    inserted = session.execute(
        insert_ignoring_duplicates(session, table, ["organisation_id", "covenant_version_id", "stage"]).returning(
            table.c.id, table.c.organisation_id
        ),
        [
            {
                "organisation_id": organisation_id,
                "covenant_version_id": day.version.id,
                "stage": day.stage,
                "sent_on": day.today,
                "created_at": now,
                "recipients": [recipient.email for recipient in recipients.get(organisation_id, [])],
            }
            for organisation_id in ids
        ],
    ).all()
    emails, escalations = [], []
    for reminder_id, organisation_id in inserted:
        for recipient in recipients.get(organisation_id, []):
            emails.append(
                resigning_email(
                    day.version,
                    day.due_on,
                    day.stage,
                    organisation_id,
                    names[organisation_id],
                    signed_versions[organisation_id],
                    recipient,
                    day.today,
                    now,
                )
            )
        if day.stage == ResigningStage.ESCALATED:
            escalations.append(
                event_row(
                    SYSTEM,
                    ESCALATED_ACTION,
                    ResigningReminder.__name__,
                    reminder_id,
                    now,
                    organisation_id=organisation_id,
                    covenant_version=day.version.number,
                    recipients=len(recipients.get(organisation_id, [])),
                )
            )
    queue_emails(session, emails)
    record_many(session, escalations)
    return len(emails)


def escalated_organisation_ids(session: Session, version: CovenantVersion) -> set[int]:
    """Organisations escalated for not re-signing `version` (and that still have not)."""
    escalated = set(
        session.scalars(
            select(ResigningReminder.organisation_id).where(
                ResigningReminder.covenant_version_id == version.id,
                ResigningReminder.stage == ResigningStage.ESCALATED,
            )
        )
    )
    signed = set(
        session.scalars(
            select(CovenantSignature.organisation_id).where(CovenantSignature.covenant_version_id == version.id)
        )
    )
    return escalated - signed
