"""A return's draft (returns/drafts/service.py): starting it fresh or from last quarter, saving each section
with its rules, the optimistic lock between colleagues, and the section statuses of the task list."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.drafts.service import (
    DraftClosed,
    DraftConflict,
    DraftError,
    DraftInvalid,
    OccupancyInput,
    PledgeInput,
    SectionStatus,
    identifying_data_problem,
)
from covenant_portal.returns.models import QuarterlyReturn, PledgeStatus
from covenant_portal.returns.status import ReturnState
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.covenant.service import current_version
from covenant_portal.homes.models import HomeStatus
from tests.returns.helpers import (
    gm_ons_codes,
    period_of,
    pledge_numbers,
    signed_organisation,
    submit_filled_return,
)

# Q1 2026 to 2027 (April to June 2026) opens on 1 July 2026; Q2 on 1 October 2026.
IN_Q1_RETURN = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
IN_Q2_RETURN = datetime(2026, 10, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session)


@pytest.fixture
def q1(db_session, signed):
    return period_of(db_session, 2026, 1)


def start(session, signed, period, now=IN_Q1_RETURN, from_last_quarter=False, user=None):
    return drafts.start_return(
        session, signed.organisation.id, period, from_last_quarter, user or signed.user, SYSTEM, now
    )


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def save_pledge(session, quarterly_return, number, status, narrative="", shown=None, user=None, now=IN_Q1_RETURN):
    shown = shown or drafts.seen(quarterly_return, drafts.pledge_path(number))
    drafts.save_pledge(
        session,
        quarterly_return,
        number,
        PledgeInput(str(status), narrative),
        shown,
        user or _admin(session, quarterly_return),
        SYSTEM,
        now,
    )


def _admin(session, quarterly_return):
    from covenant_portal.accounts.models import User

    return session.scalar(
        select(User).where(User.organisation_id == quarterly_return.organisation_id).order_by(User.id).limit(1)
    )


# Child-identifying data


@pytest.mark.parametrize(
    "text",
    [
        "Placed a young person (12/05/2014) with us",
        "born 3 May 2012",
        "DOB: 03-05-2012",
        "Date of birth 3rd May 2012",
        "NHS number 943 476 5919",
        "ref 9434765919 was discussed",
        "Pupil A123456789012 attends the local school",
        "UPN: b12345678901C",
    ],
)
def test_obvious_child_identifiers_are_refused_with_a_message(text):
    problem = identifying_data_problem(text)
    assert problem is not None
    assert "could identify a child" in problem


@pytest.mark.parametrize(
    "text",
    [
        "We told Bolton about every vacancy within a day, in May 2026.",
        "Call our placements team on 0161 496 0000 or 07700 900982.",
        "International: +44 161 496 0000",
        "Home Ofsted URN SC123456; company 01234567.",
        "Q1 2026 to 2027: 3 children placed from Wigan, 1 vacancy.",
        "",
    ],
)
def test_ordinary_narratives_pass(text):
    assert identifying_data_problem(text) is None


# Starting


def test_a_fresh_start_opens_an_empty_draft_and_is_audited(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)

    assert quarterly_return.draft == {}
    assert quarterly_return.draft_lock == 1
    assert quarterly_return.draft_updated_by_id == signed.user.id
    [event] = events(db_session, "attestation_return.started")
    assert event.object_id == str(quarterly_return.id)
    assert event.details["from_submission_id"] is None
    sections = drafts.sections(db_session, quarterly_return, current_version(db_session).document["pledges"])
    assert len(sections) == 11 + 2
    assert {section.status for section in sections} == {SectionStatus.NOT_STARTED}


def test_starting_again_keeps_the_return_a_colleague_started(db_session, signed, q1):
    first = start(db_session, signed, q1)
    save_pledge(db_session, first, 1, PledgeStatus.MET)

    again = start(db_session, signed, q1, user=signed.colleague(db_session))

    assert again.id == first.id
    assert again.draft["pledges"]["1"]["status"] == "met"
    assert len(events(db_session, "attestation_return.started")) == 1


def test_a_return_cannot_start_before_its_quarter_is_over_or_if_not_owed(db_session, signed, q1):
    with pytest.raises(DraftError, match="opens on 1 July 2026"):
        start(db_session, signed, q1, now=datetime(2026, 6, 30, 12, 0, tzinfo=UTC))
    late_signer = signed_organisation(db_session, signed_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(DraftError, match="does not owe a return"):
        start(db_session, late_signer, q1)
    assert db_session.scalar(select(QuarterlyReturn)) is None


def test_starting_from_last_quarter_needs_a_signed_return(db_session, signed, q1):
    with pytest.raises(DraftError, match="no signed return from an earlier quarter"):
        start(db_session, signed, q1, from_last_quarter=True)


def test_starting_from_last_quarter_carries_answers_over_marked_for_review(db_session, signed, q1):
    submitted = submit_filled_return(
        db_session, signed, q1, statuses={2: PledgeStatus.MET, 5: PledgeStatus.NOT_MET}, now=IN_Q1_RETURN
    )
    kept_home, closed_home = signed.homes
    closed_home.status = HomeStatus.CLOSED
    db_session.flush()
    q2 = period_of(db_session, 2026, 2)

    quarterly_return = start(db_session, signed, q2, now=IN_Q2_RETURN, from_last_quarter=True)

    draft = quarterly_return.draft
    assert draft["based_on"] == submitted.id
    assert draft["pledges"]["2"] == {"status": "met", "narrative": "", "from_last_quarter": True}
    assert draft["pledges"]["5"]["status"] == "not_met"
    assert draft["pledges"]["1"] == {
        "status": "partly_met",
        "narrative": "How we kept pledge 1.",
        "from_last_quarter": True,
    }
    assert set(draft["pledges"]) == {str(n) for n in pledge_numbers(db_session)}
    assert set(draft["occupancy"]) == {str(kept_home.id)}  # the closed home is not carried over
    assert draft["occupancy"][str(kept_home.id)] == {
        "placed_by": {gm_ons_codes(db_session)[0]: 1},
        "placed_outside_gm": 1,
        "vacant_places": 1,
        "registered_places": 4,
        "from_last_quarter": True,
    }
    # Last quarter's declaration is not carried over: the contacts wait to be confirmed again.
    assert draft["contacts"] == {"confirmed": False, "from_last_quarter": True}
    [event] = events(db_session, "attestation_return.started")
    assert event.details["from_submission_id"] == submitted.id

    pledges = current_version(db_session).document["pledges"]
    assert {s.status for s in drafts.sections(db_session, quarterly_return, pledges)} == {
        SectionStatus.FROM_LAST_QUARTER
    }
    # Saving a section, even unchanged, clears its mark; the others stay marked.
    save_pledge(db_session, quarterly_return, 2, PledgeStatus.MET, now=IN_Q2_RETURN)
    statuses = {s.title: s.status for s in drafts.sections(db_session, quarterly_return, pledges)}
    assert statuses["Pledge 2"] == SectionStatus.COMPLETED
    assert statuses["Pledge 1"] == SectionStatus.FROM_LAST_QUARTER
    assert drafts.compared_submission(db_session, quarterly_return).id == submitted.id


def test_the_owed_returns_list_each_period_with_its_state(db_session, signed, q1):
    period_of(db_session, 2026, 2)
    quarterly_return = start(db_session, signed, q1, now=IN_Q2_RETURN)

    owed = drafts.owed_returns(db_session, signed.organisation.id, IN_Q2_RETURN.date())

    assert [(row.period.quarter, row.state) for row in owed] == [(2, ReturnState.NOT_STARTED), (1, ReturnState.OVERDUE)]
    assert owed[1].quarterly_return.id == quarterly_return.id
    assert not any(row.can_carry_over for row in owed)


# Saving sections


def test_a_pledge_is_saved_with_its_narrative_and_audited(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)

    save_pledge(db_session, quarterly_return, 3, PledgeStatus.PARTLY_MET, "  We told Bolton within a week.  ")

    assert quarterly_return.draft["pledges"]["3"] == {
        "status": "partly_met",
        "narrative": "We told Bolton within a week.",
        "from_last_quarter": False,
    }
    assert quarterly_return.draft_lock == 2
    [event] = events(db_session, "attestation_return.pledge_saved")
    assert event.details == {
        "organisation_id": signed.organisation.id,
        "period_id": q1.id,
        "pledge_number": 3,
        "status": "partly_met",
    }


@pytest.mark.parametrize(
    ("status", "narrative", "field", "message"),
    [
        ("", "We did it.", "status", "Select whether the pledge was met"),
        ("maybe", "", "status", "Select whether the pledge was met"),
        ("partly_met", "", "narrative", "Explain how you kept the pledge"),
        ("not_applicable", "   ", "narrative", "Explain how you kept the pledge"),
        ("not_met", "A child joined us on 01/02/2015", "narrative", "could be a child’s date of birth"),
        ("met", "x" * 5001, "narrative", "How you kept the pledge must be 5,000 characters or fewer"),
    ],
)
def test_a_pledge_breaking_the_rules_is_refused_and_nothing_is_saved(
    db_session, signed, q1, status, narrative, field, message
):
    quarterly_return = start(db_session, signed, q1)

    with pytest.raises(DraftInvalid) as refused:
        save_pledge(db_session, quarterly_return, 1, status, narrative)

    assert message in refused.value.errors[field]
    db_session.refresh(quarterly_return)
    assert quarterly_return.draft == {} and quarterly_return.draft_lock == 1


def test_met_needs_no_narrative(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET)
    assert quarterly_return.draft["pledges"]["1"]["narrative"] == ""


def occupancy(placed_by=None, outside=0, vacant=0, registered=4) -> OccupancyInput:
    return OccupancyInput(placed_by or {}, outside, vacant, registered)


def save_occupancy(session, signed, quarterly_return, answers, shown=None):
    drafts.save_occupancy(
        session,
        quarterly_return,
        gm_ons_codes(session),
        answers,
        shown or drafts.seen(quarterly_return, drafts.OCCUPANCY_PATH),
        signed.user,
        SYSTEM,
        IN_Q1_RETURN,
    )


def test_occupancy_is_saved_for_every_open_home(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    bolton, wigan = gm_ons_codes(db_session)[:2]
    first, second = signed.homes

    save_occupancy(
        db_session,
        signed,
        quarterly_return,
        {
            first.id: occupancy({bolton: 2, wigan: 0}, outside=1, vacant=1, registered=4),
            second.id: occupancy(vacant=4, registered=4),
        },
    )

    assert quarterly_return.draft["occupancy"] == {
        str(first.id): {
            "placed_by": {bolton: 2},
            "placed_outside_gm": 1,
            "vacant_places": 1,
            "registered_places": 4,
            "from_last_quarter": False,
        },
        str(second.id): {
            "placed_by": {},
            "placed_outside_gm": 0,
            "vacant_places": 4,
            "registered_places": 4,
            "from_last_quarter": False,
        },
    }
    assert len(events(db_session, "attestation_return.occupancy_saved")) == 1
    homes = signed.homes
    assert drafts.occupancy_status(quarterly_return.draft, homes) == SectionStatus.COMPLETED


def test_occupancy_that_does_not_add_up_is_refused_next_to_the_field(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    bolton = gm_ons_codes(db_session)[0]
    first, second = signed.homes

    with pytest.raises(DraftInvalid) as refused:
        save_occupancy(
            db_session,
            signed,
            quarterly_return,
            {
                first.id: occupancy({bolton: 3}, outside=1, vacant=1, registered=4),
                second.id: occupancy(vacant=-1),
            },
        )

    assert refused.value.errors == {
        (first.id, "registered_places"): (
            f"Children placed plus vacant places (5) must not be more than registered places (4) at {first.name}"
        ),
        (second.id, "vacant_places"): f"Vacant places at {second.name} must be 0 or more",
    }
    db_session.refresh(quarterly_return)
    assert "occupancy" not in quarterly_return.draft


def test_occupancy_needs_every_open_home_and_only_gm_authorities(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    first, second = signed.homes
    with pytest.raises(DraftInvalid) as refused:
        save_occupancy(db_session, signed, quarterly_return, {first.id: occupancy({"W06000001": 1})})
    assert set(refused.value.errors) == {(first.id, "placed_outside_gm"), (second.id, "registered_places")}


def test_contacts_are_confirmed_only_when_there_are_some(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    shown = drafts.seen(quarterly_return, drafts.CONTACTS_PATH)
    with pytest.raises(DraftInvalid, match="Confirm that these are your named contacts"):
        drafts.save_contacts(db_session, quarterly_return, False, shown, signed.user, SYSTEM, IN_Q1_RETURN)
    db_session.execute(
        update(ProviderContact)
        .where(ProviderContact.organisation_id == signed.organisation.id)
        .values(retired_at=IN_Q1_RETURN)
    )
    with pytest.raises(DraftInvalid, match="Name a contact"):
        drafts.save_contacts(db_session, quarterly_return, True, shown, signed.user, SYSTEM, IN_Q1_RETURN)


def test_confirming_contacts_completes_the_section(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    shown = drafts.seen(quarterly_return, drafts.CONTACTS_PATH)
    drafts.save_contacts(db_session, quarterly_return, True, shown, signed.user, SYSTEM, IN_Q1_RETURN)
    assert drafts.contacts_status(quarterly_return.draft) == SectionStatus.COMPLETED
    assert len(events(db_session, "attestation_return.contacts_confirmed")) == 1


# Two colleagues at once


def test_a_colleague_saving_the_same_section_first_is_not_overwritten(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    colleague = signed.colleague(db_session, full_name="Bea Colleague")
    both_opened = drafts.seen(quarterly_return, drafts.pledge_path(1))
    save_pledge(db_session, quarterly_return, 1, PledgeStatus.NOT_MET, "Bea's answer.", both_opened, colleague)

    with pytest.raises(DraftConflict) as conflict:
        save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET, "", both_opened, signed.user)

    assert conflict.value.saved_by == "Bea Colleague"
    assert conflict.value.saved_at == IN_Q1_RETURN
    db_session.refresh(quarterly_return)
    assert quarterly_return.draft["pledges"]["1"]["narrative"] == "Bea's answer."
    assert len(events(db_session, "attestation_return.pledge_saved")) == 1

    # Having seen Bea's answer, saving again (from the page the conflict showed) replaces it.
    seen_now = drafts.Seen(conflict.value.lock, conflict.value.section_seen)
    save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET, "", seen_now, signed.user)
    assert quarterly_return.draft["pledges"]["1"]["status"] == "met"


def test_colleagues_saving_different_sections_both_keep_their_answers(db_session, signed, q1):
    quarterly_return = start(db_session, signed, q1)
    colleague = signed.colleague(db_session)
    opened_1 = drafts.seen(quarterly_return, drafts.pledge_path(1))
    opened_2 = drafts.seen(quarterly_return, drafts.pledge_path(2))

    save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET, "", opened_1, colleague)
    save_pledge(db_session, quarterly_return, 2, PledgeStatus.MET, "", opened_2, signed.user)

    assert set(quarterly_return.draft["pledges"]) == {"1", "2"}
    assert quarterly_return.draft_lock == 3


def test_a_save_racing_a_colleague_between_read_and_write_is_refused(db_session, signed, q1):
    """The page and this request read lock 1; a colleague's save lands before the UPDATE: the
    guarded UPDATE matches no row, the draft is read again, and the same section has changed."""
    quarterly_return = start(db_session, signed, q1)
    opened = drafts.seen(quarterly_return, drafts.pledge_path(1))
    colleague = signed.colleague(db_session, full_name="Cai Racer")
    db_session.execute(
        update(QuarterlyReturn)
        .where(QuarterlyReturn.id == quarterly_return.id)
        .values(
            draft={"pledges": {"1": {"status": "not_met", "narrative": "Cai's.", "from_last_quarter": False}}},
            draft_lock=2,
            draft_updated_by_id=colleague.id,
            draft_updated_at=IN_Q1_RETURN,
        )
        .execution_options(synchronize_session=False)
    )
    db_session.commit()
    assert quarterly_return.draft_lock == 1  # this request's copy is stale

    with pytest.raises(DraftConflict, match="Cai Racer"):
        save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET, "", opened, signed.user)
    db_session.refresh(quarterly_return)
    assert quarterly_return.draft["pledges"]["1"]["narrative"] == "Cai's."


def test_a_signed_return_cannot_be_saved(db_session, signed, q1):
    submitted = submit_filled_return(db_session, signed, q1, now=IN_Q1_RETURN)
    quarterly_return = submitted.quarterly_return
    assert quarterly_return.draft is None
    with pytest.raises(DraftClosed):
        save_pledge(db_session, quarterly_return, 1, PledgeStatus.MET, "", drafts.Seen(1, ""))
