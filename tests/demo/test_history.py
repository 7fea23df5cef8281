"""The demo looks like three years of use: providers of every kind, signatures of two covenant
versions, twelve quarters of signed returns, a correction, the current quarter in its states with
the reminders the chase job sent, all sealed in a ledger that verifies; and seeding again changes
nothing."""

import json
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.concerns.jobs import chase_concerns
from covenant_portal.concerns.models import Concern, ConcernClosure
from covenant_portal.covenant.models import (
    CovenantSignature,
    CovenantStatus,
    CovenantVersion,
    LaCovenantSignature,
    ResigningReminder,
    ResigningStage,
)
from covenant_portal.expansions.models import ProposalOutcome, ProposalVersion
from covenant_portal.demo.covenant import FIXED, STRAY
from covenant_portal.demo.providers import DOMAIN, HOMES, PROVIDERS
from covenant_portal.homes.models import HomeType, ProviderHome
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.returns.calendar.periods import LONDON
from covenant_portal.filters import london_day
from covenant_portal.returns.chasing.emails import dedupe_key
from covenant_portal.returns.jobs import chase_overdue_returns
from covenant_portal.returns.models import (
    GmPlacement,
    HomeOccupancy,
    QuarterlyReturn,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
    ReturnSubmission,
)
from covenant_portal.returns.status import ReturnState, return_states
from covenant_portal.signing.models import LedgerEntry, SigningKey
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from tests.seeded_demo import LONG_PAST_DUE
from tests.signing.helpers import run_ledger

pytestmark = pytest.mark.seeded_demo


def organisations(db_session) -> dict[str, ProviderOrganisation]:
    names = {provider.name: provider.slug for provider in PROVIDERS}
    found = db_session.scalars(sa.select(ProviderOrganisation).where(ProviderOrganisation.name.in_(names)))
    return {names[organisation.name]: organisation for organisation in found}


def periods(db_session) -> list[ReturnPeriod]:
    return list(db_session.scalars(sa.select(ReturnPeriod).order_by(ReturnPeriod.starts_on)))


def submissions_of(db_session, organisation_id: int) -> list[ReturnSubmission]:
    return list(
        db_session.scalars(
            sa.select(ReturnSubmission)
            .join(QuarterlyReturn, ReturnSubmission.return_id == QuarterlyReturn.id)
            .where(QuarterlyReturn.organisation_id == organisation_id)
            .order_by(ReturnSubmission.signed_at)
        )
    )


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def test_providers_of_every_kind_with_homes_in_all_ten_authorities(db_session):
    found = organisations(db_session)
    assert sorted(found) == sorted(provider.slug for provider in PROVIDERS) and len(found) == 8
    homes = list(
        db_session.scalars(
            sa.select(ProviderHome).where(
                ProviderHome.organisation_id.in_([organisation.id for organisation in found.values()])
            )
        )
    )
    assert len(homes) == len(HOMES) == 20
    assert {home.home_type for home in homes} >= {
        HomeType.CHILDRENS_HOME,
        HomeType.FOSTERING_AGENCY,
        HomeType.SUPPORTED_ACCOMMODATION,
    }
    greater_manchester = set(
        db_session.scalars(sa.select(LocalAuthority.id).where(LocalAuthority.is_greater_manchester))
    )
    assert {home.host_local_authority_id for home in homes} == greater_manchester


