"""Signed checkpoints of the ledger's tree (c2sp.org/tlog-checkpoint), and witnesses' cosignatures.

A checkpoint is signed in the transaction that appends an entry (service.seal), so every entry is
covered by one the moment it is committed; service.ensure_checkpoint covers entries from before the
tree existed (migration 0006).
Checkpoints are kept for ever: each is the portal's signed word that its ledger had that root at
that size, which anyone holding one can later hold it to.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.service import Actor, record
from covenant_portal.signing import note
from covenant_portal.signing.keys import public_key_from_pem, raw_public_bytes
from covenant_portal.signing.models import CheckpointCosignature, LedgerCheckpoint, SigningKey, WitnessKey
from covenant_portal.signing.portal_key import PortalKey


def verifier_key(origin: str, public_key_pem: str) -> note.VerifierKey:
    return note.VerifierKey(origin, note.ED25519, raw_public_bytes(public_key_from_pem(public_key_pem)))


def sign_checkpoint(
    session: Session, key: PortalKey, origin: str, size: int, root: bytes, now: datetime
) -> LedgerCheckpoint:
    """Signs and keeps the checkpoint of the tree of `size` leaves (the caller holds the ledger's
    lock, and its key is published)."""
    body = note.Checkpoint(origin, size, root).text
    signed = note.Note(body, (note.sign_note(body, origin, key.private_key),))
    checkpoint = LedgerCheckpoint(
        tree_size=size, root_hash=root, signed_at=now.astimezone(timezone.utc), keyid=key.keyid, note=str(signed)
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest(session: Session) -> LedgerCheckpoint | None:
    return session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)).first()


def cosigned_note(session: Session, checkpoint: LedgerCheckpoint) -> str:
    """The checkpoint with every registered witness's cosignature of it, as served. A removed
    witness's cosignatures are kept but not served (an admin removes a witness no longer to be
    relied on); registering its key again, which undoes the removal, serves them again."""
    signed = note.parse_note(checkpoint.note)
    lines = session.scalars(
        select(CheckpointCosignature.signature_line)
        .join(WitnessKey, WitnessKey.id == CheckpointCosignature.witness_key_id)
        .where(CheckpointCosignature.tree_size == checkpoint.tree_size, WitnessKey.removed_at.is_(None))
        .order_by(CheckpointCosignature.id)
    )
    extra = [note.parse_note(signed.text + "\n" + line + "\n").signatures[0] for line in lines]
    return str(signed.with_signatures(extra))


def checkpoint_verifier_keys(session: Session, origin: str) -> dict[str, tuple[note.VerifierKey, SigningKey]]:
    """The verifier key of every published portal key, by keyid."""
    return {
        key.keyid: (verifier_key(origin, key.public_key_pem), key)
        for key in session.scalars(select(SigningKey).order_by(SigningKey.valid_from))
    }


# Witnesses


@dataclass(frozen=True)
class Cosigned:
    witness: WitnessKey
    tree_size: int
    new: bool  # False if the witness had already cosigned that checkpoint


# The latest time a cosignature may state (9999-12-31T23:59:59Z): c2sp.org/tlog-cosignature allows up
# to 2**63 - 1 seconds, which no date holds.
LATEST_TIME = 253402300799


class CosignatureRefused(ValueError):
    """The submission is refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def active_witnesses(session: Session) -> list[WitnessKey]:
    return list(session.scalars(select(WitnessKey).where(WitnessKey.removed_at.is_(None)).order_by(WitnessKey.id)))


