"""Checking a receipt someone brings to /verify: is it a record the portal signed, and is it in the ledger?

Only the signature decides validity, checked over the payload bytes exactly as received; the ledger
and the keys' dates add what the portal knows about it.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse, merkle, note, tree
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.signing.checkpoints import checkpoint_verifier_keys
from covenant_portal.signing.checkpoints import latest as latest_checkpoint
from covenant_portal.signing.models import LedgerEntry, SigningKey
from covenant_portal.signing.records import decode_statement, subject_name_of, subject_sha256_of
from covenant_portal.signing.references import MAX_SEQ, in_range, receipt_reference, reference_seq
from covenant_portal.signing.service import LEDGER_HEAD_PREDICATE_TYPE, verifying_keys
from covenant_portal.signing.summaries import signed_fact, signed_moment


class ReceiptProblem(ValueError):
    """The receipt is not a valid portal receipt; the message says why, for people."""


@dataclass(frozen=True)
class HeadCheck:
    """For a signed ledger head: does the ledger still hold that entry, unchanged?"""

    size: int
    head_hash: str
    entry_now: LedgerEntry | None

    @property
    def still_holds(self) -> bool:
        if self.size == 0:
            return True
        return self.entry_now is not None and self.entry_now.entry_hash == self.head_hash


@dataclass(frozen=True)
class Inclusion:
    """The ledger's proof that it holds the receipt, checked against its latest signed checkpoint."""

    seq: int
    tree_size: int
    signed_at: datetime
    verified: bool  # the proof leads to the checkpoint's root, and the checkpoint's signature verifies


@dataclass(frozen=True)
class CheckedReceipt:
    statement: dict
    key: SigningKey
    signed_at: datetime | None
    ledger_entry: LedgerEntry | None  # the entry holding this very record, for records
    head: HeadCheck | None  # for a signed ledger head
    inclusion: Inclusion | None = None  # for a record in the ledger
    # False for a file that is the ledger's record but not byte for byte its receipt (once put in
    # RFC 8785 form): outside what is signed, a key id, a signature repeated or a field added.
    is_ledger_copy: bool = True

    @property
    def subject_name(self) -> str:
        return subject_name_of(self.statement)

    @property
    def subject_sha256(self) -> str:
        return subject_sha256_of(self.statement)

    @property
    def predicate_type(self) -> str:
        return self.statement["predicateType"]

    @property
    def predicate(self) -> dict:
        return self.statement["predicate"]

    def signed_fact(self, *path: str) -> str | None:
        """A text or number the predicate states at `path` (e.g. "signer", "name"), for showing."""
        return signed_fact(self.statement, *path)

    @property
    def reference(self) -> str | None:
        """The receipt reference people quote (GMF-000012), for a record in the ledger."""
        return receipt_reference(self.ledger_entry.seq) if self.ledger_entry is not None else None

    @property
    def signed_after_key_retired(self) -> bool:
        until = self.key.valid_until
        return until is not None and self.signed_at is not None and self.signed_at >= until


_UPLOAD_THE_RECEIPT = (
    "Upload the record’s receipt (“Download signed receipt” on its page), or enter the record’s receipt reference."
)
PROOF_NOT_RECEIPT = (
    "This is a proof of inclusion, not a receipt. Upload the record’s receipt (the other file its page "
    "offers), or enter the record’s receipt reference."
)
KEYS_NOT_RECEIPT = f"This is the portal’s list of public keys, not a receipt. {_UPLOAD_THE_RECEIPT}"
CHECKPOINT_NOT_RECEIPT = f"This is a checkpoint of the portal’s ledger, not a receipt. {_UPLOAD_THE_RECEIPT}"
EXPORT_NOT_RECEIPT = (
    "This is a ledger export, not a receipt. Enter the reference of the entry to check (entry 12 is GMF-000012), "
    "or upload that record’s receipt."
)
NOT_AN_ENVELOPE = (
    "This is not a receipt: a receipt holds a payload, its payloadType and signatures, and this file has none "
    f"of them (it may be the document a receipt covers). {_UPLOAD_THE_RECEIPT}"
)
_ENVELOPE_FIELDS = {"payload", "payloadType", "signatures"}


def _other_file(raw: bytes) -> str | None:
    """What to say of another file the portal serves (a proof of inclusion, the keys, a checkpoint,
    a ledger export, a signed document), which people may take for a receipt; None for anything else."""
    try:
        signed = note.parse_note(raw)
        note.parse_checkpoint(signed.text)
        return CHECKPOINT_NOT_RECEIPT
    except note.NoteError:
        pass
    data = _json_or_none(raw)
    if data is None and b"\n" in raw.strip():
        data = _json_or_none(raw.split(b"\n", 1)[0])  # the first line of JSON lines (an export)
    if not isinstance(data, dict):
        return None
    if {"leafIndex", "hashes", "checkpoint"} <= data.keys():
        return PROOF_NOT_RECEIPT
    if {"keys", "checkpoints"} <= data.keys():
        return KEYS_NOT_RECEIPT
    if {"seq", "envelope", "entry_hash"} <= data.keys():
        return EXPORT_NOT_RECEIPT
    return NOT_AN_ENVELOPE if not _ENVELOPE_FIELDS & data.keys() else None