def test_three_years_of_covenant_signatures_and_returns(db_session):
    found = organisations(db_session)
    signatures = list(db_session.scalars(sa.select(CovenantSignature).join(CovenantVersion)))
    first = [s for s in signatures if s.covenant_version.number == 1]
    assert len(first) == 7
    assert {s.organisation_id for s in first} == {o.id for slug, o in found.items() if slug != "irwell"}
    for signature in first:
        assert timedelta(days=3 * 365) < LONG_PAST_DUE - utc(signature.signed_at) < timedelta(days=3 * 365 + 200)

    version_1, version_2 = (db_session.scalar(sa.select(CovenantVersion).filter_by(number=n)) for n in (1, 2))
    assert STRAY in version_1.document["pledges"][1]["provider_pledge"]
    assert FIXED in version_2.document["pledges"][1]["provider_pledge"]
    assert version_2.status == CovenantStatus.PUBLISHED
    resigned = {s.organisation_id for s in signatures if s.covenant_version.number == 2}
    assert resigned == {found[slug].id for slug in ("brightwater", "kestrel", "tame", "beacon")}

    all_periods = periods(db_session)
    today = london_day(LONG_PAST_DUE)
    current = [period for period in all_periods if period.opens_on <= today][-1]
    history = [period for period in all_periods if period.starts_on < current.starts_on][-12:]
    for slug, organisation in found.items():
        signed = {(s.quarterly_return.period_id, s.version) for s in submissions_of(db_session, organisation.id)}
        firsts = {period_id for period_id, version in signed if version == 1}
        expected = {"irwell": 0, "pennine": 11}.get(slug, 12)
        assert len(firsts & {period.id for period in history}) == expected, slug
    for submission in db_session.scalars(sa.select(ReturnSubmission)):
        cites = submission.document["covenant"]["version"]
        assert cites == (2 if utc(submission.signed_at) >= utc(version_2.published_at) else 1)
        assert london_day(utc(submission.signed_at)) >= submission.quarterly_return.period.opens_on

    corrections = list(db_session.scalars(sa.select(ReturnSubmission).where(ReturnSubmission.version == 2)))
    assert len(corrections) == 1
    superseded = corrections[0].supersedes
    assert superseded.version == 1 and superseded.return_id == corrections[0].return_id
    assert superseded.document["occupancy"] != corrections[0].document["occupancy"]
    assert corrections[0].quarterly_return.organisation_id == found["kestrel"].id


def test_the_gm_share_differs_by_provider_and_drifts(db_session):
    shares = {}
    for slug, organisation in organisations(db_session).items():
        by_quarter = []
        for submission in submissions_of(db_session, organisation.id):
            placed = in_gm = 0
            for occupancy in db_session.scalars(sa.select(HomeOccupancy).filter_by(submission_id=submission.id)):
                gm = sum(
                    placement.children
                    for placement in db_session.scalars(sa.select(GmPlacement).filter_by(occupancy_id=occupancy.id))
                )
                in_gm += gm
                placed += gm + occupancy.placed_outside_gm
                assert gm + occupancy.placed_outside_gm + occupancy.vacant_places <= occupancy.registered_places
                assert gm + occupancy.placed_outside_gm > 0
            by_quarter.append(round(100 * in_gm / placed))
        if by_quarter:
            shares[slug] = by_quarter
    assert len({round(sum(quarters) / len(quarters), -1) for quarters in shares.values()}) >= 4
    drifts = [quarters[-1] - quarters[0] for quarters in shares.values()]
    assert max(drifts) >= 10 and min(drifts) <= -5