def accept_cosignatures(session: Session, actor: Actor, body: bytes, now: datetime) -> list[Cosigned]:
    """Keeps each registered witness's valid cosignature in a cosigned checkpoint someone posts
    (the checkpoint as /checkpoint served it, with the witness's lines added), and commits; the
    audit trail records who posted it (`actor`: nobody signed in, from the witness's address)."""
    try:
        posted = note.parse_note(body)
        checkpoint = note.parse_checkpoint(posted.text)
    except note.NoteError as error:
        raise CosignatureRefused(400, f"Not a checkpoint: {error}.") from error
    stored = session.get(LedgerCheckpoint, checkpoint.size)
    if stored is None or note.parse_note(stored.note).text != posted.text:
        raise CosignatureRefused(409, "The portal never signed that checkpoint: cosign one /checkpoint served.")
    witnesses = [(witness, note.parse_verifier_key(witness.verifier_key)) for witness in active_witnesses(session)]
    known = [vkey for vkey, _key in checkpoint_verifier_keys(session, checkpoint.origin).values()]
    refused = note.refused_by(posted, *known, *(vkey for _witness, vkey in witnesses))
    if refused is not None:  # c2sp.org/signed-note: a known key's signature that fails refuses the note
        raise CosignatureRefused(403, f"Nothing was kept: {note.refusal(refused)}.")
    accepted, timeless = [], []
    for witness, vkey in witnesses:
        found = note.cosigned_at(posted, vkey)
        if found is not None and found[0] > LATEST_TIME:
            timeless.append(f"{witness.name}'s cosignature states the time {found[0]}")
        elif found is not None:
            accepted.append(_keep(session, actor, witness, stored, found, now))
    if not accepted and timeless:
        raise CosignatureRefused(
            403, f"{'; '.join(timeless)}, which is after the year 9999: is the witness's clock right?"
        )
    if not accepted:
        raise CosignatureRefused(403, "No cosignature in it verifies with a witness key an admin has registered.")
    session.commit()
    return accepted


def _keep(
    session: Session, actor: Actor, witness: WitnessKey, stored: LedgerCheckpoint, found: tuple, now: datetime
) -> Cosigned:
    timestamp, signature = found
    kept = session.scalars(
        select(CheckpointCosignature).where(
            CheckpointCosignature.tree_size == stored.tree_size,
            CheckpointCosignature.witness_key_id == witness.id,
        )
    ).first()
    if kept is not None:
        return Cosigned(witness, stored.tree_size, False)
    cosignature = CheckpointCosignature(
        tree_size=stored.tree_size,
        witness_key_id=witness.id,
        received_at=now,
        cosigned_at=datetime.fromtimestamp(timestamp, timezone.utc),
        signature_line=signature.line.rstrip("\n"),
    )
    session.add(cosignature)
    session.flush()
    record(session, actor, "checkpoint.cosigned", cosignature, now, witness=witness.name, tree_size=stored.tree_size)
    return Cosigned(witness, stored.tree_size, True)


class WitnessKeyProblem(ValueError):
    """A verifier key that cannot be registered; the message is fit to show next to the field."""


def witness_verifier_key(text: str) -> note.VerifierKey:
    """The witness cosignature key `text` is, or WitnessKeyProblem saying what it is not (the form
    asks it beside its other questions, so every mistake is shown at once)."""
    try:
        key = note.parse_verifier_key(text)
    except note.NoteError as error:
        raise WitnessKeyProblem(f"Enter a witness verifier key: {error}") from error
    if key.key_type != note.COSIGNATURE_V1:
        raise WitnessKeyProblem("Enter a cosignature key (type 0x04, c2sp.org/tlog-cosignature), not a log's key")
    return key


def register_witness(session: Session, actor: Actor, text: str, description: str, now: datetime) -> WitnessKey:
    key = witness_verifier_key(text)
    if actor.user_id is None:  # only a signed-in admin registers a witness (the route's access says so)
        raise WitnessKeyProblem("Sign in as a portal administrator to register a witness")
    witness = session.scalars(select(WitnessKey).where(WitnessKey.verifier_key == str(key))).first()
    if witness is not None and witness.removed_at is None:
        raise WitnessKeyProblem("That witness key is already registered")
    details = {"name": key.name, "verifier_key": str(key)}
    if witness is None:
        witness = WitnessKey(name=key.name, verifier_key=str(key))
        session.add(witness)
    else:  # removed before (its cosignatures kept): registered again, so a removal can be undone
        witness.removed_at = None
        details["registered_again"] = "yes"
    witness.description, witness.registered_at, witness.registered_by_id = description, now, actor.user_id
    session.flush()
    record(session, actor, "witness_key.registered", witness, now, **details)
    session.commit()
    return witness


def remove_witness(session: Session, actor: Actor, witness: WitnessKey, now: datetime) -> None:
    if witness.removed_at is None:
        witness.removed_at = now
        record(session, actor, "witness_key.removed", witness, now, name=witness.name)
        session.commit()


def latest_cosignatures(session: Session) -> dict[int, CheckpointCosignature]:
    """Each witness's cosignature of the largest checkpoint it cosigned, by witness key id."""
    found: dict[int, CheckpointCosignature] = {}
    for cosignature in session.scalars(select(CheckpointCosignature).order_by(CheckpointCosignature.tree_size)):
        found[cosignature.witness_key_id] = cosignature
    return found
