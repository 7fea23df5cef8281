"""Broken covenant duties the returns area knows of (covenant_portal/web/duties.py): a quarterly
return that reached escalation (14 days late) in the chase ladder (returns/chasing). One case per
organisation and period; met_on is the day its first version was signed."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.web.duties import BrokenDuty, Party
from covenant_portal.filters import LONDON
from covenant_portal.returns.models import QuarterlyReturn, ReminderStage, ReturnReminder, ReturnSubmission


def escalated_returns(session: Session, now: datetime) -> Iterator[BrokenDuty]:
    first_signed = (
        select(ReturnSubmission.return_id, func.min(ReturnSubmission.signed_at).label("signed_at"))
        .group_by(ReturnSubmission.return_id)
        .subquery()
    )
    rows = session.execute(
        select(ReturnReminder, QuarterlyReturn.id, first_signed.c.signed_at)
        .outerjoin(
            QuarterlyReturn,
            (QuarterlyReturn.organisation_id == ReturnReminder.organisation_id)
            & (QuarterlyReturn.period_id == ReturnReminder.period_id),
        )
        .outerjoin(first_signed, first_signed.c.return_id == QuarterlyReturn.id)
        .where(ReturnReminder.stage == ReminderStage.ESCALATED)
        .order_by(ReturnReminder.id)
    ).all()
    for reminder, return_id, signed_at in rows:
        period = reminder.period
        yield BrokenDuty(
            case_key=f"return-escalated:{reminder.period_id}:{reminder.organisation_id}",
            party=Party.PROVIDER,
            party_id=reminder.organisation_id,
            category="paperwork",
            summary=f"Quarterly return for Q{period.quarter} {period.financial_year} to {period.financial_year + 1} "
            "not signed 14 days after it was due",
            record_path=f"/la/returns/{return_id}" if return_id is not None else "/la/returns",
            broken_on=reminder.sent_on,
            met_on=signed_at.astimezone(LONDON).date() if signed_at is not None else None,
        )
