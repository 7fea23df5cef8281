"""The re-signing reminder and escalation emails: subjects, wording and dedupe keys."""

import hashlib
from datetime import date, datetime

from covenant_portal.covenant.chasing.ladder import STAGES, stage_date
from covenant_portal.covenant.models import CovenantVersion, ResigningStage
from covenant_portal.mail.service import rendered_email
from covenant_portal.returns.chasing.emails import long_date
from covenant_portal.returns.chasing.recipients import Recipient

DEDUPE_KEY_LENGTH = 255
SUBJECTS = {
    ResigningStage.DUE_IN_14_DAYS: "Reminder: sign version {version} of the GM First Covenant by {due}",
    ResigningStage.DUE_IN_7_DAYS: "Reminder: sign version {version} of the GM First Covenant by {due}",
    ResigningStage.DUE_TODAY: "Sign version {version} of the GM First Covenant today to stay on the register",
    ResigningStage.ESCALATED: "Escalated: {organisation} has not signed version {version} of the GM First Covenant",
}


def where_it_stands(organisation_name: str, version: CovenantVersion, due_on: date, today: date) -> str:
    """The reminder's first sentence, true on the day it is sent (plain text: templates escape it)."""
    which = f"{organisation_name} signed an earlier version of the GM First Covenant, and has not yet signed version {version.number}"
    if today < due_on:
        left = (due_on - today).days
        return f"{which}. Sign it by {long_date(due_on)}, in {'1 day' if left == 1 else f'{left} days'}, to stay on the public register."
    if today == due_on:
        return f"{which}. Today, {long_date(due_on)}, is the last day to sign it and stay on the public register."
    return f"{which}. It was due by {long_date(due_on)}, so {organisation_name} is no longer on the public register."


def dedupe_key(version_id: int, organisation_id: int, stage: ResigningStage, address: str) -> str:
    key = f"covenant-resigning:{version_id}:{organisation_id}:{stage}:{address.lower()}"
    if len(key) > DEDUPE_KEY_LENGTH:
        digest = hashlib.sha256(address.lower().encode()).hexdigest()
        key = f"covenant-resigning:{version_id}:{organisation_id}:{stage}:{digest}"
    return key


def resigning_email(
    version: CovenantVersion,
    due_on: date,
    stage: ResigningStage,
    organisation_id: int,
    organisation_name: str,
    signed_version: int,
    recipient: Recipient,
    today: date,
    now: datetime,
) -> dict:
    subject = SUBJECTS[stage].format(version=version.number, due=long_date(due_on), organisation=organisation_name)
    escalated = stage == ResigningStage.ESCALATED
    return rendered_email(
        to=recipient.email,
        subject=subject,
        template="covenant_resign_escalated" if escalated else "covenant_resign_reminder",
        dedupe_key=dedupe_key(version.id, organisation_id, stage, recipient.email),
        now=now,
        recipient=recipient,
        organisation_name=organisation_name,
        version_number=version.number,
        signed_version=signed_version,
        due_on=long_date(due_on),
        standing=where_it_stands(organisation_name, version, due_on, today),
        escalates_on=long_date(stage_date(due_on, STAGES[-1])),
    )
