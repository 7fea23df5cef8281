"""The hostile suite's world: one of everything a form of the portal works on, built once per
module (tests/hostile/conftest.py), so that every form can be reached and filled in."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from dataclasses import replace
from types import SimpleNamespace

from flask import current_app

from covenant_portal.signing import checkpoints, note
from covenant_portal.access import Role
from covenant_portal.accounts.tokens import Purpose, make_token
from covenant_portal.audit.service import SYSTEM, Actor
from covenant_portal.covenant import service as covenant
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links
from covenant_portal.returns.evidence import service as evidence
from tests.contacts.contacts import create_contact, name_la_contact
from tests.conversations.conversations import start_conversation
from tests.covenant.helpers import create_named_contact
from tests.expansions.helpers import expansion_world
from tests.factories import create_user
from tests.returns import evidence_files
from tests.returns.helpers import filled_return, period_of, signed_organisation, submit_filled_return
from tests.concerns.helpers import world_closed_concern, world_concern, world_concern_stages
from tests.concerns.learning_helpers import world_learning

PERSONAS = ("anonymous", "provider", "starter", "unsigned", "la_contact", "admin")


# A witness's cosignature verifier key (C2SP tlog-cosignature), as an LA's witness operator gives it.
WITNESS_KEY = str(
    note.VerifierKey(
        "witness.bolton.example",
        note.COSIGNATURE_V1,
        Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key().public_bytes_raw(),
    )
)


def build_world(session) -> SimpleNamespace:
    now = utcnow()
    signed = signed_organisation(session)
    provider = signed.user
    draft_return = filled_return(session, signed, period_of(session, 2026, 1))
    signed_return = submit_filled_return(session, signed, period_of(session, 2026, 2))
    evidence_file = evidence.add_evidence(
        session,
        evidence.evidence_dir(current_app.config, current_app.instance_path),
        draft_return,
        1,
        "policy.pdf",
        evidence_files.PDF,
        provider,
        SYSTEM,
        now,
    )
    starter = signed_organisation(session, homes=1).user  # owes Q1 2026 to 2027 and has not started it
    unsigned = create_user(session, Role.PROVIDER)
    create_named_contact(session, unsigned.organisation)
    la_contact = create_user(session, Role.LA_CONTACT)
    to_be_named = create_user(session, Role.LA_CONTACT)
    admin = create_user(session, Role.ADMIN)
    invited = create_user(
        session,
        Role.PROVIDER,
        organisation=provider.organisation,
        password_hash=None,
        email_verified_at=None,
        is_organisation_admin=False,
    )
    published = covenant.current_version(session)
    closed_concern = world_closed_concern(session, provider, la_contact, now)
    return SimpleNamespace(
        anonymous=None,
        officer=create_user(session, Role.ESCALATION_OFFICER),
        concern=world_concern(session, provider, la_contact, now),
        concern_stages=world_concern_stages(session, provider, la_contact, now),
        closed_concern=closed_concern,
        learning=world_learning(session, closed_concern),
        provider=provider,
        colleague=signed.colleague(session),
        deactivated=signed.colleague(session, deactivated_at=now),
        home=signed.homes[0],
        contact=create_contact(session, provider.organisation),
        draft_return=draft_return,
        signed_return=signed_return.quarterly_return,
        evidence_file=evidence_file,
        period=draft_return.period,
        starter=starter,
        starter_period=period_of(session, 2026, 1),
        unsigned=unsigned,
        la_contact=la_contact,
        expansions=expansion_world(session, provider, la_contact),
        to_be_named=to_be_named,
        named_contact=name_la_contact(session, create_user(session, Role.LA_CONTACT)),
        admin=admin,
        conversation=start_conversation(session, la_contact, provider.organisation),
        draft_version=covenant.draft_version(
            session, replace(covenant.wording_of(published.document), title="Second edition"), admin, SYSTEM, now
        ),
        witness=checkpoints.register_witness(
            session, Actor(admin.id), WITNESS_KEY, "Bolton Council, internal audit", now
        ),
        activate_token=make_token(Links.from_app(current_app), invited, Purpose.ACTIVATE, now),
        reset_token=make_token(Links.from_app(current_app), signed.colleague(session), Purpose.RESET_PASSWORD, now),
    )