def test_the_current_quarter_in_each_state_with_the_reminders_the_chase_job_sent(db_session):
    found = organisations(db_session)
    slug_of = {organisation.id: slug for slug, organisation in found.items()}
    today = london_day(LONG_PAST_DUE)
    open_periods = [period for period in periods(db_session) if period.opens_on <= today]
    current, previous = open_periods[-1], open_periods[-2]

    states = {slug_of[i]: state for i, state in return_states(db_session, current, today).items()}
    assert states == {
        "brightwater": ReturnState.SUBMITTED,
        "kestrel": ReturnState.SUBMITTED,
        "beacon": ReturnState.SUBMITTED,
        "hollins": ReturnState.DRAFT,
        "tame": ReturnState.DRAFT,
        "medlock": ReturnState.NOT_STARTED,
        "pennine": ReturnState.NOT_STARTED,
    }
    assert return_states(db_session, previous, today)[found["pennine"].id] == ReturnState.ESCALATED
    # Its due date (29 October) had long passed: the admin extended it, with a reason, before it was chased.
    assert current.due_adjusted_at is not None and current.due_on >= today + timedelta(days=3)
    assert utc(current.due_adjusted_at) < datetime.combine(date(2026, 10, 22), time(0), LONDON)

    reminders = list(db_session.scalars(sa.select(ReturnReminder)))
    assert {reminder.stage for reminder in reminders} == set(ReminderStage)
    assert {slug_of[r.organisation_id] for r in reminders if r.stage == ReminderStage.ESCALATED} == {"pennine"}
    chased_now = {slug_of[r.organisation_id] for r in reminders if r.period_id == current.id}
    assert chased_now == {"hollins", "tame", "medlock", "pennine"}
    for reminder in reminders:
        assert reminder.recipients
        for address in reminder.recipients:
            message = db_session.scalar(
                sa.select(OutboxMessage).filter_by(
                    dedupe_key=dedupe_key(reminder.period_id, reminder.organisation_id, reminder.stage, address)
                )
            )
            assert message is not None and utc(message.created_at) == utc(reminder.created_at)
            assert london_day(utc(reminder.created_at)) == reminder.sent_on
    # Each day the chase ran is a run of the job, dated then, as the admin's job runs page shows.
    runs = db_session.scalars(sa.select(JobRun).where(JobRun.job_name == "chase_overdue_returns")).all()
    assert {run.status for run in runs} == {JobRunStatus.SUCCEEDED}
    assert {london_day(utc(reminder.created_at)) for reminder in reminders} <= {
        london_day(utc(run.started_at)) for run in runs
    }
    assert all(run.finished_at == run.started_at for run in runs)
    resigning = db_session.scalars(sa.select(JobRun).where(JobRun.job_name == "chase_covenant_resigning")).all()
    assert resigning and {run.status for run in resigning} == {JobRunStatus.SUCCEEDED}
    # The job, run again today, finds nothing more to send.
    before = len(reminders)
    chase_overdue_returns(db_session, LONG_PAST_DUE)
    assert db_session.scalar(sa.select(sa.func.count(ReturnReminder.id))) == before