def _json_or_none(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def _shown(text: str) -> str:
    """Text from a receipt as a page can show it: JSON may hold a lone surrogate (\\ud800), which is
    no character and cannot be sent as UTF-8, so it is shown as its escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def check_receipt(session: Session, raw: bytes) -> CheckedReceipt:
    """The checked receipt, or ReceiptProblem saying what is wrong with it."""
    try:
        envelope = dsse.parse(raw)
    except dsse.EnvelopeError as error:
        raise ReceiptProblem(_other_file(raw) or str(error)) from error
    if envelope.payload_type != dsse.IN_TOTO_PAYLOAD_TYPE:
        raise ReceiptProblem(
            f"The receipt’s payloadType is “{_shown(envelope.payload_type[:100])}”, not {dsse.IN_TOTO_PAYLOAD_TYPE}, "
            "so it is not a portal receipt."
        )
    keys = verifying_keys(session)
    keyid = dsse.verify(envelope, {keyid: key.public_key for keyid, key in keys.items()})
    if keyid is None:
        raise ReceiptProblem(
            "The signature does not match any of the portal’s keys. The receipt was changed after it was "
            "signed, or it was not signed by the portal."
        )
    statement = decode_statement(envelope.payload)
    if statement is None:
        raise ReceiptProblem("The receipt is signed by the portal but what it signs is not an in-toto statement.")
    entry = _ledger_entry_holding(session, statement, envelope)
    return CheckedReceipt(
        statement=statement,
        key=session.get_one(SigningKey, keyid),
        signed_at=_signed_at(statement),
        ledger_entry=entry,
        head=_head_check(session, statement),
        inclusion=_inclusion(session, entry) if entry is not None else None,
        is_ledger_copy=entry is None or _same_receipt(raw, bytes(entry.envelope)),
    )


def _same_receipt(raw: bytes, stored: bytes) -> bool:
    """Whether the file is the stored receipt, perhaps re-formatted by a tool (pretty-printed, its
    keys in another order): the same bytes once in RFC 8785 form, as the receipt's leaf is."""
    if raw == stored:
        return True
    try:
        return canonical_json(json.loads(raw)) == stored
    except (ValueError, TypeError, RecursionError):
        return False


class UnknownReference(ValueError):
    """The reference names no record in the ledger; the message says why, for people."""


def check_reference(session: Session, text: str) -> CheckedReceipt:
    """The checked receipt of the record a reference (GMF-000012, any case) names, checked as an
    uploaded receipt is; UnknownReference if it names none."""
    seq = reference_seq(text)
    if seq is None:
        raise UnknownReference("Enter a receipt reference in the form GMF-000012")
    entry = session.get(LedgerEntry, seq) if in_range(seq) else None
    if entry is None:
        raise UnknownReference(
            f"There is no signed record with the reference {receipt_reference(seq)}. Check the reference and try again."
        )
    return check_receipt(session, bytes(entry.envelope))


def _inclusion(session: Session, entry: LedgerEntry) -> Inclusion | None:
    """Checks the entry's inclusion proof in the latest checkpoint: the proof's hashes must lead from
    the receipt's leaf to the checkpoint's root, and a published key must have signed the checkpoint."""
    checkpoint = latest_checkpoint(session)
    if checkpoint is None or checkpoint.tree_size < entry.seq:
        return None
    try:
        _leaf, proof, _root = tree.inclusion_proof(session, entry.seq - 1, checkpoint.tree_size)
        signed = note.parse_note(checkpoint.note)
        stated = note.parse_checkpoint(signed.text)
        merkle.verify_inclusion(entry.seq - 1, stated.size, merkle.leaf_hash(entry.envelope), proof, stated.root_hash)
        keys = checkpoint_verifier_keys(session, stated.origin)
        verified = stated.size == checkpoint.tree_size and note.signed_by(
            signed, *(vkey for vkey, _key in keys.values())
        )
    except (merkle.ProofError, note.NoteError):
        verified = False
    return Inclusion(entry.seq, checkpoint.tree_size, checkpoint.signed_at, verified)


def _signed_at(statement: dict) -> datetime | None:
    # Records state when they were signed in `signedAt`; a ledger head when it was taken in `observedAt`.
    return signed_moment(
        statement, "observedAt" if statement["predicateType"] == LEDGER_HEAD_PREDICATE_TYPE else "signedAt"
    )


def _ledger_entry_holding(session: Session, statement: dict, envelope: dsse.Envelope) -> LedgerEntry | None:
    """The entry whose envelope signs these very payload bytes with this very signature. Matched on
    those, not on the file's bytes, because a receipt re-formatted by a tool is still the same record."""
    signatures = {signature.sig for signature in envelope.signatures}
    for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.subject == subject_name_of(statement))):
        stored = dsse.parse(entry.envelope)
        if stored.payload == envelope.payload and signatures & {signature.sig for signature in stored.signatures}:
            return entry
    return None


def _head_check(session: Session, statement: dict) -> HeadCheck | None:
    if statement["predicateType"] != LEDGER_HEAD_PREDICATE_TYPE:
        return None
    size, head_hash = statement["predicate"].get("size"), statement["predicate"].get("headHash")
    if type(size) is not int or not 0 <= size <= MAX_SEQ or not isinstance(head_hash, str):
        return None
    return HeadCheck(size, head_hash, session.get(LedgerEntry, size) if size > 0 else None)
