"""LA signatures of the covenant for tests, made through the covenant service as the signing page does."""

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.covenant.service.la_signing import sign_for_authority
from covenant_portal.db import utcnow


def sign_for_la(session: Session, la_contact, now=None, officer=("Olu Officer", "Director of Children’s Services")):
    version = service.current_version(session)
    return sign_for_authority(
        session,
        current_app.extensions["signing_key"],
        la_contact,
        service.Signing(officer[0], officer[1], version.number),
        SYSTEM,
        now or utcnow(),
    )
