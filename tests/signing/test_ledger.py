"""`ledger verify` checks each entry's signed statement against its kind of record, through the
registry of record kinds; `ledger export` writes what an auditor needs."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from covenant_portal.covenant.records import COVENANT_SIGNATURE
from covenant_portal.signing import dsse, ledger
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.records import RecordKind, record_kinds
from covenant_portal.signing.service import seal, signed_envelope, verify_ledger, verifying_keys
from covenant_portal.signing.verification import verify_chain
from tests.signing.helpers import allow_tampering, ledger_entries, run_ledger, sign_covenants

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)
NOTE = "urn:gm-first:predicate:test-note:v1"


class Notes:
    """A kind of record made up for these tests: notes kept in a dict, each sealed in the ledger."""

    def __init__(self):
        self.kept: dict[str, dict] = {}
        self.kind = RecordKind("test-note", NOTE, self.check)
        self.pages_checked: list[list[str]] = []

    def check(self, _session, subject_name: str, statement: dict) -> str | None:
        if self.kept.get(subject_name) != statement["predicate"]:
            return f"note {subject_name} differs from the signed record"
        return None

    def check_page(self, session, records: list[tuple[str, dict]]) -> list[str | None]:
        self.pages_checked.append([subject for subject, _statement in records])
        return [self.check(session, subject, statement) for subject, statement in records]

    def add(self, session, number: int, text: str, now=NOW) -> ledger.LedgerEntry:
        subject, predicate = f"urn:gm-first:test-note:{number}", {"text": text}
        self.kept[subject] = predicate
        return seal(
            session,
            portal_key(),
            kind="test-note",
            subject_name=subject,
            subject_sha256=sha256_hex(text.encode()),
            predicate_type=NOTE,
            predicate=predicate,
            now=now + timedelta(minutes=number),
        )


@pytest.fixture
def notes(db_session):
    notes = Notes()
    for number in (1, 2, 3):
        notes.add(db_session, number, f"Note {number}")
    return notes


def test_the_registry_knows_every_kind_of_signed_record(app):
    from covenant_portal.covenant.la_records import LA_COVENANT_SIGNATURE
    from covenant_portal.expansions.proposals.records import EXPANSION_PROPOSAL
    from covenant_portal.expansions.triage.records import EXPANSION_OUTCOME
    from covenant_portal.concerns.closure import CONCERN_CLOSURE
    from covenant_portal.returns.submission.records import ATTESTATION_RETURN

    assert record_kinds(app) == {
        "covenant-signature": COVENANT_SIGNATURE,
        "attestation-return": ATTESTATION_RETURN,
        "la_covenant_signature": LA_COVENANT_SIGNATURE,
        "expansion_proposal": EXPANSION_PROPOSAL,
        "expansion_outcome": EXPANSION_OUTCOME,
        "concern-closure": CONCERN_CLOSURE,
    }


def test_entries_of_a_registered_kind_verify(db_session, notes):
    result = verify_ledger(db_session, {"test-note": notes.kind})
    assert result.ok and result.entries == 3
    assert result.head_hash == ledger_entries(db_session)[-1].entry_hash


def test_an_entry_of_a_kind_nobody_registered_is_a_problem(db_session, notes):
    result = verify_ledger(db_session, record_kinds())
    assert result.first_bad_seq == 1
    assert result.problem == "its kind 'test-note' is not a kind of record the portal signs"


def test_the_kind_checks_the_stored_record(db_session, notes):
    notes.kept["urn:gm-first:test-note:2"] = {"text": "Changed afterwards"}
    result = verify_ledger(db_session, {"test-note": notes.kind})
    assert (result.first_bad_seq, result.problem) == (2, "note urn:gm-first:test-note:2 differs from the signed record")


def test_a_statement_of_another_predicate_type_is_a_problem(db_session, notes):
    other = RecordKind("test-note", "urn:gm-first:predicate:other:v1", notes.check)
    result = verify_ledger(db_session, {"test-note": other})
    assert result.first_bad_seq == 1
    assert result.problem == f"the signed predicateType is '{NOTE}', not urn:gm-first:predicate:other:v1"


def append_raw(session, subject: str, envelope: bytes) -> None:
    ledger.append(session, "test-note", subject, envelope, NOW + timedelta(hours=1))


def test_a_statement_about_another_subject_than_its_entry_is_a_problem(db_session, notes):
    envelope = signed_envelope(portal_key(), "urn:gm-first:test-note:1", "0" * 64, NOTE, {"text": "Note 1"})
    append_raw(db_session, "urn:gm-first:test-note:4", envelope)
    result = verify_ledger(db_session, {"test-note": notes.kind})
    assert result.first_bad_seq == 4
    assert result.problem == (
        "the signed statement is about 'urn:gm-first:test-note:1', not the entry's subject 'urn:gm-first:test-note:4'"
    )


@pytest.mark.parametrize(
    "payload_type, payload, problem",
    [
        (dsse.IN_TOTO_PAYLOAD_TYPE, b'{"hello": "world"}', "the signed payload is not an in-toto Statement v1"),
        (dsse.IN_TOTO_PAYLOAD_TYPE, b"\xff not JSON", "the signed payload is not an in-toto Statement v1"),
        ("text/plain", b"hello", "the envelope's payloadType is 'text/plain', not application/vnd.in-toto+json"),
    ],
)
def test_a_signed_payload_that_is_not_a_statement_is_a_problem(db_session, notes, payload_type, payload, problem):
    key = portal_key()
    envelope = dsse.sign(payload, payload_type, key.private_key, key.keyid)
    append_raw(db_session, "urn:gm-first:test-note:4", canonical_json(envelope.to_dict()))
    result = verify_ledger(db_session, {"test-note": notes.kind})
    assert (result.first_bad_seq, result.problem) == (4, problem)


def test_verify_reads_the_ledger_a_page_at_a_time(db_session, notes):
    for number in range(4, 8):
        notes.add(db_session, number, f"Note {number}")
    pages = [[entry.seq for entry in page] for page in ledger.entry_pages(db_session, page_size=3)]
    assert pages == [[1, 2, 3], [4, 5, 6], [7]]
    assert [len(page) for page in ledger.entry_pages(db_session, page_size=7)] == [7]


def test_export_writes_one_json_object_per_entry(app, db_session, tmp_path):
    signatures = sign_covenants(db_session, 3)
    target = tmp_path / "ledger.jsonl"

    result = run_ledger(app, "export", str(target))

    assert result.exit_code == 0, result.output
    assert "Exported 3 entries." in result.output
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    entries = ledger_entries(db_session)
    assert [line["seq"] for line in lines] == [1, 2, 3]
    for line, entry, signature in zip(lines, entries, signatures, strict=True):
        assert list(line) == [
            "seq",
            "created_at",
            "kind",
            "subject",
            "envelope",
            "envelope_sha256",
            "prev_hash",
            "entry_hash",
        ]
        assert line["subject"] == f"urn:gm-first:covenant-signature:{signature.id}"
        assert line["kind"] == "covenant-signature"
        assert line["created_at"] == ledger.rfc3339(entry.created_at)
        # The envelope is an object whose canonical JSON is the stored receipt, byte for byte.
        assert isinstance(line["envelope"], dict)
        assert canonical_json(line["envelope"]) == entry.envelope
        assert (line["envelope_sha256"], line["prev_hash"], line["entry_hash"]) == (
            entry.envelope_sha256,
            entry.prev_hash,
            entry.entry_hash,
        )
    assert lines[0]["prev_hash"] == "0" * 64
    assert lines[1]["prev_hash"] == lines[0]["entry_hash"]


def test_an_empty_ledger_exports_as_an_empty_file(app, db_session, tmp_path):
    assert ledger_entries(db_session) == []
    target = tmp_path / "ledger.jsonl"

    result = run_ledger(app, "export", str(target))

    assert result.exit_code == 0, result.output
    assert "Exported 0 entries." in result.output
    assert target.exists() and target.read_bytes() == b""


def test_export_to_standard_output(app, db_session):
    sign_covenants(db_session, 2)
    result = run_ledger(app, "export", "-")
    assert result.exit_code == 0
    assert [json.loads(line)["seq"] for line in result.stdout.splitlines()] == [1, 2]


def verify_in_pages_of(session, size: int, kinds) -> object:
    return verify_chain(session, ledger.entry_pages(session, size), verifying_keys(session), kinds)


def test_a_kind_may_check_a_page_of_records_at_once(db_session, notes):
    for number in (4, 5):
        notes.add(db_session, number, f"Note {number}")
    paged = RecordKind("test-note", NOTE, notes.check, check_records=notes.check_page)
    assert verify_in_pages_of(db_session, 2, {"test-note": paged}).ok
    assert notes.pages_checked == [
        ["urn:gm-first:test-note:1", "urn:gm-first:test-note:2"],
        ["urn:gm-first:test-note:3", "urn:gm-first:test-note:4"],
        ["urn:gm-first:test-note:5"],
    ]
    notes.kept["urn:gm-first:test-note:4"] = {"text": "Changed"}
    result = verify_in_pages_of(db_session, 2, {"test-note": paged})
    assert (result.first_bad_seq, result.entries) == (4, 3)
    assert result.head_hash == ledger_entries(db_session)[2].entry_hash


def test_the_first_problem_is_named_whether_a_record_or_a_link(db_session, notes):
    for number in (4, 5):
        notes.add(db_session, number, f"Note {number}")
    kinds = {"test-note": notes.kind}
    notes.kept["urn:gm-first:test-note:2"] = {"text": "Changed"}
    allow_tampering(db_session)
    ledger_entries(db_session)[3].prev_hash = "e" * 64  # entry 4, in the same page as entry 2
    db_session.flush()
    assert verify_in_pages_of(db_session, 10, kinds).first_bad_seq == 2
    notes.kept["urn:gm-first:test-note:2"] = {"text": "Note 2"}
    notes.kept["urn:gm-first:test-note:5"] = {"text": "Changed"}
    result = verify_in_pages_of(db_session, 10, kinds)
    assert (result.first_bad_seq, result.problem) == (4, "its prev_hash is not the previous entry's entry_hash")
