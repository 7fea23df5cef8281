"""The parts of the matrix's world beyond people, homes and contacts (tests/authorization/matrix.py
build_world): quarterly returns, evidence, an email, links from emails, an LA named contact and a
covenant draft, each made through the area's own service, so that every page the matrix requests
has something real to show to someone."""

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts import management
from covenant_portal.accounts.models import User
from covenant_portal.accounts.tokens import Purpose, make_token
from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts import service as contacts
from covenant_portal.covenant import service as covenant
from covenant_portal.covenant.models import CovenantVersion
from covenant_portal.db import utcnow
from covenant_portal.homes.models import ProviderHome
from covenant_portal.mail.links import Links
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.evidence import service as evidence
from covenant_portal.returns.models import EvidenceFile, QuarterlyReturn, ReturnPeriod, ReturnSubmission
from tests.accounts.outbox import link_in
from tests.returns.evidence_files import PDF
from tests.returns.helpers import SignedOrganisation, filled_return, period_of, sign_again

# Where the world's evidence is kept when the app names no folder (not the instance folder).
EVIDENCE_DIR = Path(tempfile.gettempdir()) / "gm-first-matrix-evidence"


@dataclass
class Returns:
    period: ReturnPeriod  # Q1 2026 to 2027: provider A's signed return
    signed_return: QuarterlyReturn
    submission: ReturnSubmission  # its version 1, with the evidence below in it
    evidence: EvidenceFile  # on pledge 1
    draft_period: ReturnPeriod  # Q2 2026 to 2027: provider A's return started, its draft open
    draft_return: QuarterlyReturn


def provider_returns(session: Session, signed: SignedOrganisation, now: datetime) -> Returns:
    """Provider A's Q1 return filled in, with a PDF on pledge 1, signed through the submission
    service; and its Q2 return started through the drafts service (an empty draft)."""
    if not current_app.config.get("EVIDENCE_DIR"):  # the app reads the file from here when it is downloaded
        current_app.config["EVIDENCE_DIR"] = str(EVIDENCE_DIR)
    directory = Path(current_app.config["EVIDENCE_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    q1 = period_of(session, 2026, 1)
    quarterly_return = filled_return(session, signed, q1)
    file = evidence.add_evidence(session, directory, quarterly_return, 1, "policy.pdf", PDF, signed.user, SYSTEM, now)
    submission = sign_again(session, signed, quarterly_return, now=now)
    q2 = period_of(session, 2026, 2)
    draft_return = drafts.start_return(session, signed.organisation.id, q2, False, signed.user, SYSTEM, now)
    return Returns(q1, quarterly_return, submission, file, q2, draft_return)


@dataclass
class EmailLinks:
    """Tokens of the links the portal emails, each still good to follow."""

    invited: User  # an escalation officer the admin invited, not yet active
    invitation: OutboxMessage  # the invitation email, in the mail log
    activate: str  # the path of the invitation's link
    reset_password: str  # a token


def email_links(session: Session, admin: User, reset_for: User, now: datetime) -> EmailLinks:
    invitation = management.Invitation(
        "Ivy Invited", "Escalation officer", f"invited.by.{admin.id}@gm.example", Role.ESCALATION_OFFICER
    )
    invited = management.invite_staff(session, Links.from_app(current_app), admin, invitation, SYSTEM, now)
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == invited.email)).one()
    links = Links.from_app(current_app)
    return EmailLinks(
        invited, email, link_in(email, "/activate/"), make_token(links, reset_for, Purpose.RESET_PASSWORD, now)
    )


def la_named_contact(session: Session, la_contact: User, now: datetime):
    """The LA contact named as their local authority's contact, as an admin names them."""
    return contacts.name_la_contact(session, la_contact, "bolton.contact@gm.example", "0161 496 0002", SYSTEM, now)


def covenant_draft(session: Session, admin: User) -> CovenantVersion:
    """Version 2 of the covenant, drafted (pledge 1 reworded) and not published."""
    wording = covenant.wording_of(covenant.current_version(session).document)
    wording.pledges[0] = (wording.pledges[0][0], "Put GM children first, always.")
    return covenant.draft_version(session, wording, admin, SYSTEM, utcnow())


def signed_organisation_of(user: User, home: ProviderHome, signature) -> SignedOrganisation:
    return SignedOrganisation(user, user.organisation, [home], signature)
