"""Signed-record pages say first, in words, who signed what, for whom and when (Europe/London time);
the envelope, keys, digests and ledger position sit in a "For auditors" details section. /verify
also takes a receipt reference (GMF-000012, any case, spaces around it allowed)."""

from datetime import UTC, datetime

import pytest

from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.records import RecordKind, record_kinds
from covenant_portal.signing.references import in_range, receipt_reference, reference_seq
from covenant_portal.signing.statements import statement
from covenant_portal.signing.summaries import describe, describe_entry
from tests.returns.helpers import filled_return, period_of, sign_again, signed_organisation
from tests.signing.helpers import receipt_of, sign_covenants
from tests.factories import create_provider
from tests.hostile.corpus import CORPUS, LONG, UNESCAPED
from tests.signing.test_verify_page import error_shown, text_of

SIGNED_AT = datetime(2026, 3, 3, 10, 14, tzinfo=UTC)  # 10:14 in London (Greenwich Mean Time)
SUMMER = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)  # 10:05 in London (British Summer Time)


@pytest.fixture
def signature(db_session):
    sign_covenants(db_session, 2)
    [signature] = sign_covenants(db_session, 1, SUMMER)
    return signature


def sentence_of(signature) -> str:
    return (
        f"{signature.signer_name} signed version {signature.covenant_version.number} of the GM First Covenant "
        f"for {signature.organisation_name} on 1 July 2026 at 10:05am."
    )


def auditors_part(page: str) -> str:
    start = page.index('<details class="govuk-details"')
    return text_of(page[start : page.index("</details>", start)])


def before_auditors(page: str) -> str:
    return text_of(page[: page.index('<details class="govuk-details"')])


def test_the_covenant_receipt_page_says_who_signed_what_for_whom_and_when_first(client_request, db_session, signature):
    client_request.login(signature.signer)
    page = client_request.get(f"/covenant/signatures/{signature.id}").get_data(as_text=True)

    lead = before_auditors(page)
    assert sentence_of(signature) in lead
    assert lead.index(sentence_of(signature)) < lead.index("Receipt reference")
    assert signature.covenant_version.document_sha256 not in lead and "DSSE" not in lead
    auditors = auditors_part(page)
    assert auditors.startswith("For auditors")
    assert signature.covenant_version.document_sha256 in auditors
    assert "DSSE" in auditors and f"entry {signature.ledger_seq} of the portal’s ledger" in auditors
    assert "Download proof of inclusion" in auditors


def test_the_receipt_file_is_unchanged(client_request, db_session, signature):
    client_request.login(signature.signer)
    response = client_request.get(f"/covenant/signatures/{signature.id}/receipt")
    assert response.get_data() == receipt_of(db_session, signature)


def test_the_return_receipt_page_says_it_in_words_too(client_request, db_session):
    signed = signed_organisation(
        db_session, organisation=create_provider(db_session, name="Acorn Care Ltd"), full_name="Jo Bloggs"
    )
    quarterly_return = filled_return(db_session, signed, period_of(db_session))
    first = sign_again(db_session, signed, quarterly_return, now=datetime(2026, 7, 20, 13, 30, tzinfo=UTC))
    second = sign_again(db_session, signed, quarterly_return, now=datetime(2026, 7, 21, 13, 30, tzinfo=UTC))
    client_request.login(signed.user)

    page = client_request.get(f"/returns/{quarterly_return.id}/submissions/1").get_data(as_text=True)
    assert (
        "Jo Bloggs signed the quarterly return for Q1 2026 to 2027 for Acorn Care Ltd on 20 July 2026 at 2:30pm."
        in before_auditors(page)
    )
    assert first.document_sha256 in auditors_part(page) and first.document_sha256 not in before_auditors(page)
    page = client_request.get(f"/returns/{quarterly_return.id}/submissions/2").get_data(as_text=True)
    assert (
        "Jo Bloggs signed version 2 of the quarterly return for Q1 2026 to 2027 (correcting version 1) "
        "for Acorn Care Ltd on 21 July 2026 at 2:30pm." in before_auditors(page)
    )
    assert describe_entry(db_session, record_kinds(), second.ledger_seq) in before_auditors(page)


