"""Signing a quarterly return (submission.sign_return) and correcting it: one transaction, a sealed
ledger entry whose receipt securesystemslib verifies, the answers kept as rows, corrections as new
versions that supersede (and keep) the old ones."""

import json
from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.returns.submission import service as submission
from covenant_portal.returns.submission.document import differences
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
)
from covenant_portal.returns.submission.records import PREDICATE_TYPE, predicate_of, subject_name_for
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.signing.canonical import canonical_json, canonical_sha256, sha256_hex
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.service import publish_key
from covenant_portal.mail.links import Links
from tests.returns.helpers import (
    filled_return,
    gm_ons_codes,
    period_of,
    signed_organisation,
)
from tests.covenant.helpers import sslib_keys_from_rows, verify_with_securesystemslib
from tests.factories import create_user

NOW = datetime(2026, 7, 10, 9, 30, tzinfo=UTC)


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session)


@pytest.fixture
def quarterly_return(db_session, signed):
    return filled_return(db_session, signed, period_of(db_session))


def sign(session, signed, quarterly_return, user=None, lock=None, now=NOW, key=None):
    user = user or signed.user
    signing = submission.ReturnSigning(
        "Amira Khan", "Director of Care", quarterly_return.draft_lock if lock is None else lock
    )
    return submission.sign_return(
        session,
        Links.from_app(current_app),
        key or current_app.extensions["signing_key"],
        user,
        quarterly_return,
        signing,
        SYSTEM,
        now,
    )


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def statement_of(session, found: ReturnSubmission) -> dict:
    envelope = json.loads(session.get(LedgerEntry, found.ledger_seq).envelope)
    import base64

    return json.loads(base64.b64decode(envelope["payload"]))


def test_signing_seals_the_canonical_document_and_keeps_the_answers_as_rows(db_session, signed, quarterly_return):
    found = sign(db_session, signed, quarterly_return)

    assert found.version == 1 and found.supersedes_id is None
    assert found.signer_name == "Amira Khan" and found.signer_job_title == "Director of Care"
    assert found.signer_email == signed.user.email and found.signed_at == NOW
    assert found.declaration == (
        f"I confirm that this return for Q1 2026 to 2027 (April to June 2026) is accurate and complete, "
        f"and that I am authorised to sign it for {signed.organisation.name}."
    )
    document = found.document
    assert found.document_sha256 == sha256_hex(canonical_json(document))
    assert [pledge["number"] for pledge in document["pledges"]] == list(range(1, 12))
    assert {pledge["status"] for pledge in document["pledges"]} == {"partly_met"}
    assert [home["homeId"] for home in document["occupancy"]] == sorted(h.id for h in signed.homes)
    first_gm = gm_ons_codes(db_session)[0]
    home = document["occupancy"][0]
    assert home["placedBy"][first_gm] == 1 and sum(home["placedBy"].values()) == 1
    assert len(home["placedBy"]) == 10
    assert (home["registeredPlaces"], home["vacantPlaces"], home["placedOutsideGm"]) == (4, 1, 1)
    assert document["namedContacts"][0]["name"] == "Priya Shah"

    db_session.expire_all()
    answers = db_session.scalars(select(PledgeAnswer).where(PledgeAnswer.submission_id == found.id)).all()
    assert len(answers) == 11 and {a.status for a in answers} == {PledgeStatus.PARTLY_MET}
    rows = db_session.scalars(select(HomeOccupancy).where(HomeOccupancy.submission_id == found.id)).all()
    assert sorted((r.home_id, r.registered_places, r.vacant_places, r.placed_outside_gm) for r in rows) == sorted(
        (h.id, 4, 1, 1) for h in signed.homes
    )
    placements = db_session.scalars(
        select(GmPlacement).join(HomeOccupancy).where(HomeOccupancy.submission_id == found.id)
    ).all()
    assert [(p.local_authority.ons_code, p.children) for p in placements] == [(first_gm, 1), (first_gm, 1)]


def test_the_signed_document_holds_only_integers_and_strings(db_session, signed, quarterly_return):
    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    document = sign(db_session, signed, quarterly_return).document
    assert {type(leaf) for leaf in leaves(document)} <= {int, str, type(None)}
    assert not any(isinstance(leaf, bool) for leaf in leaves(document))


