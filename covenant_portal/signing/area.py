"""Receipts, `/verify`, the published keys and ledger head, and the `keys` and `ledger` commands."""

from covenant_portal.signing.audit_words import SIGNING_AUDIT_VOCABULARY
from covenant_portal.signing.cli import cover_the_ledger, keys_cli, ledger_cli, publish_portal_key
from covenant_portal.signing import tlog_routes, witness_routes  # noqa: F401 (their views join `signing`)
from covenant_portal.signing.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area(
    "signing",
    blueprints=(blueprint,),
    commands=(keys_cli, ledger_cli),
    start_up=(publish_portal_key, cover_the_ledger),
    audit_vocabulary=SIGNING_AUDIT_VOCABULARY,
)