def test_verify_says_the_sentence_first_and_the_reference(client_request, db_session, signature):
    page = client_request.post(
        "/verify", {"receipt_text": receipt_of(db_session, signature).decode()}, expected_status=200
    ).get_data(as_text=True)
    lead = before_auditors(page)
    assert sentence_of(signature) in lead
    assert f"Receipt reference {receipt_reference(signature.ledger_seq)}" in lead
    assert portal_key().keyid not in lead
    assert portal_key().keyid in auditors_part(page)
    assert signature.covenant_version.document_sha256 in auditors_part(page)


@pytest.mark.parametrize("typed", ["GMF-{seq:06d}", "  gmf-{seq:06d}  ", "Gmf-{seq}"])
def test_verify_takes_a_receipt_reference(client_request, db_session, signature, typed):
    page = client_request.post("/verify", {"reference": typed.format(seq=signature.ledger_seq)}, expected_status=200)
    page = page.get_data(as_text=True)
    assert "The receipt is valid" in page
    lead = before_auditors(page)
    assert sentence_of(signature) in lead
    assert f"Receipt reference {receipt_reference(signature.ledger_seq)}" in lead
    assert f"urn:gm-first:covenant-signature:{signature.id}" in auditors_part(page)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("GMF-999999", "There is no signed record with the reference GMF-999999. Check the reference and try again."),
        ("GMF-000000", "There is no signed record with the reference GMF-000000. Check the reference and try again."),
        (
            "GMF-2147483648",
            "There is no signed record with the reference GMF-2147483648. Check the reference and try again.",
        ),
        ("GMF-12a", "Enter a receipt reference in the form GMF-000012"),
        ("12", "Enter a receipt reference in the form GMF-000012"),
        ("GMF-99999999999", "Enter a receipt reference in the form GMF-000012"),
        ("GMF-" + "1" * 60, "Enter a receipt reference in the form GMF-000012"),
    ],
)
def test_a_bad_reference_is_told_next_to_the_field_and_kept(client_request, signature, typed, message):
    page = client_request.post("/verify", {"reference": typed}, expected_status=400).get_data(as_text=True)
    assert "Error: Check a signed receipt" in page
    start = page.index('<p id="reference-error"')
    assert text_of(page[start : page.index("</p>", start)]).removeprefix("Error: ") == message
    assert f'value="{typed}"' in page


def test_a_reference_and_a_receipt_together_are_refused(client_request, db_session, signature):
    data = {
        "reference": receipt_reference(signature.ledger_seq),
        "receipt_text": receipt_of(db_session, signature).decode(),
    }
    page = client_request.post("/verify", data, expected_status=400).get_data(as_text=True)
    assert error_shown(page).endswith("not more than one")


def test_references_are_read_whatever_their_case_and_spaces():
    assert reference_seq(" gmf-000012\t") == 12
    assert reference_seq("GMF-12") == 12
    assert reference_seq("GMF 12") is None and reference_seq("GMF-１２") is None and reference_seq("GMF-") is None
    assert reference_seq("GMF-0") == 0 and not in_range(0)  # in the form of a reference, but naming no entry
    assert reference_seq(f"GMF-{2**31}") == 2**31 and not in_range(2**31)
    assert receipt_reference(12) == "GMF-000012"


def record(predicate: dict, predicate_type="urn:gm-first:predicate:expansion-outcome:v1") -> dict:
    return statement("urn:gm-first:expansion-outcome:7", "ab" * 32, predicate_type, predicate)


def test_a_kind_describes_its_records_and_others_get_the_generic_sentence():
    kind = RecordKind(
        "expansion-outcome",
        "urn:gm-first:predicate:expansion-outcome:v1",
        lambda *_: None,
        describe=lambda signed: f"Bury decided expansion proposal {signed['predicate']['proposal']}.",
    )
    assert describe({"expansion-outcome": kind}, record({"proposal": 7})) == "Bury decided expansion proposal 7."
    undescribed = RecordKind("expansion-outcome", "urn:gm-first:predicate:expansion-outcome:v1", lambda *_: None)
    predicate = {
        "signer": {"name": "Jo Bloggs"},
        "localAuthority": {"name": "Bury"},
        "signedAt": SIGNED_AT.isoformat(),
    }
    assert describe({"expansion-outcome": undescribed}, record(predicate)) == (
        "Jo Bloggs signed a record (urn:gm-first:expansion-outcome:7) for Bury on 3 March 2026 at 10:14am."
    )
    assert describe({}, record({})) == "The portal signed a record (urn:gm-first:expansion-outcome:7)."


