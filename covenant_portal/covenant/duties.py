"""Broken covenant duties the covenant area knows of (covenant_portal/web/duties.py): an organisation
that signed an earlier version and has still not signed the current one when the re-signing grace
period ends. The concerns area raises one concern per case (case key: the organisation and the
version it must sign); met_on is the day it signed that version."""

from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.covenant.service.register import SigningState, every_organisation_status, resigning_due_on
from covenant_portal.covenant.service.versions import current_version
from covenant_portal.web.duties import BrokenDuty, Party
from covenant_portal.filters import LONDON


def unsigned_after_grace(session: Session, now: datetime) -> Iterator[BrokenDuty]:
    current = current_version(session)
    if current is None:
        return
    due_on = resigning_due_on(current, int(current_app.config["COVENANT_RESIGN_GRACE_WEEKS"]))
    today = now.astimezone(LONDON).date()
    if due_on is None or today <= due_on:
        return
    signed_current = dict(
        session.execute(
            select(CovenantSignature.organisation_id, CovenantSignature.signed_at).where(
                CovenantSignature.covenant_version_id == current.id
            )
        ).all()
    )
    for status in every_organisation_status(session):
        organisation = status.organisation
        signed_at = signed_current.get(organisation.id)
        late = signed_at is not None and signed_at.astimezone(LONDON).date() > due_on
        if status.state == SigningState.SIGN_AGAIN or late:
            yield BrokenDuty(
                case_key=f"covenant-unsigned:{organisation.id}:v{current.number}",
                party=Party.PROVIDER,
                party_id=organisation.id,
                category="paperwork",
                summary=(
                    f"{organisation.name} had not signed version {current.number} of the covenant "
                    f"by the end of the re-signing period ({due_on:%B %Y})"
                ),
                record_path="/signatories",
                broken_on=due_on,
                met_on=signed_at.astimezone(LONDON).date() if late and signed_at is not None else None,
            )
