"""/verify shows, for a valid receipt, where the ledger holds it and the signed checkpoint whose
proof of inclusion the portal checked; a proof that no longer leads to the checkpoint is flagged."""

import sqlalchemy as sa

from covenant_portal.signing.models import LedgerTreeNode
from tests.signing.helpers import allow_tampering, receipt_of, sign_covenants
from tests.signing.test_verify_page import SIGNED_AT, paste, text_of


def test_a_valid_receipt_shows_its_position_and_the_checkpoint_that_covers_it(client_request, db_session):
    sign_covenants(db_session, 2)
    [signature] = sign_covenants(db_session, 1, SIGNED_AT)
    sign_covenants(db_session, 1, SIGNED_AT)  # the latest checkpoint, of size 4, covers it
    page = text_of(paste(client_request, receipt_of(db_session, signature).decode()))
    assert "Included in the ledger at position 3; checkpoint of size 4 signed at 1 July 2026 at 12:30pm." in page
    assert "The portal checked the proof of inclusion" in page


def test_a_proof_that_no_longer_leads_to_the_checkpoint_is_flagged(client_request, db_session):
    [signature, _other] = sign_covenants(db_session, 2)
    allow_tampering(db_session)
    nodes = LedgerTreeNode.__table__
    # The leaf beside entry 1 (entry 2's) changed behind the portal's back: entry 1's proof breaks.
    db_session.execute(sa.update(nodes).where(nodes.c.level == 0, nodes.c.idx == 1).values(hash=b"\x00" * 32))
    page = text_of(paste(client_request, receipt_of(db_session, signature).decode()))
    assert "The receipt is valid" in page
    assert "does not lead to its signed checkpoint of size 2" in page
    assert "Included in the ledger at position" not in page