def test_a_kind_whose_sentence_fails_gets_the_generic_one():
    kind = RecordKind("x", "urn:gm-first:predicate:expansion-outcome:v1", lambda *_: None, describe=lambda s: s["no"])
    assert describe({"x": kind}, record({})) == "The portal signed a record (urn:gm-first:expansion-outcome:7)."


def test_the_signed_ledger_head_is_described(client_request, signature):
    head = client_request.get("/ledger/head").get_data()
    page = client_request.post("/verify", {"receipt_text": head.decode()}, expected_status=200).get_data(as_text=True)
    assert "The portal signed a statement that its ledger held 3 signed records on " in before_auditors(page)


def test_an_entry_is_described_from_its_signed_envelope(db_session, signature):
    assert describe_entry(db_session, record_kinds(), signature.ledger_seq) == sentence_of(signature)
    assert db_session.get(LedgerEntry, 10**6) is None
    assert describe_entry(db_session, record_kinds(), 10**6) is None


@pytest.mark.parametrize("value", [*CORPUS.values(), LONG, "GMF-" + "٣" * 6, "GMF-²", "GMF-" + "9" * 40], ids=repr)
def test_hostile_references_get_a_message_never_a_500(client_request, value):
    response = client_request.post("/verify", {"reference": value}, expected_status=400)
    page = response.get_data(as_text=True)
    assert 'id="reference-error"' in page
    for marker in UNESCAPED:
        assert marker not in page


def test_every_kind_of_record_says_who_did_what_in_its_own_words(app):
    with app.app_context():
        assert [name for name, kind in record_kinds().items() if kind.describe is None] == []


@pytest.mark.parametrize(
    "kind, predicate, sentence",
    [
        (
            "la_covenant_signature",
            {
                "localAuthority": {"name": "Bolton"},
                "signer": {"name": "Priya Shah"},
                "covenant": {"version": 2},
                "signedAt": "2026-03-03T10:14:00Z",
            },
            "Priya Shah signed version 2 of the GM First Covenant for Bolton on 3 March 2026 at 10:14am.",
        ),
        (
            "expansion_proposal",
            {
                "proposal": {"id": 7, "version": 2},
                "organisation": {"name": "Acorn Care Ltd"},
                "submitter": {"name": "Sam Lee"},
                "submittedAt": "2026-07-01T09:05:00Z",
            },
            "Sam Lee submitted version 2 of expansion proposal 7 for Acorn Care Ltd on 1 July 2026 at 10:05am.",
        ),
        (
            "expansion_outcome",
            {
                "outcome": {"label": "Needed"},
                "proposal": {"id": 7, "version": 2},
                "localAuthority": {"name": "Bolton"},
                "decidedBy": {"name": "Priya Shah"},
                "decidedAt": "2026-03-03T10:14:00Z",
            },
            (
                "Priya Shah, for Bolton, recorded the outcome “Needed” for version 2 of expansion proposal 7 "
                "on 3 March 2026 at 10:14am."
            ),
        ),
        (
            "concern-closure",
            {
                "concern": {"id": 4, "closureId": 1},
                "closedBy": {"name": "Alex Morgan"},
                "closedAt": "2026-03-03T10:14:00Z",
            },
            "Alex Morgan, escalation officer, closed concern 4 on 3 March 2026 at 10:14am.",
        ),
        ("concern-closure", {}, "An escalation officer closed a concern."),
    ],
    ids=["LA signature", "proposal", "outcome", "closure", "closure saying nothing"],
)
def test_signed_records_of_each_kind_say_their_own_sentence(app, kind, predicate, sentence):
    with app.app_context():
        kinds = record_kinds()
        signed = {"predicateType": kinds[kind].predicate_type, "predicate": predicate, "subject": [{"name": "x"}]}
        assert describe(kinds, signed) == sentence