def test_the_ledger_verifies_and_exports_every_kind_of_signed_record(app, db_session, tmp_path):
    result = verify_ledger(db_session, record_kinds())
    assert result.ok and result.entries == db_session.scalar(
        sa.select(sa.func.count(CovenantSignature.id))
    ) + db_session.scalar(sa.select(sa.func.count(ReturnSubmission.id))) + db_session.scalar(
        sa.select(sa.func.count(ProposalVersion.id))
    ) + db_session.scalar(sa.select(sa.func.count(ProposalOutcome.id))) + db_session.scalar(
        sa.select(sa.func.count(LaCovenantSignature.id))
    ) + db_session.scalar(sa.select(sa.func.count(ConcernClosure.id)))
    assert run_ledger(app, "verify").exit_code == 0
    target = tmp_path / "ledger.jsonl"
    assert run_ledger(app, "export", str(target)).exit_code == 0
    kinds = [json.loads(line)["kind"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert set(kinds) == {
        "covenant-signature",
        "attestation-return",
        "expansion_proposal",
        "expansion_outcome",
        "la_covenant_signature",
        "concern-closure",
    }
    assert len(kinds) == result.entries


def test_no_signed_record_is_older_than_the_key_that_signed_it(db_session):
    # The key was published today, before seed-demo; the demo dated it from its start.
    [key] = db_session.scalars(sa.select(SigningKey)).all()
    first_signed = db_session.scalar(sa.select(sa.func.min(LedgerEntry.created_at)))
    assert key.valid_from <= first_signed < key.valid_from + timedelta(days=60)


def test_expansion_proposals_at_every_stage_give_las_and_providers_something_to_do(app, db_session):
    from covenant_portal.demo.timeline import Demo
    from covenant_portal.expansions.dashboard import expansion_actions
    from covenant_portal.expansions.models import ExpansionProposal, NeedsStatement, Outcome, ProposalStatus

    proposals = list(db_session.scalars(sa.select(ExpansionProposal)))
    assert {p.status for p in proposals} == set(ProposalStatus)
    assert {o.outcome for o in db_session.scalars(sa.select(ProposalOutcome))} == set(Outcome)
    assert any(p.latest_version and p.latest_version.version == 2 for p in proposals)  # a revision
    today = Demo.london_today(LONG_PAST_DUE)
    assert any(need.review_passed(today) for need in db_session.scalars(sa.select(NeedsStatement)))
    bury = db_session.scalar(sa.select(User).where(User.email == "bury.contact@demo.gm-first.example"))
    provider = db_session.scalar(sa.select(User).where(User.email == "brightwater.admin@demo.gm-first.example"))
    with app.test_request_context():
        assert [a.text for a in expansion_actions(db_session, bury, LONG_PAST_DUE)][0].startswith("Triage 1 expansion")
        assert "Farnworth Short Breaks" in expansion_actions(db_session, provider, LONG_PAST_DUE)[0].text


def test_the_re_signing_chase_reminded_late_re_signers_and_escalated_those_that_never_did(db_session):
    found = organisations(db_session)
    version_2 = db_session.scalar(sa.select(CovenantVersion).filter_by(number=2))
    sent = {
        (organisation_id, stage)
        for organisation_id, stage in db_session.execute(
            sa.select(ResigningReminder.organisation_id, ResigningReminder.stage).where(
                ResigningReminder.covenant_version_id == version_2.id
            )
        )
    }
    never = {slug for slug in found if slug not in ("brightwater", "kestrel", "tame", "beacon", "irwell")}
    assert never
    for slug in never:
        assert {stage for organisation_id, stage in sent if organisation_id == found[slug].id} == set(ResigningStage)
    assert {stage for organisation_id, stage in sent if organisation_id == found["tame"].id} == {
        ResigningStage.DUE_IN_14_DAYS
    }  # re-signed after the first reminder
    for slug in ("brightwater", "kestrel", "beacon", "irwell"):
        assert not {stage for organisation_id, stage in sent if organisation_id == found[slug].id}
    keys = set(
        db_session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("covenant-resigning:%"))
        )
    )
    for slug in never:
        assert f"covenant-resigning:{version_2.id}:{found[slug].id}:escalated:escalation@{DOMAIN}" in keys
    assert all(f"covenant-resigning:{version_2.id}:" in key for key in keys)


def test_this_mornings_concerns_chase_raised_the_concerns_for_the_duties_the_demo_leaves_broken(app, db_session):
    runs = db_session.scalars(sa.select(JobRun).where(JobRun.job_name == "chase_concerns")).all()
    assert [run.status for run in runs] == [JobRunStatus.SUCCEEDED]
    assert utc(runs[0].started_at) == datetime.combine(date(2026, 12, 1), time(7, 0), LONDON).astimezone(timezone.utc)
    raised = db_session.scalars(sa.select(Concern).where(Concern.case_key.is_not(None))).all()
    pennine = organisations(db_session)["pennine"]
    assert any(c.about_organisation_id == pennine.id and "Quarterly return" in c.description for c in raised)
    assert any("had not signed version 2 of the covenant" in c.description for c in raised)
    assert {london_day(utc(concern.logged_at)) for concern in raised} == {date(2026, 12, 1)}
    # The scheduler's run today raises nothing more: each broken duty has its concern once.
    with app.app_context():
        chase_concerns(db_session, LONG_PAST_DUE)
    assert db_session.scalar(sa.select(sa.func.count(Concern.id)).where(Concern.case_key.is_not(None))) == len(raised)
