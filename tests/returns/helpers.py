"""Setting the scene for quarterly return tests: an organisation that signed the covenant at a given
time (through the real covenant service), with open homes; the periods it owes; a return with a
draft filled in. Other test modules add their own factories at the end of this file."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.returns.models import QuarterlyReturn, PledgeStatus, ReturnPeriod
from covenant_portal.returns.calendar.periods import ensure_periods, new_period
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.covenant.service import current_version
from covenant_portal.db import utcnow
from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.jobs import make_return_periods
from covenant_portal.mail.links import Links
from tests.covenant.helpers import sign_current_version
from tests.factories import create_user
from tests.homes.homes import create_home

# Signed in January 2026 (Q4 2025 to 2026): the organisation owes returns from Q1 2026 to 2027 on.
SIGNED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@dataclass
class SignedOrganisation:
    user: User  # an organisation admin, who signed
    organisation: ProviderOrganisation
    homes: list[ProviderHome]
    signature: CovenantSignature

    def colleague(self, session: Session, **overrides) -> User:
        """Another active provider user of the organisation (not an organisation admin)."""
        return create_user(
            session, Role.PROVIDER, organisation=self.organisation, is_organisation_admin=False, **overrides
        )


def signed_organisation(
    session: Session, signed_at: datetime = SIGNED_AT, homes: int = 2, **user_overrides
) -> SignedOrganisation:
    """A provider organisation whose admin signed the current covenant version at `signed_at`,
    with `homes` open homes in Bolton (4 registered places each)."""
    user = create_user(session, Role.PROVIDER, **user_overrides)
    signature = sign_current_version(session, user, now=signed_at)
    created = [create_home(session, user.organisation, registered_places=4) for _ in range(homes)]
    return SignedOrganisation(user, user.organisation, created, signature)


def make_periods(session: Session) -> None:
    """The return periods up to today, as the portal's start-up step and daily chase job make them
    (no page makes them)."""
    make_return_periods(session, utcnow())


def period_of(session: Session, financial_year: int = 2026, quarter: int = 1) -> ReturnPeriod:
    """The period, as the calendar makes it (periods.ensure_periods up to the day it opens); made
    directly if no organisation has signed yet (the calendar then makes none)."""
    periods = ensure_periods(session, today=_opens_on(financial_year, quarter))
    for period in periods:
        if (period.financial_year, period.quarter) == (financial_year, quarter):
            return period
    period = new_period(financial_year, quarter)
    session.add(period)
    session.flush()
    return period


def _opens_on(financial_year: int, quarter: int) -> date:
    return new_period(financial_year, quarter).opens_on


def pledge_numbers(session: Session) -> list[int]:
    return [int(pledge["number"]) for pledge in current_version(session).document["pledges"]]


def gm_ons_codes(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(LocalAuthority.ons_code)
            .where(LocalAuthority.is_greater_manchester.is_(True))
            .order_by(LocalAuthority.ons_code)
        )
    )


def filled_draft(
    session: Session,
    homes: list[ProviderHome],
    status: PledgeStatus = PledgeStatus.PARTLY_MET,
    placed_in_each_home: dict[str, int] | None = None,
) -> dict:
    """A complete draft (every pledge answered, occupancy for each home, contacts confirmed), in
    the shape QuarterlyReturn.draft documents. Each home has 1 child placed by the first GM LA
    (by ONS code) unless `placed_in_each_home` says otherwise, 1 from outside GM, 1 vacant place."""
    if placed_in_each_home is None:
        placed_in_each_home = {gm_ons_codes(session)[0]: 1}
    return {
        "pledges": {
            str(number): {
                "status": str(status),
                "narrative": "" if status == PledgeStatus.MET else f"How we kept pledge {number}.",
                "from_last_quarter": False,
            }
            for number in pledge_numbers(session)
        },
        "occupancy": {
            str(home.id): {
                "placed_by": dict(placed_in_each_home),
                "placed_outside_gm": 1,
                "vacant_places": 1,
                "registered_places": home.registered_places,
                "from_last_quarter": False,
            }
            for home in homes
        },
        "contacts": {"confirmed": True, "from_last_quarter": False},
    }


def create_return(
    session: Session,
    organisation: ProviderOrganisation,
    period: ReturnPeriod,
    draft: dict | None = None,
    updated_by: User | None = None,
) -> QuarterlyReturn:
    """A return row made directly (the drafts service is what pages use), with `draft` as its draft."""
    quarterly_return = QuarterlyReturn(
        organisation_id=organisation.id,
        period_id=period.id,
        draft=draft,
        draft_lock=1 if draft is not None else 0,
        draft_updated_at=datetime.now(UTC) if draft is not None else None,
        draft_updated_by_id=updated_by.id if updated_by is not None else None,
    )
    session.add(quarterly_return)
    session.flush()
    return quarterly_return


def filled_return(
    session: Session, signed: SignedOrganisation, period: ReturnPeriod | None = None, **draft_options
) -> QuarterlyReturn:
    """The organisation's return for the period (Q1 2026 to 2027 by default), its draft complete."""
    period = period or period_of(session)
    return create_return(
        session, signed.organisation, period, filled_draft(session, signed.homes, **draft_options), signed.user
    )


# LA helper: returns signed through the submission service, as the sign page signs them.


def submit_filled_return(
    session: Session,
    signed: SignedOrganisation,
    period: ReturnPeriod | None = None,
    statuses: dict[int, PledgeStatus] | None = None,
    now: datetime | None = None,
    **draft_options,
):
    """The organisation's return for the period filled in (filled_draft, with the pledges in
    `statuses` answered so) and signed by its admin: the new ReturnSubmission (version 1)."""
    quarterly_return = filled_return(session, signed, period, **draft_options)
    return sign_again(session, signed, quarterly_return, statuses, now)


def sign_again(
    session: Session,
    signed: SignedOrganisation,
    quarterly_return: QuarterlyReturn,
    statuses: dict[int, PledgeStatus] | None = None,
    now: datetime | None = None,
):
    """Signs the return's draft (opening a correction of its latest version first if no draft is
    open), with the pledges in `statuses` answered so."""
    from flask import current_app

    from covenant_portal.returns.submission import service as submission
    from covenant_portal.audit.service import SYSTEM

    if quarterly_return.draft is None:
        submission.start_correction(session, quarterly_return, signed.user, SYSTEM, now or datetime.now(UTC))
    draft = {**quarterly_return.draft, "pledges": dict(quarterly_return.draft["pledges"])}
    for number, status in (statuses or {}).items():
        narrative = "" if status == PledgeStatus.MET else f"How we kept pledge {number}."
        draft["pledges"][str(number)] = {"status": str(status), "narrative": narrative, "from_last_quarter": False}
    quarterly_return.draft = draft
    session.flush()
    signing = submission.ReturnSigning(signed.user.full_name, "Director", quarterly_return.draft_lock)
    return submission.sign_return(
        session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        signing,
        SYSTEM,
        now or datetime.now(UTC),
    )
