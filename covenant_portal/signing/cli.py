"""`flask --app covenant_portal keys ...` and `ledger ...`: tools for operators and auditors."""

import json
import sys

import click
from flask import current_app

from covenant_portal.db import get_session, utcnow
from covenant_portal.signing import ledger, note
from covenant_portal.signing.log_check import SavedCheckpoint
from covenant_portal.signing.portal_key import portal_key, signing_key_path
from covenant_portal.signing.records import record_kinds, without_records
from covenant_portal.signing.service import (
    ensure_checkpoint,
    ensure_published,
    rotate_key,
    verify_ledger,
    with_current_key,
)


@click.group("keys")
def keys_cli():
    """The portal's Ed25519 signing keys."""


@keys_cli.command("rotate")
def rotate_command():
    """Make a new signing key; the old one stays published with the time it stopped signing."""
    path = signing_key_path(current_app)
    old_keyid, new = rotate_key(get_session(), path, utcnow())
    if old_keyid:
        click.echo(f"Retired key {old_keyid}.")
    click.echo(
        f"New signing key {new.keyid} written to {path}. Running portal processes switch to it at their next "
        "signature; the retired key stays published at /.well-known/gm-first-keys.json."
    )


def publish_portal_key(session, now) -> str:
    """The start-up step: this process's key in the published list (/.well-known/gm-first-keys.json)."""
    key = portal_key()
    new = ensure_published(session, key, now)
    return f"Signing key {key.keyid} {'published' if new else 'already published'}."


def cover_the_ledger(session, now) -> str:
    """The start-up step after the key's: a signed checkpoint covering the whole ledger (an empty one
    too), so that GET /checkpoint and the proofs only ever read. Each entry sealed later signs its
    own checkpoint in the same transaction."""
    key = portal_key()
    latest = with_current_key(portal_key, lambda key: ensure_checkpoint(session, key, key.origin, now))
    return f"Ledger checkpoint of size {latest.tree_size} signed by {key.keyid}."


@keys_cli.command("publish")
def publish_command():
    """Publish this machine's signing key if it is not yet (start-up does it too)."""
    click.echo(publish_portal_key(get_session(), utcnow()))


@click.group("ledger")
def ledger_cli():
    """The append-only, hash-chained ledger of signed records."""


@ledger_cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.File("rb"),
    help="A checkpoint saved earlier (from /checkpoint): the ledger must be consistent with it.",
)
@click.option(
    "--integrity-only",
    is_flag=True,
    help="Check the chain, the Merkle tree and the checkpoints only, not each entry's signature, "
    "statement, record or files (much faster).",
)
@click.option(
    "--no-records",
    is_flag=True,
    help="Check the chain, the Merkle tree, the checkpoints and every entry's signature and statement, "
    "but not the stored records and evidence files the entries seal (what the log alone shows).",
)
def verify_command(checkpoint_file, integrity_only, no_records):
    """Recompute the whole chain and Merkle tree, check every signature, record and evidence file and
    the checkpoints: exit 0 if intact, 1 naming the first problem."""
    saved = _saved_checkpoint(checkpoint_file) if checkpoint_file else None
    result = verify_ledger(
        get_session(),
        without_records(record_kinds()) if no_records else record_kinds(),
        app=current_app._get_current_object(),  # type: ignore[attr-defined]
        origin=portal_key().origin,
        saved=saved,
        integrity_only=integrity_only,
    )
    if result.ok:
        checked = (
            " (integrity only: chain, tree and checkpoints)"
            if integrity_only
            else " (no records: chain, tree, checkpoints, signatures and statements)"
            if no_records
            else ""
        )
        against = f"; consistent with the checkpoint in {saved.label}" if saved else ""
        click.echo(f"Ledger OK: {result.entries} entries, head {result.head_hash}{against}{checked}.")
        return
    if result.first_bad_seq is None:
        click.echo(f"Ledger BROKEN: {result.problem}.", err=True)
    else:
        click.echo(
            f"Ledger BROKEN at entry {result.first_bad_seq}: {result.problem}. "
            f"The {result.entries} entries before it are intact.",
            err=True,
        )
    sys.exit(1)


def _saved_checkpoint(file) -> SavedCheckpoint:
    """FILE's checkpoint, or a usage error (exit 2) if FILE is not one: a wrong file given is a
    mistake of the person running the check, not a sign that the ledger is broken."""
    raw = file.read(note.MAX_NOTE_BYTES + 1)
    try:
        note.parse_checkpoint(note.parse_note(raw).text)
    except note.NoteError as error:
        raise click.BadParameter(f"{file.name} is not a checkpoint: {error}", param_hint="--checkpoint") from error
    return SavedCheckpoint(raw.decode("utf-8"), file.name)


@ledger_cli.command("export")
# Not lazy: FILE is made even when the ledger is empty (an empty ledger exports as an empty file).
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=False))
def export_command(file):
    """Write every entry to FILE ("-" for standard output) as one JSON object per line, the envelope
    as a JSON object: everything an auditor needs to check the ledger offline (docs/signing.md).
    An empty ledger gives an empty file."""
    count = 0
    for page in ledger.entry_pages(get_session()):
        for entry in page:
            file.write(json.dumps(ledger.export_record(entry), ensure_ascii=False) + "\n")
        count += len(page)
    click.echo(f"Exported {count} entries.", err=True)