def test_the_receipt_verifies_with_securesystemslib_and_names_the_document(db_session, signed, quarterly_return):
    found = sign(db_session, signed, quarterly_return)
    receipt = submission.receipt_bytes(db_session, found)

    statement = verify_with_securesystemslib(receipt, sslib_keys_from_rows(db_session))

    assert statement["subject"] == [
        {"name": subject_name_for(found.id), "digest": {"sha256": canonical_sha256(found.document)}}
    ]
    assert statement["predicateType"] == PREDICATE_TYPE
    assert statement["predicate"] == predicate_of(found)
    assert statement["predicate"]["signer"] == {
        "name": "Amira Khan",
        "jobTitle": "Director of Care",
        "userId": signed.user.id,
        "email": signed.user.email,
    }
    assert statement["predicate"]["return"] == {"id": quarterly_return.id, "version": 1, "supersedes": None}
    assert statement["predicate"]["period"] == {"financialYear": 2026, "quarter": 1}
    assert db_session.get(LedgerEntry, found.ledger_seq).kind == "attestation-return"


def test_signing_clears_the_draft_and_is_audited_and_emailed(db_session, signed, quarterly_return):
    other_admin = create_user(db_session, Role.PROVIDER, organisation=signed.organisation, is_organisation_admin=True)
    colleague = signed.colleague(db_session)
    lock = quarterly_return.draft_lock

    found = sign(db_session, signed, quarterly_return, user=colleague)

    db_session.expire_all()
    assert quarterly_return.draft is None and quarterly_return.draft_lock == lock + 1
    # SQL NULL, so that queries for open drafts (draft IS NOT NULL) do not find it.
    assert db_session.scalar(select(QuarterlyReturn.id).where(QuarterlyReturn.draft.is_(None))) == quarterly_return.id
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "attestation.signed"))
    assert event.object_id == str(found.id) and event.details["version"] == 1
    emails = db_session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("return-signed:%"))).all()
    assert sorted(e.recipient for e in emails) == sorted([colleague.email, signed.user.email, other_admin.email])
    reference = f"GMF-{found.ledger_seq:06d}"
    assert {e.subject for e in emails} == {f"Your return for Q1 2026 to 2027 is signed (receipt {reference})"}
    assert f"/returns/{quarterly_return.id}/submissions/1" in emails[0].text_body
    assert "Amira Khan, Director of Care" in emails[0].html_body


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["pledges"]["3"].update(status=None), "Pledge 3: say whether it was met"),
        (
            lambda d: d["pledges"]["4"].update(status="not_met", narrative=""),
            "Pledge 4: explain how the pledge was kept",
        ),
        (lambda d: d["pledges"]["5"].update(from_last_quarter=True), "Pledge 5: review the answer from last quarter"),
        (lambda d: d["pledges"].pop("6"), "Pledge 6: say whether it was met"),
        (lambda d: d["contacts"].update(confirmed=False), "Named contacts: confirm your named contacts"),
        (
            lambda d: d["contacts"].update(from_last_quarter=True),
            "Named contacts: review the contacts from last quarter",
        ),
        (lambda d: d.pop("occupancy"), "Occupancy of {home}: enter the figures"),
        (
            lambda d: next(iter(d["occupancy"].values())).update(from_last_quarter=True),
            "Occupancy of {home}: review the figures from last quarter",
        ),
        (
            lambda d: next(iter(d["occupancy"].values())).update(vacant_places=3),
            "Occupancy of {home}: children placed plus vacant places (5) must not be more than registered places (4)",
        ),
    ],
)
def test_an_unfinished_return_is_not_signed_and_nothing_is_saved(db_session, signed, quarterly_return, change, message):
    draft = json.loads(json.dumps(quarterly_return.draft))
    change(draft)
    quarterly_return.draft = draft
    db_session.flush()
    entries = count(db_session, LedgerEntry)

    with pytest.raises(submission.Incomplete) as refused:
        sign(db_session, signed, quarterly_return)

    home = min(signed.homes, key=lambda h: (h.name, h.id)).name
    assert message.format(home=home) in [item.message for item in refused.value.unfinished]
    assert count(db_session, ReturnSubmission) == 0 and count(db_session, LedgerEntry) == entries
    assert db_session.get(QuarterlyReturn, quarterly_return.id).draft == draft


