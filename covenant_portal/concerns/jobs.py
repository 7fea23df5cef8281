"""The concerns area's daily job: raise concerns for broken duties, then chase every open concern."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.web import duties
from covenant_portal.concerns.chasing import ChaseReport, chase, raise_for_broken_duties
from covenant_portal.filters import london_day
from covenant_portal.mail.links import Links


def chase_concerns(session: Session, as_of: datetime) -> str:
    links = Links.from_app(current_app)
    report = ChaseReport()
    raise_for_broken_duties(session, links, duties.broken_duties(session, as_of), as_of, report)
    chase(session, links, london_day(as_of), as_of, report)
    session.commit()
    return str(report)