def test_a_draft_changed_since_the_signer_checked_it_is_not_signed(db_session, signed, quarterly_return):
    with pytest.raises(submission.DraftChanged, match="changed after you opened this page"):
        sign(db_session, signed, quarterly_return, lock=quarterly_return.draft_lock - 1)
    assert count(db_session, ReturnSubmission) == 0
    assert db_session.get(QuarterlyReturn, quarterly_return.id).draft is not None


def test_two_colleagues_signing_the_same_draft_sign_it_once(db_session, signed, quarterly_return):
    lock = quarterly_return.draft_lock
    first = sign(db_session, signed, quarterly_return, lock=lock)
    with pytest.raises(submission.AlreadySubmitted) as refused:
        sign(db_session, signed, quarterly_return, user=signed.colleague(db_session), lock=lock)
    assert refused.value.submission.id == first.id
    assert count(db_session, ReturnSubmission) == 1


def test_someone_of_another_organisation_cannot_sign(db_session, signed, quarterly_return):
    stranger = create_user(db_session, Role.PROVIDER)
    with pytest.raises(submission.SubmissionError):
        sign(db_session, signed, quarterly_return, user=stranger)
    assert count(db_session, ReturnSubmission) == 0


def test_a_retired_key_signs_nothing_and_keeps_the_draft(db_session, signed, quarterly_return):
    key = current_app.extensions["signing_key"]
    publish_key(db_session, key, NOW).valid_until = NOW.replace(month=6)  # retired in June, no newer key here
    db_session.flush()
    entries, emails = count(db_session, LedgerEntry), count(db_session, OutboxMessage)

    with pytest.raises(submission.SigningKeyRetired):
        submission.sign_with_current_key(
            db_session,
            Links.from_app(current_app),
            lambda: key,
            signed.user,
            quarterly_return,
            submission.ReturnSigning("A", "B", quarterly_return.draft_lock),
            SYSTEM,
            NOW,
        )

    assert count(db_session, ReturnSubmission) == 0 and count(db_session, LedgerEntry) == entries
    assert count(db_session, OutboxMessage) == emails
    assert db_session.get(QuarterlyReturn, quarterly_return.id).draft is not None


# Corrections


def test_a_correction_is_a_new_version_superseding_the_old_one(db_session, signed, quarterly_return):
    first = sign(db_session, signed, quarterly_return)
    later = NOW.replace(day=20)

    submission.start_correction(db_session, quarterly_return, signed.user, SYSTEM, later)
    draft = json.loads(json.dumps(quarterly_return.draft))
    assert draft["based_on"] == first.id
    assert not any(answer["from_last_quarter"] for answer in draft["pledges"].values())
    draft["pledges"]["2"] = {"status": "not_met", "narrative": "We could not staff it.", "from_last_quarter": False}
    quarterly_return.draft = draft
    db_session.flush()
    second = sign(db_session, signed, quarterly_return, now=later)

    assert (second.version, second.supersedes_id) == (2, first.id)
    assert second.document["supersedes"] == {"version": 1, "documentSha256": first.document_sha256}
    assert second.document["version"] == 2
    assert "this correction (version 2) of the return" in second.declaration
    db_session.expire_all()
    assert [s.version for s in quarterly_return.submissions] == [1, 2]  # both kept
    assert first.document["pledges"][1]["status"] == "partly_met"
    changes = differences(first.document, second.document)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Pledge 2: Answer", "Partly met", "Not met"),
        ("Pledge 2: How it was kept", "How we kept pledge 2.", "We could not staff it."),
    ]
    statement = statement_of(db_session, second)
    assert statement["predicate"]["return"] == {
        "id": quarterly_return.id,
        "version": 2,
        "supersedes": {"version": 1, "documentSha256": first.document_sha256},
    }
    subjects = {e.subject for e in db_session.scalars(select(OutboxMessage))}
    assert any(s.startswith("Your correction to the return for Q1 2026 to 2027 is signed") for s in subjects)


def test_differences_show_an_empty_answer_in_words_never_none():
    evidence = [{"filename": "rota.pdf", "sizeBytes": 2048, "sha256": "ab" * 32}]
    contact = {"name": "Priya Shah", "role": "Manager", "email": "priya@example.com", "phone": ""}
    old = {"pledges": [{"number": 1, "narrative": "", "evidence": evidence}], "namedContacts": [contact]}
    new = {"pledges": [{"number": 1, "narrative": "How we kept it.", "evidence": []}], "namedContacts": []}

    changes = [(c.label, c.before, c.after) for c in differences(old, new)]
    assert changes == [
        ("Pledge 1: How it was kept", "Not answered", "How we kept it."),
        ("Pledge 1: Evidence files", f"rota.pdf (2 KB, SHA-256 {'ab' * 6})", "No files"),
        ("Named contacts: Contacts", "Priya Shah (Manager, priya@example.com)", "No named contacts"),
    ]
    assert [(c.before, c.after) for c in differences(new, old)] == [(after, before) for _, before, after in changes]


def test_starting_a_correction_twice_keeps_the_open_draft(db_session, signed, quarterly_return):
    sign(db_session, signed, quarterly_return)
    submission.start_correction(db_session, quarterly_return, signed.user, SYSTEM, NOW)
    draft = json.loads(json.dumps(quarterly_return.draft))
    draft["pledges"]["1"]["narrative"] = "Changed."
    quarterly_return.draft = draft
    db_session.commit()

    submission.start_correction(db_session, quarterly_return, signed.colleague(db_session), SYSTEM, NOW)

    assert quarterly_return.draft["pledges"]["1"]["narrative"] == "Changed."
    assert (
        db_session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attestation.correction_started")
        )
        == 1
    )


def test_a_return_never_signed_cannot_be_corrected(db_session, signed, quarterly_return):
    with pytest.raises(submission.SubmissionError, match="nothing to correct"):
        submission.start_correction(db_session, quarterly_return, signed.user, SYSTEM, NOW)


def test_a_signed_return_without_a_correction_cannot_be_signed_again(db_session, signed, quarterly_return):
    first = sign(db_session, signed, quarterly_return)
    with pytest.raises(submission.AlreadySubmitted) as refused:
        sign(db_session, signed, quarterly_return)
    assert refused.value.submission.id == first.id


def test_two_colleagues_pressing_sign_at_the_same_moment_sign_once(committed_app):
    """Really concurrent (two threads, two connections, committed data): the guarded update of the
    draft lets one signature through; the other is told the return is signed."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from covenant_portal.db import get_session

    with committed_app.app_context():
        session = get_session()
        signed = signed_organisation(session)
        colleague = signed.colleague(session)
        quarterly_return = filled_return(session, signed, period_of(session))
        session.commit()
        ids = (quarterly_return.id, quarterly_return.draft_lock, signed.user.id, colleague.id)
    return_id, lock, *user_ids = ids
    barrier = Barrier(2, timeout=30)

    def press_sign(user_id):
        with committed_app.app_context():
            session = get_session()
            from covenant_portal.accounts.models import User

            barrier.wait()  # before any query: on SQLite the first one takes the write lock
            user, found = session.get(User, user_id), session.get(QuarterlyReturn, return_id)
            try:
                signing = submission.ReturnSigning(user.full_name, "Director", lock)
                signed_version = submission.sign_return(
                    session,
                    Links.from_app(committed_app),
                    committed_app.extensions["signing_key"],
                    user,
                    found,
                    signing,
                    SYSTEM,
                    NOW,
                )
                return f"signed version {signed_version.version}"
            except submission.AlreadySubmitted as error:
                return f"already signed as version {error.submission.version}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(press_sign, user_ids))

    assert outcomes == ["already signed as version 1", "signed version 1"]
    with committed_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(ReturnSubmission)) == 1
        kinds = session.scalars(select(LedgerEntry.kind)).all()
        assert kinds.count("attestation-return") == 1
